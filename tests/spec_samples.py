"""Compare payloads with the samples of the public WebSocket events documentation."""

import json
import re
from pathlib import Path
from typing import Any

from .chatwoot_shapes import SHAPES, shape_keys

SAMPLES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "spec" / "websocket_events.json").read_text()
)

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Keys whose value may be null where the sample happens to show a value.
NULLABLE = {
    "assignee",
    "email",
    "phone_number",
    "identifier",
    "content",
    "source_id",
    "sender_type",
    "sender_id",
    "content_type",
    "team",
}

# Free-form objects: their keys are the user's data, not the schema.
FREEFORM = {
    "additional_attributes",
    "custom_attributes",
    "content_attributes",
    "external_source_ids",
}

# Keys the samples lack that Chatwoot 4.10 sends (chatwoot_shapes.py has each with its type).
ADDED = set().union(*(shape_keys(shape) for shape in SHAPES))


def sample_data(event: str) -> dict[str, Any]:
    return SAMPLES[event]["message"]["data"]


def assert_like_sample(actual: Any, sample: Any, path: str = "data") -> None:
    """``actual`` has every key of ``sample`` with the same JSON type and format."""
    if path.endswith(".pubsub_token"):
        assert actual is None, f"{path}: a credential must never be sent (got {actual!r})"
        return
    if sample is None:
        return
    key = path.rsplit(".", 1)[-1]
    if actual is None:
        assert key in NULLABLE, f"{path}: null where the sample has {sample!r}"
        return
    if isinstance(sample, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        if key in FREEFORM:
            return
        missing = set(sample) - set(actual)
        assert not missing, f"{path}: missing keys {sorted(missing)}"
        extra = set(actual) - set(sample) - ADDED
        assert not extra, f"{path}: undocumented extra keys {sorted(extra)}"
        for name, value in sample.items():
            assert_like_sample(actual[name], value, f"{path}.{name}")
        return
    if isinstance(sample, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        if sample:
            for n, item in enumerate(actual):
                assert_like_sample(item, sample[0], f"{path}[{n}]")
        return
    if isinstance(sample, bool):
        assert isinstance(actual, bool), f"{path}: expected a boolean, got {actual!r}"
        return
    if isinstance(sample, int):
        assert isinstance(actual, int) and not isinstance(actual, bool), (
            f"{path}: expected an integer, got {actual!r}"
        )
        return
    assert isinstance(actual, str), f"{path}: expected a string, got {actual!r}"
    if ISO_MS.match(sample):
        assert ISO_MS.match(actual), f"{path}: expected an ISO-8601 UTC time with ms: {actual!r}"
