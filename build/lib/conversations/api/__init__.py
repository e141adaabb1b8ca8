"""The REST API, on Django REST framework, with Chatwoot's paths and shapes."""
