"""The wire formats of times in payloads, as the documented samples show them."""

from datetime import UTC, datetime


def iso_ms(value: datetime | None) -> str | None:
    """``2021-07-23T17:08:53.771Z``: UTC, milliseconds, a Z."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def epoch(value: datetime | None) -> int:
    """Integer Unix seconds; 0 for never (``agent_last_seen_at: 0`` in the samples)."""
    return int(value.timestamp()) if value is not None else 0


def epoch_float(value: datetime | None) -> float:
    """Unix seconds with microseconds (``updated_at``); 0.0 for never."""
    return value.timestamp() if value is not None else 0.0
