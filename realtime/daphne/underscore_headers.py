"""
Named request headers with underscores, let through daphne as their hyphenated spelling.

daphne drops every request header whose name contains an underscore (``http_protocol.py``,
``WebRequest.process``: its guard against CVE-2015-0219, where ``X_Foo`` and ``X-Foo`` both
become ``HTTP_X_FOO`` and one can spoof the other). Some clients have only an underscored
name to send: all of Chatwoot's send the agent token as ``api_access_token``. For the names in
``REALTIME["UNDERSCORE_HEADERS"]`` only, this rewrites the header to its hyphenated spelling
before daphne's guard runs; every other underscored header is still dropped. When both
spellings arrive, both values are kept (one, if they are equal), so a request whose two
spellings disagree reaches the application with two values and can be refused.

Measured on daphne 4.2.3. ``tests/test_underscore_headers.py`` sends raw header bytes to a
real daphne and fails if an upgrade changes what this relies on.
"""

import sys
from collections.abc import Iterable
from typing import Any

_installed: tuple[bytes, ...] | None = None


def allow_underscore_headers(names: Iterable[str]) -> bool:
    """Install the rewrite for ``names`` in daphne's request handler, if daphne is loaded."""
    global _installed
    wanted = tuple(name.lower().encode("ascii") for name in names)
    module = sys.modules.get("daphne.http_protocol")
    if not wanted or module is None:
        return False
    request_class = module.WebRequest
    if _installed is None:
        original = request_class.process

        def process(self: Any) -> Any:
            for name in _installed or ():
                _hyphenate(self.requestHeaders, name)
            return original(self)

        request_class.process = process
    _installed = wanted
    return True


def _hyphenate(headers: Any, name: bytes) -> None:
    values = headers.getRawHeaders(name)
    if values is None:
        return
    hyphenated = name.replace(b"_", b"-")
    merged = list(dict.fromkeys([*(headers.getRawHeaders(hyphenated) or []), *values]))
    headers.removeHeader(name)
    headers.setRawHeaders(hyphenated, merged)
