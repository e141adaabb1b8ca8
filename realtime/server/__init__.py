"""The cable server: connections, the hub, sessions, limits, shutdown, health, metrics."""
