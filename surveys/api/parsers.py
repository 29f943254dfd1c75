"""DRF's JSON parser, telling a client what is wrong with a body it cannot read, and taking one
more kind of good JSON.

- Which byte or where: a body that is not UTF-8 (a county's script on Windows sending GBK) is
  refused naming the first byte that is not; broken JSON naming its line and column (and
  Python's reason); JSON nested a thousand levels deep — on which Python's json module gives up
  with RecursionError, which DRF's parser let through as a 500 — as too deep. DRF said
  "JSON parse error - …" in English alone, and the API's 400 only that the body must be a JSON
  object: true of none of these.
- A UTF-8 byte order mark before the JSON is read past (RFC 8259 §8.1 lets a parser ignore it):
  Windows Notepad saved UTF-8 with one until 2019, and `curl --data-binary @answer.json` sends
  it along.

The API's 400 shape, `{"errors": {"non_field_errors": [message]}}`, is made of the ParseError's
detail by surveys/api/exceptions.py (and the submission endpoint).
"""

import codecs
import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class _NotANumber(ValueError):
    """NaN, Infinity or -Infinity in the body: Python's json reads them, JSON has no such value."""


def _refused_constant(name: str):
    raise _NotANumber(name)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        body = stream.read()
        if codecs.lookup(encoding).name == "utf-8" and body.startswith(codecs.BOM_UTF8):
            body = body[len(codecs.BOM_UTF8) :]
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                _(
                    "请求内容不是 %(encoding)s 编码的文字：第 %(position)s 个字节（0x%(byte)02X）起无法读取；请以 UTF-8 发送 JSON。"
                )
                % {"encoding": encoding.upper(), "position": exc.start + 1, "byte": body[exc.start]}
            ) from None
        parse_constant = _refused_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("请求内容不是有效的 JSON：第 %(line)s 行第 %(column)s 列（%(reason)s）。")
                % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
            ) from None
        except _NotANumber as exc:
            raise ParseError(
                _("请求内容不是有效的 JSON：其中的 %(value)s 不是 JSON 的数值。") % {"value": exc}
            ) from None
        except RecursionError:
            raise ParseError(_("请求内容的 JSON 嵌套过深。")) from None
