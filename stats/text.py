"""Names on one line: what a village, group, item or title is stored and drawn as.

Names are typed into the admin and pasted from spreadsheets, web pages and chat messages, which
bring tabs, line breaks, no-break spaces and invisible zero-width characters along. None of them
is part of the name, and the report's fonts draw them as empty boxes. `one_line` is the one rule
for all of them: the models' name fields (surveys/names.py) and the XLSForm import store names
through it, and the charts and the PDF draw stored names through it (names saved before the rule
existed still show cleanly).

Where a name or a line has no room, it is cut short with ELLIPSIS; `fitting_start` finds where,
for the charts here and for the PDF report, the paper sheet and the posters (surveys/), in
whatever units their `measure` gives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

_SPACES = re.compile(r" {2,}")
# Noncharacters: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, …,
# U+10FFFF). Never text, drawn by no font; a workbook cannot hold U+FFFE or U+FFFF at all (XML
# 1.0): Excel refuses the whole file.
NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def one_line(text: str) -> str:
    """`text` as one line: each run of spaces, tabs, line breaks and other control characters
    becomes a single space, and the invisible format characters (zero-width spaces and joiners,
    direction marks, the byte-order mark, soft hyphens) go, so "朱\u200b家村" stays "朱家村" as it
    looked, as do noncharacters (U+FFFF) and lone surrogates; no space at either end."""
    kept = []
    for character in NONCHARACTERS.sub("", text):
        kind = unicodedata.category(character)
        if kind in ("Cf", "Cs"):
            continue
        kept.append(" " if character.isspace() or kind in ("Cc", "Zl", "Zp") else character)
    return _SPACES.sub(" ", "".join(kept)).strip()


def rounded(x: float, places: int = 2) -> str:
    """A number as people read it, `places` decimals rounded half up (四舍五入) from its shortest
    decimal form: 90.625 → "90.63", as the pages (Django's floatformat) and Excel show it. Python's
    format rounds the binary value, ties to even: f"{90.625:.2f}" is "90.62", so the PDF and the
    charts said 90.62 where the page and the XLSX said 90.63."""
    shown = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(shown.copy_abs() if shown.is_zero() else shown)  # never "-0.00"


def interval(ci, places: int = 2) -> str:
    """A confidence interval as people read it, "[91.66, 93.44]", or "—" where there is none."""
    if not ci or ci[0] is None or ci[1] is None:
        return "—"
    return f"[{rounded(ci[0], places)}, {rounded(ci[1], places)}]"


def signed(x: float | None, *, minus: str = "-") -> str:
    """A difference with its sign, rounded as `rounded` rounds: "+1.25", "-0.40" ("−0.40" with
    `minus="−"`, as the charts set it), "0.00" for one that rounds to nothing; "—" for none."""
    if x is None:
        return "—"
    shown = rounded(abs(x))
    return shown if shown == rounded(0.0) else ("+" if x > 0 else minus) + shown


# Where a line may not break (the usual 避头尾 rules), for the charts here and the PDF report's
# lines (surveys/reports/linebreak.py):
# Not at the start of a line: they close what came before.
CLOSING = set("，。、；：？！）》」』】〕〉’”…‥%‰·,.;:!?)]}") | {
    "\u30fb",
    "\uff05",
    "\uff09",
    "\uff3d",
    "\uff5d",
}
# Not at the end of a line: they open what comes after.
OPENING = set("（《「『【〔〈‘“([{") | {"\uff08", "\uff3b", "\uff5b"}


ELLIPSIS = "…"  # ends a text cut short


def fitting_start(
    text: str, width: float, measure: Callable[[str], float], *, end: str = "", least: int = 0
) -> str:
    """The longest start of `text` (at least `least` characters) that, followed by `end`, is no
    wider than `width`; found by halving, since a start is never wider than a longer one. With
    `end` ELLIPSIS: where a text cut short with "…" stops."""
    low, high = least, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if measure(text[:middle] + end) <= width else (low, middle - 1)
    return text[:low]
