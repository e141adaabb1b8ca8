"""Query parameters read strictly: a bad one is a 400 naming it, never a 500 from the database."""

from rest_framework import serializers

# The largest id or count any backend takes in a query (PostgreSQL integer; SQLite's limit,
# 2**63 - 1, is larger).
MAX_INT = 2**31 - 1


def query_int(value: str | None, name: str, *, minimum: int = 1) -> int | None:
    """``value`` as an integer in [minimum, MAX_INT]; None when absent or empty."""
    if value in (None, ""):
        return None
    # isdigit() accepts "²" and other Unicode digits that int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        raise serializers.ValidationError({name: [f"Must be an integer from {minimum}."]})
    number = int(value)
    if not minimum <= number <= MAX_INT:
        raise serializers.ValidationError({name: [f"Must be from {minimum} to {MAX_INT}."]})
    return number
