"""Management commands of the cable server."""
