"""Stream names and the channel-layer groups that carry them between processes."""

import hashlib
import re

from realtime.settings import realtime_settings

# Channels accepts group names of ASCII letters, digits, "-", "_" and "." under 100 characters.
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")


def group_name(stream: str) -> str:
    """The channel-layer group of ``stream``; long or unusual names are hashed to fit."""
    prefix = realtime_settings.GROUP_PREFIX
    if _VALID.match(stream):
        return f"{prefix}.{stream}"
    return f"{prefix}.h.{hashlib.sha256(stream.encode()).hexdigest()[:40]}"
