"""
``manage.py cable_bench``: fan-out measured against a running server, through the real pipeline.

``world`` creates the benchmark account, ``swarm`` runs the sockets and the event driver,
``report`` turns what they saw into figures.
"""
