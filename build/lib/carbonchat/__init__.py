"""The CarbonChat Django project: settings, ASGI routing and URLs."""
