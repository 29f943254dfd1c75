"""Where the PDF report breaks its lines: Chinese between any two characters, never before a
closing mark or after an opening one (the usual 避头尾 rules), Latin words and numbers whole.

fpdf2 breaks at spaces only, else wherever the line is full. Chinese text with a few spaces
("0–100 分", "95% 置信区间用 t 分布") broke at the last space, leaving half a line empty, and a
run without spaces broke before whatever came next, so that lines began with "；" or "。".
The report lays its text out here first and hands fpdf2 lines that already fit.
"""

import re
from collections.abc import Callable

from stats.text import CLOSING, OPENING, fitting_start

# A space run, a run of characters that are neither space nor CJK (a Latin word, a number, "95%"),
# or one character (a Chinese character, a full-width mark, a curly quote).
_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef“”‘’]+|.", re.S)


def _units(line: str, chinese: bool) -> list[str]:
    """The line cut where it may break, each space run a unit of its own."""
    units: list[str] = []
    glue = False  # the last unit ends with an opening mark: the next token joins it
    for token in _TOKEN.findall(line):
        space = token.isspace()
        joins = not chinese or glue or token[0] in CLOSING
        if units and not space and joins and not units[-1].isspace():
            units[-1] += token
        else:
            units.append(token)
        glue = not space and token[-1] in OPENING
    return units


def wrapped(text: str, width: float, measure: Callable[[str], float], *, chinese: bool = True) -> list[str]:
    """`text`'s lines (its own line breaks kept), each at most `width` where a break allows; a
    unit wider than a whole line is cut where it is full. A line's width is the sum of its
    units' (`measure` is called once per unit: the PDF's font measures slowly). `chinese` False
    (an English report): breaks at spaces only, so that a Chinese name inside an English
    sentence stays whole where it fits."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for unit in _units(paragraph, chinese):
            size = measure(unit)
            if unit.isspace():
                if line:
                    line, used = line + unit, used + size
                continue
            if used + size <= width or not line.strip():
                line, used = line + unit, used + size
            else:
                lines.append(line.rstrip())
                line, used = unit, size
            while used > width and len(line) > 1:  # one word wider than the line: cut it at
                cut = len(fitting_start(line[:-1], width, measure, least=1))  # the longest start that fits
                lines.append(line[:cut])
                line = line[cut:]
                used = measure(line)
        lines.append(line.rstrip())
    return lines


def fits(text: str, width: float, measure: Callable[[str], float], *, chinese: bool = True) -> bool:
    """Whether `text` is one line no wider than `width`, measured as `wrapped` measures."""
    return "\n" not in text and sum(measure(unit) for unit in _units(text, chinese)) <= width


def balanced(text: str, width: float, measure: Callable[[str], float], *, chinese: bool = True) -> list[str]:
    """`text` wrapped within `width` on as few lines as `wrapped` needs there, the lines as even
    as its breaks allow: wrapped at the narrowest width that needs no more lines (a title of 33
    characters on two of 17 and 16, not of 26 and 7)."""
    lines = wrapped(text, width, measure, chinese=chinese)
    low, high = 0.0, width
    for _ in range(16):  # to 1/65536 of the width
        middle = (low + high) / 2
        if len(wrapped(text, middle, measure, chinese=chinese)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrapped(text, high, measure, chinese=chinese)
