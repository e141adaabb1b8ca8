"""A load generator for any cable server: lean WebSocket clients by the thousand (``wire``,
``swarm``), the report they make (``report``), and a do-nothing ActionCable app for daphne's own
floor (``bare_asgi``). ``manage.py cable_bench`` (conversations) drives it with real agents and
contacts; ``scripts/bench`` starts a server and runs it."""
