"""JSON typed into the admin (a survey's 计分方案) that does not parse says where and why.

Django's own field said only "输入一个有效的JSON。", leaving the administrator to hunt for a
missing comma in a dozen lines of weights. The most common slip of a Chinese keyboard, a
full-width ，：“” where JSON wants , : ", is named as such. NaN and Infinity, which Python's
parser accepts but JSON (and PostgreSQL's jsonb) does not, are refused here too.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What json.JSONDecodeError says (its `msg`, the part before the position), in the page's words.
PROBLEMS = {
    "Expecting ',' delimiter": _("缺少逗号"),
    "Expecting ':' delimiter": _("缺少冒号"),
    "Expecting property name enclosed in double quotes": _(
        "应是用英文双引号括起的名称（末尾多了逗号，或名称没有加引号）"
    ),
    "Expecting value": _("缺少值（末尾多了逗号，或值写错了）"),
    "Extra data": _("JSON 已经结束，后面还有多余的内容"),
    "Unterminated string starting at": _("字符串缺少结尾的英文双引号"),
    "Invalid control character at": _("字符串中有换行或制表符"),
}
# Full-width punctuation typed for JSON's own, and what it should be.
COMMA, COLON, QUOTE = _("英文逗号"), _("英文冒号"), _("英文双引号")
BRACE, BRACKET = _("英文花括号"), _("英文方括号")
FULL_WIDTH = {
    "，": (COMMA, ","),
    "：": (COLON, ":"),
    "“": (QUOTE, '"'),
    "”": (QUOTE, '"'),
    "＂": (QUOTE, '"'),
    "｛": (BRACE, "{"),
    "｝": (BRACE, "}"),
    "［": (BRACKET, "["),
    "］": (BRACKET, "]"),
}


def _not_json(constant: str):
    raise ValueError(constant)


def json_explained(text: str):
    """`text` parsed, or a ValidationError that names the line, the column and the problem."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        found = text[exc.pos : exc.pos + 1]
        if found in FULL_WIDTH:
            name, ascii_mark = FULL_WIDTH[found]
            problem = gettext("是中文标点“%(found)s”，JSON 中应改为%(name)s（%(ascii)s）") % {
                "found": found,
                "name": name,
                "ascii": ascii_mark,
            }
        else:
            problem = str(PROBLEMS.get(exc.msg, exc.msg))
        raise ValidationError(
            gettext("不是有效的 JSON：第 %(line)d 行第 %(column)d 个字符处%(problem)s。"),
            code="invalid",
            params={"line": exc.lineno, "column": exc.colno, "problem": problem},
        ) from None
    except ValueError as exc:  # NaN, Infinity, -Infinity
        raise ValidationError(
            gettext("不是有效的 JSON：%(constant)s 不是数字，请写出具体数值。"),
            code="invalid",
            params={"constant": exc.args[0]},
        ) from None


class ExplainedJSONField(forms.JSONField):
    """forms.JSONField whose parse errors say where and why (json_explained), shown one entry a
    line (Django wrote the whole scheme on one line, and "null" for none)."""

    def bound_data(self, data, initial):
        # A form sent back with an error (here or elsewhere) shows the text as it was typed.
        if self.disabled or data is None:
            return super().bound_data(data, initial)
        return forms.fields.InvalidJSONInput(data)

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value  # as typed
        if value is None:
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value):
        if not self.disabled and isinstance(value, str) and value not in self.empty_values:
            json_explained(value)
        return super().to_python(value)
