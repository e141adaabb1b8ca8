"""autobahn's debug-log arguments are built only when a debug line is written."""

import pprint

from realtime.daphne.lazy_autobahn_logs import enable_lazy_autobahn_logs


class Counted:
    reprs = 0

    def __repr__(self) -> str:
        Counted.reprs += 1
        return "Counted()"


def test_log_arguments_are_built_only_when_formatted_and_format_the_same():
    from autobahn.websocket import protocol

    assert enable_lazy_autobahn_logs() is True
    attrs = [("openHandshakeTimeout", 5, Counted())]
    deferred = protocol.pformat(attrs)  # what _connectionMade does on every connection
    assert Counted.reprs == 0
    assert f"{deferred}" == pprint.pformat(attrs)  # as txaio formats
    # The module's one use of pformat outside a log call still returns a string.
    timings = protocol.Timings()
    timings.track("x")
    assert isinstance(str(timings), str)
