"""JSON that people write by hand — a survey's 计分方案 typed into the admin, a scheme file for
`manage.py score --scheme`, a body a county's script sends to the API — read so that what does
not parse says where and why, in the reader's language.

Python's json module says "Expecting ',' delimiter: line 3 column 3 (char 41)", in English,
leaving someone to hunt for a missing comma in a dozen lines of weights. The most common slip of
a Chinese keyboard, a full-width ，：“” where JSON wants , : ", is named as such. NaN and
Infinity, which Python's parser accepts but JSON (and PostgreSQL's jsonb) does not, are refused;
nesting a thousand levels deep (on which Python gives up with RecursionError) too.
"""

import json

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What json.JSONDecodeError says (its `msg`, the part before the position), in the reader's words.
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


class NotJSON(ValueError):
    """Text that is not JSON: why (`problem`, in the active language) and where (`line` and
    `column`, counted from 1, in characters; None for a NaN or an Infinity, or nesting too deep)."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        super().__init__(problem)
        self.problem, self.line, self.column = problem, line, column

    def sentence(self) -> str:
        """The whole of it, as the admin says it under the field."""
        if self.line is None:
            return gettext("不是有效的 JSON：%(problem)s。") % {"problem": self.problem}
        return gettext("不是有效的 JSON：第 %(line)d 行第 %(column)d 个字符处%(problem)s。") % {
            "line": self.line,
            "column": self.column,
            "problem": self.problem,
        }


class _Constant(ValueError):
    pass


def _refused(constant: str):
    raise _Constant(constant)


def json_read(text: str):
    """`text` parsed, or NotJSON saying where and why."""
    try:
        return json.loads(text, parse_constant=_refused)
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
        raise NotJSON(problem, exc.lineno, exc.colno) from None
    except _Constant as exc:  # NaN, Infinity, -Infinity
        raise NotJSON(gettext("%(constant)s 不是数字，请写出具体数值") % {"constant": exc.args[0]}) from None
    except RecursionError:
        raise NotJSON(gettext("嵌套过深")) from None
