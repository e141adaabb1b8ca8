"""
Eager socket writes under daphne: send now, buffer only what the kernel does not take.

Twisted's ``FileDescriptor.write`` never writes immediately: it buffers, registers the socket
for writability, and sends from the next reactor turn, then unregisters. On the asyncio reactor
each registration is an ``epoll_ctl`` plus bookkeeping; profiled on a 1,000-socket broadcast it
was ~45 % of the server's fan-out time. asyncio's own transports try ``send()`` first and only
buffer the rest; this does the same for Twisted's plain TCP connections.

The fast path is taken only when nothing is buffered (and no pull producer waits for the
buffer to drain), so byte order and flow control are unchanged; TLS connections, partial sends
and errors all fall back to Twisted's own write (which then reports a lost connection).
"""

import errno
import logging
import sys

logger = logging.getLogger(__name__)

_RETRY_LATER = {errno.EWOULDBLOCK, errno.EAGAIN, errno.ENOBUFS}
_enabled = False


def enable_eager_writes() -> bool:
    """Patch Twisted's TCP connections, once, if this process runs a Twisted reactor."""
    global _enabled
    if _enabled:
        return True
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import tcp

    original = tcp.Connection.write

    def write(self, data: bytes) -> None:
        if (
            not getattr(self, "TLS", False)
            and self.connected
            and not self._writeDisconnected
            # A pull producer is asked for more when the buffer drains, so it keeps Twisted's
            # path; a streaming one (daphne's HTTP channel stays registered after the upgrade)
            # is only paused when the buffer grows, which an immediate send never does.
            and (self.producer is None or self.streamingProducer)
            and not self._tempDataBuffer
            and self.offset == len(self.dataBuffer)
            and type(data) is bytes
            and data
        ):
            try:
                sent = self.socket.send(data)
            except OSError as exc:
                if exc.errno not in _RETRY_LATER:
                    return original(self, data)  # Twisted notices the loss on its write
                sent = 0
            if sent == len(data):
                return None
            data = data[sent:]
        return original(self, data)

    tcp.Connection.write = write
    _enabled = True
    logger.info("cable: eager socket writes enabled")
    return True
