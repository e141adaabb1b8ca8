"""
Fuzzing the frame parser and the command handling (Hypothesis, bounded): whatever arrives, the
parser answers with a command or a ProtocolError, and a connection keeps serving afterwards.
"""

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime import protocol
from realtime.testing import CableTestClient

ROOM = json.dumps({"channel": "EchoChannel", "room": "fuzz"})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

frames = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"command": st.sampled_from(["subscribe", "unsubscribe", "message", "x", 1, None])},
        optional={
            "identifier": st.one_of(json_values, json_values.map(json.dumps), st.just(ROOM)),
            "data": st.one_of(
                json_values,
                json_values.map(json.dumps),
                st.builds(lambda a: json.dumps({"action": a}), st.text(max_size=8)),
            ),
        },
    ).map(json.dumps),
)


@settings(max_examples=400, deadline=None)
@given(frames)
def test_the_parser_answers_every_frame_with_a_command_or_a_protocol_error(text):
    try:
        command = protocol.parse_command(text)
    except protocol.ProtocolError:
        return
    assert command.command in protocol.COMMANDS
    for parse in (
        lambda: protocol.parse_identifier(command.identifier, max_length=1024),
        lambda: protocol.parse_data(command.data),
    ):
        with contextlib.suppress(protocol.ProtocolError):
            parse()


@pytest.fixture
def echo_channel(settings):
    settings.REALTIME = {
        **settings.REALTIME,
        "CHANNELS": {"EchoChannel": "tests.cable_channels.EchoChannel"},
        "COMMAND_RATE": 10_000,
        "COMMAND_BURST": 10_000,
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(frames, min_size=1, max_size=15))
async def test_a_connection_survives_any_sequence_of_frames(echo_channel, sequence):
    client = CableTestClient()
    assert await client.connect()
    for text in sequence:
        await client.send_raw(text or " ")  # the test communicator cannot send an empty frame
    # Whatever came before, the connection still subscribes and answers.
    identifier = json.dumps({"channel": "EchoChannel", "room": "z"})
    await client.send_command("subscribe", identifier)
    # Earlier fuzzed frames may have earned their own answers; ours comes after them.
    while (await client.receive(timeout=5)).get("identifier") != identifier:
        pass
    await client.disconnect()
