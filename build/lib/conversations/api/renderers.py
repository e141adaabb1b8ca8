"""Response rendering: DRF's JSON renderer, safe for text that has no UTF-8 form."""

from typing import Any

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    # A lone surrogate (valid JSON a client may send, echoed in an error such as '"\ud800" is
    # not a valid choice') cannot be encoded as UTF-8: DRF's renderer raised, a 500. Such a
    # body is written with ASCII escapes instead: the same JSON to every client.
    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
