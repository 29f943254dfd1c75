"""DRF's JSON parser, telling a client what is wrong with a body it cannot read, and taking one
more kind of good JSON.

- Which byte or where: a body that is not UTF-8 (a county's script on Windows sending GBK) is
  refused naming the first byte that is not; broken JSON, NaN or Infinity, or JSON nested a
  thousand levels deep (on which Python's json module gives up with RecursionError, which DRF's
  parser let through as a 500) as the admin says it of a scheme typed there
  (surveys/json_input.py: the line, the character and why, a full-width comma named as such).
  DRF said "JSON parse error - …" in English alone, and the API's 400 only that the body must be
  a JSON object: true of none of these.
- A UTF-8 byte order mark before the JSON is read past (RFC 8259 §8.1 lets a parser ignore it):
  Windows Notepad saved UTF-8 with one until 2019, and `curl --data-binary @answer.json` sends
  it along.

The API's 400 shape, `{"errors": {"non_field_errors": [message]}}`, is made of the ParseError's
detail by surveys/api/exceptions.py (and the submission endpoint).
"""

import codecs

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from surveys.json_input import NotJSON, json_read


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            encoding = parsers.get_encoding(parser_context or {})
        except ParseError:  # a codec that is not a text encoding (bz2_codec: a zip bomb's way in)
            raise ParseError(
                _("Content-Type 所注字符编码 %(charset)s 不是文字编码；请以 UTF-8 发送 JSON。")
                % {"charset": (parser_context or {}).get("encoding")}
            ) from None
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
        try:
            return json_read(text)
        except NotJSON as exc:
            if exc.line is None:
                raise ParseError(
                    _("请求内容不是有效的 JSON：%(problem)s。") % {"problem": exc.problem}
                ) from None
            raise ParseError(
                _("请求内容不是有效的 JSON：第 %(line)s 行第 %(column)s 个字符处%(problem)s。")
                % {"line": exc.line, "column": exc.column, "problem": exc.problem}
            ) from None
