"""How many choices the questionnaire puts side by side: as many as fit whole, in even rows.

Two columns on a phone and four on a wider screen suit four choices of two to four characters
(满意 基本满意 不满意 不了解, the usual scale), but not every scale: three choices (满意 不满意
不了解) left the third alone on a second row, and a 0–10 scale with 不了解 took six rows of two
per question where three or four fit across. The page now asks, for each width the style sheet
knows (respond.css: under 360 px, up to 600 px, wider), how many of the question's choices fit
side by side when chosen (bold, after a tick), and lays them out in rows as even as they can be.
Never fewer columns than before (2 and 4): long labels wrap inside their box as they always did.

The widths are estimates in CSS pixels at the default text size (a Chinese character one em, any
other character 0.6 em; an English label may take two lines); the breakpoints are in em, so that
a phone set to larger text takes fewer columns, as it would have been measured at that size.
"""

import math
import unicodedata

# (class prefix, the narrowest content width of the tier in px, the label's font size in px):
# a 320 px screen (16 px labels there), a 360 px one, a 600 px one; the page's padding and the
# question card's take 52 px.
TIERS = (("c", 268, 16), ("m", 308, 17), ("w", 548, 17))
FEWEST = {"c": 2, "m": 2, "w": 4}
MOST = 6
GAP = 8  # px between boxes (.opts gap)
BOX = 12  # px of padding and border around a label
TICK = 1.1  # em: the "✓ " before a chosen label
BOLD = 1.06  # a chosen label is bold: a little wider


def _ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def label_ems(label: str) -> float:
    """The width a label needs, in ems: on one line, or for a label with spaces (English) the
    wider line of its most even break into two."""
    words = label.split()
    if len(words) < 2:
        return _ems(label)
    return min(max(_ems(" ".join(words[:cut])), _ems(" ".join(words[cut:]))) for cut in range(1, len(words)))


def _even(count: int, most: int) -> int:
    """Columns for `count` boxes, at most `most` a row, in rows as even as they can be: 4 of at
    most 3 a row go 2 + 2, not 3 + 1."""
    rows = math.ceil(count / most)
    return math.ceil(count / rows)


def columns(labels: list[str]) -> str:
    """The classes that set a row of these choices' columns at each width: "c3 m3 w6"."""
    count = len(labels)
    if count == 0:
        return ""
    widest = max(label_ems(label) for label in labels)
    classes = []
    for prefix, room, size in TIERS:
        box = (widest * BOLD + TICK) * size + BOX
        fit = int((room + GAP) // (box + GAP))
        most = min(MOST, max(FEWEST[prefix], fit))
        classes.append(f"{prefix}{_even(count, most)}")
    return " ".join(classes)
