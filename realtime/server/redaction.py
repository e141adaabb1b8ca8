"""
Credentials kept out of log lines: query-string values and path segments that authenticate.

Clients put credentials in URLs: a token in a query string (``?pubsub_token=…``, ``?sid=…``),
or a path that is itself the credential (Chatwoot's client API addresses a contact session by
its ``source_id``). ``redact()`` masks them as configured in ``REALTIME["REDACT_QUERY_PARAMS"]``
and ``REALTIME["REDACT_PATHS"]`` (regular expressions whose first group is masked);
``RedactingFilter`` applies it to every record of the handlers it is on, and
``redact_daphne_access_log()`` to daphne's access log, which bypasses Python logging (it writes
``AccessLogGenerator.write_entry`` lines to a stream; measured on daphne 4.2.3).
"""

import logging
import re
import sys
from functools import cache
from typing import Any

from realtime.settings import realtime_settings

MASK = "[redacted]"


@cache
def _patterns(
    params: tuple[str, ...], paths: tuple[str, ...]
) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    query = (
        re.compile(r"([?&;](?:" + "|".join(map(re.escape, params)) + r")=)[^&#\s\"']*", re.I)
        if params
        else None
    )
    return query, tuple(re.compile(path) for path in paths)


def redact(text: str) -> str:
    query, paths = _patterns(
        tuple(realtime_settings.REDACT_QUERY_PARAMS), tuple(realtime_settings.REDACT_PATHS)
    )
    if query is not None and ("?" in text or "&" in text or ";" in text):
        text = query.sub(lambda m: m.group(1) + MASK, text)
    for pattern in paths:
        text = pattern.sub(lambda m: _mask_group(m), text)
    return text


def _mask_group(match: re.Match[str]) -> str:
    whole, start = match.group(0), match.start(1) - match.start(0)
    return whole[:start] + MASK + whole[start + len(match.group(1)) :]


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with credentials masked (put it on handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_access_log_patched = False


def redact_daphne_access_log() -> bool:
    """Mask credentials in daphne's access log lines, if daphne is loaded."""
    global _access_log_patched
    module = sys.modules.get("daphne.access")
    if module is None:
        return False
    if not _access_log_patched:
        original = module.AccessLogGenerator.write_entry

        def write_entry(self: Any, host: Any, date: Any, request: str, *args: Any, **kw: Any):
            return original(self, host, date, redact(request), *args, **kw)

        module.AccessLogGenerator.write_entry = write_entry
        _access_log_patched = True
    return True
