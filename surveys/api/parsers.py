"""DRF's JSON parser, with one more kind of bad JSON answered 400 instead of 500.

Python's json module gives up on input nested a thousand levels deep with RecursionError, which
DRF's parser lets through: `[[[[…]]]]` sent to any endpoint was a server error. It is bad input
like any other, and the caller says so in the endpoint's own 400 (ParseError).
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
