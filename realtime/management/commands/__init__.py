"""``manage.py`` commands of the cable server."""
