"""
Business logic: every write the API (or anything else) makes goes through a service here.

Services are named ``<entity>_<action>``, take keyword-only arguments and run in one
transaction, so a failed action leaves nothing half-written and sends no event.
"""
