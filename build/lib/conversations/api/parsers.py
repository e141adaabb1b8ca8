"""Request body parsing: DRF's JSON parser, with nesting too deep for Python a 400 too."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    # DRF turns a ValueError into a 400 but lets RecursionError (JSON nested ~100,000 deep,
    # which Python's json refuses that way) escape as a 500.
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
