"""Charts of a score document (contract §5): pure functions from the document's dict to a Figure.

No Django and no pyplot: each function builds a `matplotlib.figure.Figure` of its own, so nothing
leaks between charts. The style lives in matplotlib's global rc settings, so drawing takes a lock:
a threaded server's concurrent chart requests are drawn one after the other (a thread that finished
would otherwise put the defaults back under another one's tick labels, losing the CJK font).

Chinese labels need a CJK font: "Noto Sans CJK SC" from Debian's fonts-noto-cjk (scripts/system-deps).
Without it the charts would show empty boxes instead of characters, so `cjk_font()` refuses to draw
at all. The emoji and symbols that names sometimes carry (🌾, ✅, ⭐) and the CJK font lacks come from
"Symbola" (Debian's fonts-symbola, black and white), matplotlib's fallback for each missing glyph.
Names are drawn through `drawable`: on one line (stats/text.py), without the few characters neither
font has (an emoji newer than Unicode 9, a variation selector), which would otherwise be boxes. The
PDF (surveys/reports/pdf.py) draws its text with the same fonts and the same rule.

Every chart reads in grey print: series differ by lightness and by hatching, never by hue alone,
and every bar carries its number.

Each chart is drawn at one of two widths (`SIZES`): WIDE for a screen and the PDF, PHONE for a
phone's screen, where labels wrap to the width (`_fit`, measured in the font), titles and legends
move so as not to cross, side-by-side panels stand one above the other, and the heat map's column
headings slant where a word is wider than its column. A chart's row is as high as its tallest name,
so a name beside a row takes at most three lines (two on a wide figure), cut short with "…"; one
under a bar at most four (`NAME_LINES`, `BAR_NAME_LINES`).
"""

from __future__ import annotations

import contextvars
import functools
import io
import re
import textwrap
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib import colormaps, font_manager, rc_context
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path

from stats.text import CLOSING, ELLIPSIS, OPENING, fitting_start, one_line, rounded, signed

CJK_FAMILY = "Noto Sans CJK SC"
SYMBOL_FAMILY = "Symbola"
# Lightness steps that stay apart when printed in grey, with a hatch each for good measure.
SHADES = ["#1f3b57", "#5b7fa3", "#b7c9db", "#eeeeee", "#8c8c8c", "#d9d9d9"]
HATCHES = ["", "///", "...", "xx", "\\\\", "++"]
INK = "#222222"
MUTED = "#666666"
CELL_EDGE = "#c8c8c8"  # the heat map's cell frames
# The heat map's shades: black to a light grey, not to white (a white cell read as an empty one).
_SHADES = ListedColormap(colormaps["Greys_r"](np.linspace(0.0, 0.85, 256)), name="manyidu_shades")
# More than six options' shades (`option_style`): the first four SHADES, dark to light.
_OPTION_RAMP = LinearSegmentedColormap.from_list("manyidu_options", SHADES[:4])

# Figure widths in inches, drawn at 150 dpi. WIDE fills a page on a screen and in the PDF; PHONE
# is the same chart laid out for a phone's screen (about 360 CSS px): its image is 540 px wide, so
# the text keeps about two thirds of its size instead of shrinking to a third inside a 1,050 px image.
WIDE = 7.0
PHONE = 3.6
SIZES = {"wide": WIDE, "phone": PHONE}


class ChartFontMissing(RuntimeError):
    """The CJK font is not installed; Chinese labels would render as boxes."""


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The path of the Noto Sans CJK SC font file that regular text is drawn with (matplotlib's own
    matching, so the Regular face, not whichever weight its font list happens to hold first), or
    ChartFontMissing with what to install."""
    if any(entry.name == CJK_FAMILY for entry in font_manager.fontManager.ttflist):
        return str(
            font_manager.findfont(font_manager.FontProperties(family=CJK_FAMILY), fallback_to_default=False)
        )
    raise ChartFontMissing(
        f"图表需要中文字体 {CJK_FAMILY}，但本机没有安装。请运行 scripts/system-deps（Debian 包 fonts-noto-cjk），"
        f"然后删除 matplotlib 的字体缓存（~/.cache/matplotlib）后重试。"
    )


@lru_cache(maxsize=1)
def symbol_font() -> str | None:
    """The path of the Symbola font file, or None where it is not installed (the characters only it
    has are then left out of names). Installed after matplotlib listed the machine's fonts (its font
    cache), it is found on disk and added."""
    entries = [entry for entry in font_manager.fontManager.ttflist if entry.name == SYMBOL_FAMILY]
    if not entries:
        for path in font_manager.findSystemFonts():
            if Path(path).name.startswith(SYMBOL_FAMILY):
                font_manager.fontManager.addfont(path)
        entries = [entry for entry in font_manager.fontManager.ttflist if entry.name == SYMBOL_FAMILY]
    return min(entry.fname for entry in entries) if entries else None


def chart_families() -> list[str]:
    """The font families text is drawn in, in order: each glyph from the first that has it."""
    return [CJK_FAMILY] + ([SYMBOL_FAMILY] if symbol_font() else [])


@lru_cache(maxsize=4)
def font_characters(path: str) -> frozenset[int]:
    """The code points the font file has glyphs for."""
    return frozenset(font_manager.get_font(path).get_charmap())


@lru_cache(maxsize=1)
def _drawn_characters() -> frozenset[int]:
    symbol = symbol_font()
    return font_characters(cjk_font()) | (font_characters(symbol) if symbol else frozenset())


# Selectors of a glyph's variant (the emoji style of ⭐, an ideograph's regional form): drawn one
# character at a time, as matplotlib and fpdf2 draw, each would be a glyph of its own or a box.
_VARIATION_SELECTORS = {*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


@lru_cache(maxsize=8192)
def drawable(text: str) -> str:
    """A name as the charts and the PDF draw it: on one line (`one_line`), without the characters
    that none of their fonts has — not empty boxes in their place."""
    covered = _drawn_characters()
    return one_line(
        "".join(c for c in one_line(text) if ord(c) in covered and ord(c) not in _VARIATION_SELECTORS)
    )


def names_drawable(value):
    """The score document (or part of it) with every name `drawable`; a name left with nothing to
    draw (an emoji alone) is shown by its code."""
    if isinstance(value, list):
        return [names_drawable(v) for v in value]
    if not isinstance(value, dict):
        return value
    shown = {key: names_drawable(v) for key, v in value.items()}
    if isinstance(value.get("name"), str):
        shown["name"] = drawable(value["name"]) or str(value.get("code") or "")
    return shown


def _names_drawn(chart):
    """A chart function that draws the document's names through `drawable`."""

    @functools.wraps(chart)
    def drawn(document: dict, *, width: float = WIDE) -> Figure:
        return chart(names_drawable(document), width=width)

    return drawn


STYLE = {
    "font.family": [CJK_FAMILY],  # and the fallbacks of chart_families(), where installed
    "font.size": 9,
    "axes.unicode_minus": False,  # the CJK font has no U+2212 minus sign
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.linewidth": 0.6,
    "svg.fonttype": "path",  # SVG shows the glyphs even where the font is not installed
    "svg.hashsalt": "manyidu",  # the same document gives the same SVG bytes
    "pdf.fonttype": 3,
}

# Re-entrant: a caller may render a figure (render() takes it again) inside chart_style.
_STYLE_LOCK = threading.RLock()


@contextmanager
def chart_style():
    """The rc settings every chart is drawn and saved with, held by one thread at a time."""
    cjk_font()
    with _STYLE_LOCK, rc_context({**STYLE, "font.family": chart_families()}):
        yield


class _Sized(Exception):
    """Not an error: a chart's figure size in inches, where `chart_size` stops the chart before it
    builds the figure."""

    def __init__(self, width: float, height: float):
        super().__init__(width, height)
        self.inches = (width, height)


_SIZING = contextvars.ContextVar("chart_sizing", default=False)


def _figure(width: float, height: float) -> Figure:
    """The chart's figure, its size settled; while `chart_size` asks, only that size (`_Sized`)."""
    if _SIZING.get():
        raise _Sized(width, height)
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure


def _narrow(width: float) -> bool:
    return width < 5.0


# What a line may not start with: closing brackets and punctuation stay on the line before.
_TOKENS = re.compile(r"[\x21-\x7e–]+ *| +|.")


@lru_cache(maxsize=4096)
def _em(text: str) -> float:
    """A line's width in ems of the CJK font, as matplotlib will draw it (a little over, for the
    rounding of its layout)."""
    if not text:
        return 0.0
    width, _height, _descent = text_to_path.get_text_width_height_descent(
        text, font_manager.FontProperties(family=chart_families(), size=100), ismath=False
    )
    return width / 100 * 1.04


def _greedy(text: str, limit: float) -> list[str]:
    """Lines of at most `limit` ems, each filled before the next starts."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            if line.strip() and _em((line + token).rstrip()) > limit and token[0] not in CLOSING:
                carried = line[-1] if line[-1] in OPENING and line[:-1].strip() else ""
                lines.append(line[: len(line) - len(carried)].rstrip())
                line = carried + token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def _fit(text: str, inches: float, fontsize: float) -> str:
    """The text on lines no wider than `inches` at `fontsize` points, as even as they can be:
    English breaks between words, Chinese between characters (a bracket stays with what it
    encloses, a comma with what it ends); lines it already has are kept. A word longer than a line
    stays whole."""
    limit = inches * 72 / fontsize
    return _even(text, len(_greedy(text, limit)), limit)


# A name beside a row (a village's, an item's, a dimension's) takes at most NAME_LINES[narrow] lines,
# cut short with "…" (`_clipped`): every row of a chart is as high as its tallest name, so one name
# of 96 characters (the admin allows 100; 12 lines on a phone) made every row of the heat map 2 in
# high, and the demo survey's chart on a phone 5,484 px high instead of 1,404 (the ranking 5,106
# instead of 1,434, the items 3,798 instead of 918). Three lines on a phone and two on a wide figure
# show about as much of a name (on the heat map the first 23 or 31 Chinese characters, 36 or 60
# letters); the page's table and the XLSX give it whole. A name under a bar (a group's, an age
# band's) has about 8 characters a line, so BAR_NAME_LINES: the groups' chart is as high whatever
# its names, and the 12 lines of one such name left its bars a third as high (138 px, not 325).
NAME_LINES = {True: 3, False: 2}
BAR_NAME_LINES = 4

# What ends a name cut short is ELLIPSIS, one character (U+2026), which the CJK font has. Before it
# go the spaces and punctuation the cut left at the line's end ("groups,…" reads "groups…").
_CUT_AFTER = " ,，、;；:：（(-–"
_WORD = re.compile(r"[\x21-\x7e–]")  # a character of what `_greedy` breaks only before and after
_WORD_END = re.compile(r"[\x21-\x7e–]+$")


def _clipped(text: str, inches: float, fontsize: float, most: int, end: str = "") -> str:
    """The text as `_fit` breaks it when that takes at most `most` lines (the same lines); else its
    first `most` lines filled, the last ending in `ELLIPSIS` where the text goes on — in English
    after the last word that fits whole, in Chinese after any character. For one-line names.

    `end` is what a label says after the name (a village's count, a dimension's weight), never cut:
    it follows the name, or the ellipsis, on the name's last line, and what it has after a line
    break goes on lines of its own below, not counted in `most`."""
    limit = inches * 72 / fontsize
    after, broken, below = end.partition("\n")
    lines = _greedy(text + after, limit)
    if len(lines) <= most:
        return _fit(text + end, inches, fontsize)
    start = 0
    for character in "".join(lines[: most - 1]).replace(" ", ""):  # the lines keep the text's
        start = text.index(character, start) + 1  # characters in order, only spaces left out
    rest = text[start:].strip()
    last = fitting_start(rest, limit, _em, end=ELLIPSIS + after)
    cut = len(last)
    if 0 < cut < len(rest) and _WORD.match(rest[cut - 1]) and _WORD.match(rest[cut]):  # a word cut
        last = _WORD_END.sub("", last) or last  # in two: before it, unless it is all there is
    below = [_fit(below, inches, fontsize)] if broken else []
    return "\n".join([*lines[: most - 1], last.rstrip(_CUT_AFTER) + ELLIPSIS + after, *below])


def _even(text: str, count: int, limit: float) -> str:
    """The text on at most `count` lines of at most `limit` ems (as `_greedy` breaks them), as even
    as they can be: broken at the narrowest limit that takes no more lines."""
    low, high = 0.0, limit
    for _ in range(10):
        middle = (low + high) / 2
        low, high = (low, middle) if len(_greedy(text, middle)) <= count else (middle, high)
    return "\n".join(_greedy(text, high))


def _widest(labels: list[str]) -> float:
    """The longest line of the labels, in ems (`_em`)."""
    return max((_em(line) for label in labels for line in label.split("\n")), default=0.0)


def _lines(labels: list[str]) -> int:
    return max([label.count("\n") + 1 for label in labels] or [1])


def _score_axis(ax, values_low: list[float], *, vertical: bool = False) -> None:
    """A score axis that starts near the data (scores crowd into the 80s and 90s), said so."""
    low = min([v for v in values_low if v is not None] or [0.0])
    start = max(0.0, np.floor((low - 5) / 5) * 5)
    (ax.set_ylim if vertical else ax.set_xlim)(start, 100)
    _gridded(ax, vertical=vertical)


def _gridded(ax, *, vertical: bool = False) -> None:
    """Light grid lines across the value axis, behind the data; no frame at the top and right."""
    (ax.yaxis if vertical else ax.xaxis).grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _ci(entry: dict) -> tuple[float, float] | None:
    ci = entry.get("ci95")
    if not ci or ci[0] is None or ci[1] is None:
        return None
    return float(ci[0]), float(ci[1])


def _under_bar(name: str, inches: float, characters: int, narrow: bool) -> str:
    """A name under its bar, `inches` wide: on a phone as `_fit` breaks it, on a wide figure on
    lines of `characters` characters (`_wrapped`) where they fit its room; else, and for a name that
    takes more than BAR_NAME_LINES lines so, as `_clipped` breaks it (cut short to those lines).
    Under four bars or more the room is narrower than 8 Chinese characters: wrapped at 8, names ran
    into their neighbours'."""
    if not narrow:
        wrapped = _wrapped(name, characters)
        if wrapped.count("\n") < BAR_NAME_LINES and _widest([wrapped]) <= inches * 72 / 8:
            return wrapped
    return _clipped(name, inches, 8, BAR_NAME_LINES)


def _wrapped(label: str, width: int) -> str:
    """A tick label on lines of about `width` characters: English names break between words,
    Chinese ones (no spaces) at `width` characters — neither runs into its neighbour."""
    if " " in label:
        return textwrap.fill(label, width, break_long_words=False)
    return "\n".join(label[i : i + width] for i in range(0, len(label), width)) if label else label


def _nothing_to_show(ax, text: str) -> None:
    """An empty chart's axes: no frame, the reason in their middle."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED)


def _hidden_note(figure: Figure, t: dict, cells: list[dict], more: str = "") -> None:
    """Below the chart (space kept for it by the layout), the cells left out for too few
    responses with their counts, and `more` that the chart has to say, wrapped to the figure's
    width."""
    notes = []
    if cells:
        names = t["list_separator"].join(t["named_n"].format(name=c["name"], n=c["n"]) for c in cells)
        notes.append(t["hidden"].format(names=names))
    if more:
        notes.append(more)
    if notes:
        note = _fit(t["note_separator"].join(notes), figure.get_figwidth() - 0.25, 7)
        figure.supxlabel(note, x=0.01, ha="left", fontsize=7, color=MUTED)


# What the charts say, in the score document's language ("language": "zh" or "en").
TEXT = {
    "zh": {
        "composite": "综合满意度",
        "weighted": "{name}（权重 {weight:g}）",
        "score_ci": "得分（0–100），横线为 95% 置信区间",
        "dimensions_title": "综合满意度与各维度得分",
        "share": "占该题全部作答的百分比（%）",
        "items_title": "各题答案分布",
        "ranked": "{rank}. {name}（n={n}）",
        "reference": "综合满意度 {score}",
        "group_reference": "{name}总体 {score}",
        "tick_width": 8,
        "villages_title": "各村（社区）得分排序",
        "list_separator": "、",
        "hidden": "样本不足未列出：{names}",
        "note_separator": "；",
        "blank_cell": "“—”：该村该维度计分人数少于 {min_cell}，不公布",
        "named_n": "{name}（n={n}）",
        "weighted_phone": "{name}\n（权重 {weight:g}）",
        "ranked_phone": "{rank}. {name}\nn={n}",
        "no_villages": "没有可公布的村级得分（样本不足）",
        "no_score": "尚无计入得分的答卷",
        "no_groups": "没有可公布的群体或年龄段得分（样本不足）",
        "heatmap_title": "各村（社区）× 维度得分",
        "shade": "得分（颜色越深越低）",
        "group": "受访群体",
        "age_band": "年龄段",
        "score": "得分（0–100）",
        "groups_title": "按受访群体与年龄段（竖线为 95% 置信区间，虚线为综合满意度）",
        "groups_only_title": "按受访群体（竖线为 95% 置信区间，虚线为综合满意度）",
        "change_title": "与{base}相比的变化（横线为 95% 置信区间）",
        "change": "差值（本期 − 基期，分）",
        "significant": "显著（区间不含 0）",
        "not_significant": "不显著",
        "no_change": "没有可比较的得分",
    },
    "en": {
        "composite": "Composite satisfaction",
        "weighted": "{name} (weight {weight:g})",
        "score_ci": "Score (0–100); whiskers are 95% confidence intervals",
        "dimensions_title": "Composite satisfaction and dimension scores",
        "share": "Share of the item's answers (%)",
        "items_title": "Answers to each item",
        "ranked": "{rank}. {name} (n={n})",
        "reference": "Composite satisfaction {score}",
        "group_reference": "{name} overall {score}",
        "tick_width": 14,
        "villages_title": "Villages ranked by score",
        "list_separator": ", ",
        "hidden": "Not shown (too few responses): {names}",
        "note_separator": "; ",
        "blank_cell": "“—”: fewer than {min_cell} counted in that village and dimension, not shown",
        "named_n": "{name} (n={n})",
        "weighted_phone": "{name}\n(weight {weight:g})",
        "ranked_phone": "{rank}. {name}\nn={n}",
        "no_villages": "No village score can be shown (too few responses)",
        "no_score": "No counted answers yet",
        "no_groups": "No group or age band score can be shown (too few responses)",
        "heatmap_title": "Village × dimension scores",
        "shade": "Score (darker is lower)",
        "group": "Respondent group",
        "age_band": "Age band",
        "score": "Score (0–100)",
        "groups_title": "By respondent group and age band (whiskers: 95% CIs; dashed: the composite)",
        "groups_only_title": "By respondent group (whiskers: 95% CIs; dashed: the composite)",
        "change_title": "Change since {base} (whiskers: 95% confidence intervals)",
        "change": "Difference (this survey − base, points)",
        "significant": "Significant (interval excludes 0)",
        "not_significant": "Not significant",
        "no_change": "No score to compare",
    },
}


def _texts(document: dict) -> dict:
    return TEXT["en" if document.get("language") == "en" else "zh"]


def _named(template: str, name: str, inches: float, most: int, **fields) -> str:
    """A tick label from its template ("{rank}. {name}（n={n}）") on lines no wider than `inches`,
    the name in it cut short after `most` lines (`_clipped`), what the template says around the
    name (a rank, a count, a weight) kept whole."""
    before, _, after = template.partition("{name}")
    return _clipped(before.format(**fields) + name, inches, 9, most, after.format(**fields))


def _titled(ax, text: str, width: float, *, fontsize: float = 11, pad: float | None = None) -> None:
    """The chart's title: above its axes on a wide figure; on a phone-wide one above everything
    (the legend too) from the figure's left edge, on as many lines as it takes."""
    if _narrow(width):
        ax.figure.suptitle(_fit(text, width - 0.2, fontsize), x=0.02, ha="left", fontsize=fontsize)
    else:
        ax.set_title(text, loc="left", fontsize=fontsize, pad=pad)


def _whisker_bars(ax, labels, scores, cis, *, shades, hatches, reference=None, reference_label=""):
    y = np.arange(len(labels))[::-1]
    ax.barh(y, scores, color=shades, edgecolor=INK, linewidth=0.6, hatch=hatches, height=0.62)
    # Each number right of its bar and whisker, past the scale's end if need be (the layout makes
    # room): capped at 99.5 it was written across a bar of 100.
    for yi, score, ci in zip(y, scores, cis, strict=True):
        if ci is not None:
            ax.errorbar(
                score, yi, xerr=[[score - ci[0]], [ci[1] - score]], fmt="none", ecolor=INK, capsize=3, lw=1
            )
        right = ci[1] if ci is not None else score
        ax.text(right + 0.4, yi, rounded(score), va="center", ha="left", fontsize=8, color=INK, clip_on=False)
    if reference is not None:  # named in a legend above the bars, where no label can cross it
        ax.axvline(reference, color=INK, linestyle="--", linewidth=0.8, label=reference_label)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8, borderaxespad=0.2)
    ax.set_yticks(y, labels)


@_names_drawn
def dimension_bars(document: dict, *, width: float = WIDE) -> Figure:
    """The composite and each dimension's score with its 95% confidence interval."""
    with chart_style():
        composite = document["composite"]
        dims = [d for d in document["dimensions"] if d.get("score") is not None]
        t = _texts(document)
        if composite.get("score") is None:  # nothing counted yet: say so rather than draw no bar
            figure = _figure(width, 1.6)
            ax = figure.add_subplot()
            _nothing_to_show(ax, t["no_score"])
            _titled(ax, t["dimensions_title"], width, fontsize=11)
            return figure
        narrow = _narrow(width)
        weighted = t["weighted_phone" if narrow else "weighted"]
        labels = [_fit(t["composite"], width * 0.4, 9)] + [
            _named(weighted, d["name"], width * 0.4, NAME_LINES[narrow], weight=d["weight"]) for d in dims
        ]
        scores = [composite["score"]] + [d["score"] for d in dims]
        cis = [_ci(composite)] + [_ci(d) for d in dims]
        row = 0.2 + 0.17 * _lines(labels) if narrow else max(0.55, 0.2 + 0.16 * _lines(labels))
        figure = _figure(width, row * len(labels) + 1.1)
        ax = figure.add_subplot()
        _whisker_bars(
            ax,
            labels,
            scores,
            cis,
            shades=[SHADES[0]] + [SHADES[2]] * len(dims),
            hatches=[""] + ["///"] * len(dims),
        )
        _score_axis(ax, [c[0] for c in cis if c] + scores)
        ax.set_xlabel(_fit(t["score_ci"], width - 0.9, 9))
        _titled(ax, t["dimensions_title"], width, fontsize=11)
        return figure


def option_style(k: int, count: int) -> tuple[str, str]:
    """Option k's fill and hatch among `count`. Up to six: SHADES and HATCHES, apart in grey. More
    (a 0–10 scale and 不了解): SHADES[k % 6] made 10, 9 … 4分 and 3, 2 … 0分 look alike; then the
    shades run from the darkest to the lightest in the options' order, each its own, and the
    hatches cycle, so that no two options share a look and neighbours differ by both."""
    if count <= len(SHADES):
        return SHADES[k], HATCHES[k]
    return to_hex(_OPTION_RAMP(k / (count - 1))), HATCHES[k % len(HATCHES)]


_LINE = "rgba(0, 0, 0, .45)"  # a hatch's lines in CSS
_HATCH_CSS = {
    "": "{shade}",
    # A gradient's angle names the way it runs; its stripes cross it: -45deg draws "/" stripes.
    "///": "repeating-linear-gradient(-45deg, {shade} 0 3px, {light} 3px 6px)",
    "\\\\": "repeating-linear-gradient(45deg, {shade} 0 3px, {light} 3px 6px)",
    "...": f"radial-gradient({_LINE} .8px, transparent 1.3px) 0 0 / 4px 4px, {{shade}}",
    "xx": f"repeating-linear-gradient(45deg, {_LINE} 0 1px, transparent 1px 5px), "
    f"repeating-linear-gradient(-45deg, {_LINE} 0 1px, transparent 1px 5px), {{shade}}",
    "++": f"linear-gradient(90deg, {_LINE} 1px, transparent 1px) 0 0 / 5px 5px, "
    f"linear-gradient({_LINE} 1px, transparent 1px) 0 0 / 5px 5px, {{shade}}",
}


def option_background(k: int, count: int) -> str:
    """Option k's look (`option_style`) as a CSS background, for the evaluator page's bars of
    each item's answers: the same option looks the same in the chart and in the table beside it.
    (The page styled four options and left the fifth and later ones blank.)"""
    shade, hatch = option_style(k, count)
    red, green, blue = to_rgb(shade)
    light = to_hex((red + (1 - red) * 0.35, green + (1 - green) * 0.35, blue + (1 - blue) * 0.35))
    return _HATCH_CSS[hatch].format(shade=shade, light=light)


def _luminance(colour) -> float:
    """A colour's relative luminance (a name, "#rrggbb" or an RGB(A) tuple), 0 black to 1 white."""
    red, green, blue = to_rgb(colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _legend_columns(labels: list[str], width: float, *, most: int) -> int:
    """Legend columns at 8 pt that fit `width` inches (each entry: its patch, its label, the gap
    after it), at most `most`, in rows as even as they can be. Twelve in one row ran off both
    edges of the wide figure."""
    entry = max((_em(label) for label in labels), default=0.0) + 2.0 + 0.8 + 2.0  # ems at 8 pt
    fit = max(1, int((width - 0.2) / (entry * 8 / 72)))
    fit = min(fit, most, len(labels)) or 1
    rows = -(-len(labels) // fit)
    return -(-len(labels) // rows)


def _row_major(entries: list, columns: int) -> list:
    """`entries` in the order that makes matplotlib's legend (which fills a column before the
    next, the first n % columns columns one longer) read row by row, as the options are printed:
    10 9 8 … across, not down."""
    rows = -(-len(entries) // columns)
    grid = [entries[r * columns : (r + 1) * columns] for r in range(rows)]
    return [row[c] for c in range(columns) for row in grid if c < len(row)]


@_names_drawn
def item_distribution(document: dict, *, width: float = WIDE) -> Figure:
    """Each item's answers as one stacked bar of percentages, option by option."""
    t = _texts(document)
    narrow = _narrow(width)
    with chart_style():
        options = document.get("options") or [
            {"code": c, "name": c} for c in document["scheme"]["option_points"]
        ]
        items = document["items"]
        names = [_clipped(i["name"], width * 0.33, 9, NAME_LINES[narrow]) for i in items]
        columns = _legend_columns([o["name"] for o in options], width, most=2 if narrow else len(options))
        legend_rows = -(-len(options) // columns)
        styles = [option_style(k, len(options)) for k in range(len(options))]
        row = 0.2 + 0.16 * _lines(names) if narrow else max(0.42, 0.12 + 0.16 * _lines(names))
        figure = _figure(width, row * len(items) + 1.4 + 0.2 * legend_rows)
        ax = figure.add_subplot()
        y = np.arange(len(items))[::-1]
        totals = np.array([sum(i["distribution"].values()) or 1 for i in items], dtype=float)
        left = np.zeros(len(items))
        for k, option in enumerate(options):
            counts = np.array([i["distribution"].get(option["code"], 0) for i in items], dtype=float)
            share = 100 * counts / totals
            shade, hatch = styles[k]
            ax.barh(y, share, left=left, color=shade, hatch=hatch, edgecolor=INK, linewidth=0.5, height=0.66)
            light = _luminance(shade) >= 0.35
            for yi, x0, value in zip(y, left, share, strict=True):
                if value >= (11 if narrow else 6):  # room for its two digits
                    ax.text(
                        x0 + value / 2,
                        yi,
                        rounded(value, 0),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=INK if light else "white",
                        bbox=None if not hatch else {"facecolor": shade, "edgecolor": "none", "pad": 0.6},
                    )
            left += share
        ax.set_yticks(y, names)
        ax.set_xlim(0, 100)
        ax.set_xlabel(_fit(t["share"], width - 0.9, 9))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [
            Patch(facecolor=shade, hatch=hatch, edgecolor=INK, label=o["name"])
            for (shade, hatch), o in zip(styles, options, strict=True)
        ]
        # Below the bars: the title takes the top (a legend there stood above the title).
        figure.legend(
            handles=_row_major(handles, columns),
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            fontsize=8,
        )
        _titled(ax, t["items_title"], width, fontsize=11)
        return figure


@_names_drawn
def village_ranking(document: dict, *, width: float = WIDE) -> Figure:
    """Villages from highest to lowest score with 95% CIs; cells too small to show are listed."""
    t = _texts(document)
    with chart_style():
        shown = [v for v in document["by_village"] if not v.get("suppressed") and v.get("score") is not None]
        hidden = [v for v in document["by_village"] if v.get("suppressed")]
        shown.sort(key=lambda v: (-v["score"], v["code"]))
        narrow = _narrow(width)
        ranked = t["ranked_phone" if narrow else "ranked"]
        labels = [
            _named(ranked, v["name"], width * 0.38, NAME_LINES[narrow], rank=i + 1, n=v["n"])
            for i, v in enumerate(shown)
        ]
        row = 0.16 + 0.16 * _lines(labels) if narrow else max(0.34, 0.1 + 0.16 * _lines(labels))
        figure = _figure(width, row * max(len(shown), 1) + 1.4)
        ax = figure.add_subplot()
        _titled(ax, t["villages_title"], width, fontsize=11)
        _hidden_note(figure, t, hidden)
        if not shown:
            _nothing_to_show(ax, t["no_villages"])
            return figure
        reference, reference_label = _village_reference(document, t)
        _whisker_bars(
            ax,
            labels,
            [v["score"] for v in shown],
            [_ci(v) for v in shown],
            shades=[SHADES[2]] * len(shown),
            hatches=["///"] * len(shown),
            reference=reference,
            reference_label=reference_label,
        )
        _score_axis(ax, [c[0] for c in map(_ci, shown) if c] + [v["score"] for v in shown] + [reference])
        ax.set_xlabel(_fit(t["score_ci"], width - 0.9, 9))
        return figure


def _village_reference(document: dict, t: dict) -> tuple[float | None, str]:
    """What the villages compare with: the score of the group sampled by village (villagers: a
    village's score is theirs alone), when it is one group with a score; else the composite."""
    sampled = {c.get("group") for c in document.get("by_village_group") or []}
    groups = [c for c in document["by_group"] if c["code"] in sampled]
    if len(groups) == 1 and groups[0].get("score") is not None and not groups[0].get("suppressed"):
        return groups[0]["score"], t["group_reference"].format(
            name=groups[0]["name"], score=rounded(groups[0]["score"])
        )
    score = document["composite"]["score"]
    return (None, "") if score is None else (score, t["reference"].format(score=rounded(score)))


# The heat map's column headings stand HEADING_GAP inches clear of each other and HEADING_PAD
# points above the cells. To fit them, the columns' width is reckoned before the layout from what
# else takes the figure's width (measured from constrained layout, rounded up): MARGINS, the
# villages' names, and on a wide figure the colour scale at the right, SCALE_LABELS for its
# numbers and label and the bar, SCALE_SHRINK of the table's height over SCALE_ASPECT, itself.
HEADING_GAP = 0.12
HEADING_PAD = 7
MARGINS = 0.15
SCALE_LABELS = 0.65
SCALE_SHRINK = 0.6
SCALE_ASPECT = 20
# Headings with a word wider than their column (English on a phone: "development" is 0.68 in at
# 7.5 pt) are slanted, not set smaller (they were, down to 5 pt): each rises to the left from its
# column, over the space above the villages' names, HEADING_SLANTS degrees (the first of them that
# leaves room for one line). Slanted headings are parallel strips a column's width × sin(slant)
# apart however long they are, so each may take as many lines as fit in that, three at most; it
# takes as few as keep its lines within HEADING_LENGTH inches. A line takes HEADING_LINE ems
# across, with the space to the next (1.0 measured, and a little).
HEADING_SLANTS = (45, 60)
HEADING_LENGTH = 1.1
HEADING_LINE = 1.05


def _slanted(names: list[str], pitch: float, fontsize: float) -> tuple[list[str], float, float]:
    """Headings slanted over columns `pitch` inches apart, HEADING_GAP clear of each other: the
    headings on their lines (English broken between words, Chinese between characters), the slant
    in degrees and the font size — the chart's, unless even one line at the steepest slant would not
    fit (very many columns on a phone)."""
    for slant in HEADING_SLANTS:
        across = pitch * np.sin(np.radians(slant)) - HEADING_GAP
        lines = min(3, int(across * 72 / (HEADING_LINE * fontsize)))
        if lines:
            break
    else:
        lines, fontsize = 1, max(across, 0.02) * 72 / HEADING_LINE
    headings = []
    for name in names:
        for count in range(1, lines + 1):
            heading = _even(name, count, _em(name))
            if _widest([heading]) * fontsize / 72 <= HEADING_LENGTH:
                break
        headings.append(heading)
    return headings, slant, fontsize


def _slant_extent(headings: list[str], slant: float, fontsize: float, pitch: float) -> tuple[float, float]:
    """How far slanted headings reach left of the first column and rise above the cells, in inches
    (each ends at its column's middle, and its lines rise to the left from there)."""
    angle = np.radians(slant)
    lengths = [_widest([h]) * fontsize / 72 for h in headings]
    thicknesses = [_lines([h]) * HEADING_LINE * fontsize / 72 for h in headings]
    reach = max((length * np.cos(angle) - (k + 0.5) * pitch for k, length in enumerate(lengths)), default=0.0)
    rise = max(
        (
            length * np.sin(angle) + thickness * np.cos(angle)
            for length, thickness in zip(lengths, thicknesses, strict=True)
        ),
        default=0.0,
    )
    return float(reach), float(rise)


@_names_drawn
def village_dimension_heatmap(document: dict, *, width: float = WIDE) -> Figure:
    """Village × dimension scores as a grey-scale table with the numbers written in."""
    t = _texts(document)
    with chart_style():
        villages = [v for v in document["by_village"] if not v.get("suppressed") and v.get("dimensions")]
        hidden = [v for v in document["by_village"] if v.get("suppressed")]
        dims = document["dimensions"]
        values = np.array(
            [
                [
                    np.nan if v["dimensions"].get(d["code"]) is None else v["dimensions"][d["code"]]
                    for d in dims
                ]
                for v in villages
            ],
            dtype=float,
        ).reshape(len(villages), len(dims))
        narrow = _narrow(width)
        names = [_clipped(v["name"], width * 0.3, 9, NAME_LINES[narrow]) for v in villages]
        font = 7.5 if narrow else 9
        row = 0.12 + 0.16 * _lines(names) if narrow else max(0.3, 0.1 + 0.16 * _lines(names))
        table = row * max(len(villages), 1)
        # Each column's heading may take its column's width less the gap to the next (a heading as
        # wide as its column touched its neighbour); Chinese breaks between any two characters.
        named = _widest(names) * 9 / 72
        scale = 0.0 if narrow else SCALE_LABELS + SCALE_SHRINK * table / SCALE_ASPECT
        pitch = (width - MARGINS - named - scale) / max(len(dims), 1)
        columns = [_fit(d["name"], pitch - HEADING_GAP, font) for d in dims]
        slant, column_font, rise = 0.0, font, 0.14 * _lines(columns)
        if _widest(columns) * font / 72 > pitch - HEADING_GAP:  # a word wider: all slanted
            left = named
            for _ in range(3):  # where they reach further left than the names, the columns make room
                pitch = (width - MARGINS - left - scale) / max(len(dims), 1)
                columns, slant, column_font = _slanted([d["name"] for d in dims], pitch, font)
                reach, rise = _slant_extent(columns, slant, column_font, pitch)
                if reach <= left:
                    break
                left = reach
        height = table + (1.6 if narrow else 1.5) + rise
        figure = _figure(width, height)
        ax = figure.add_subplot()
        blank = bool(np.isnan(values).any())  # a dimension too few answered in a village
        min_cell = (document.get("scheme") or {}).get("min_cell", 5)
        _hidden_note(figure, t, hidden, t["blank_cell"].format(min_cell=min_cell) if blank else "")
        if not villages:
            _nothing_to_show(ax, t["no_villages"])
            _titled(ax, t["heatmap_title"], width, fontsize=11)
            return figure
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 100.0)
        low = min(low, high - 2.0)  # a scale even when every cell has the same score
        image = ax.imshow(values, cmap=_SHADES, vmin=low - (high - low) * 0.6, vmax=high, aspect="auto")
        # Each cell framed, so that a light cell and a "—" stand as cells of the table.
        ax.set_xticks(np.arange(len(dims) + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(len(villages) + 1) - 0.5, minor=True)
        ax.grid(which="minor", color=CELL_EDGE, linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        for (r, c), value in np.ndenumerate(values):
            if not np.isfinite(value):
                ax.text(c, r, "—", ha="center", va="center", fontsize=7.5, color=MUTED)
            else:
                # White on a dark cell, ink on a light one, by the cell's own shade's luminance.
                dark = _luminance(image.cmap(image.norm(value))) < 0.5
                ax.text(
                    c,
                    r,
                    rounded(value, 1),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else INK,
                )
        if slant:  # rising to the left, each line ending at its column
            ax.set_xticks(
                range(len(dims)),
                columns,
                fontsize=column_font,
                rotation=-slant,
                rotation_mode="anchor",
                ha="right",
                va="bottom",
            )
        else:
            ax.set_xticks(range(len(dims)), columns, fontsize=column_font)
        ax.set_yticks(range(len(villages)), names)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.tick_params(axis="x", pad=HEADING_PAD)  # the headings clear of the cells below them
        for spine in ax.spines.values():
            spine.set_visible(False)
        if narrow:  # the scale under the table, leaving the screen's width to the columns
            bar = figure.colorbar(image, ax=ax, orientation="horizontal", shrink=0.8, pad=0.02, aspect=30)
        else:
            bar = figure.colorbar(image, ax=ax, shrink=SCALE_SHRINK, aspect=SCALE_ASPECT, pad=0.02)
        bar.set_label(t["shade"])
        _titled(ax, t["heatmap_title"], width, fontsize=11, pad=22)
        return figure


@_names_drawn
def group_comparison(document: dict, *, width: float = WIDE) -> Figure:
    """Respondent groups and age bands side by side (one above the other on a phone), each with its
    95% CI."""
    t = _texts(document)
    narrow = _narrow(width)
    # A survey without age bands (a bureau's survey of firms) is not titled "…与年龄段".
    heading = t["groups_title"] if document["by_age_band"] else t["groups_only_title"]
    with chart_style():
        panels = [(t["group"], document["by_group"]), (t["age_band"], document["by_age_band"])]
        hidden = [c for _, cells in panels for c in cells if c.get("suppressed")]
        panels = [
            (title, [c for c in cells if not c.get("suppressed") and c.get("score") is not None])
            for title, cells in panels
        ]
        panels = [(title, cells) for title, cells in panels if cells]
        if narrow:  # one panel above the other, each as wide as the screen
            figure = _figure(width, 0.6 + 2.6 * max(len(panels), 1))
            axes = figure.subplots(max(len(panels), 1), 1, squeeze=False)[:, 0]
        else:
            figure = _figure(width, 3.0)
            axes = figure.subplots(1, max(len(panels), 1), sharey=True, squeeze=False)[0]
        _hidden_note(figure, t, hidden)
        if not panels:  # every cell too small, or nothing counted yet: say so, not empty 0–1 axes
            _nothing_to_show(
                axes[0], t["no_score"] if document["composite"]["score"] is None else t["no_groups"]
            )
            figure.suptitle(_fit(heading, width - 0.2, 10), fontsize=10, x=0.01, ha="left")
            return figure
        every = [c for _, cells in panels for c in cells]
        lows = [c[0] for c in map(_ci, every) if c] + [c["score"] for c in every]
        for k, (ax, (title, cells)) in enumerate(zip(axes, panels, strict=False)):
            x = np.arange(len(cells))
            scores = [c["score"] for c in cells]
            ax.bar(
                x, scores, color=SHADES[1 + k], hatch=HATCHES[1 + k], edgecolor=INK, linewidth=0.6, width=0.6
            )
            for xi, cell in zip(x, cells, strict=True):
                ci = _ci(cell)
                if ci:
                    ax.errorbar(
                        xi,
                        cell["score"],
                        yerr=[[cell["score"] - ci[0]], [ci[1] - cell["score"]]],
                        fmt="none",
                        ecolor=INK,
                        capsize=3,
                        lw=1,
                    )
                top = ci[1] if ci else cell["score"]
                ax.text(xi, top + 0.3, rounded(cell["score"]), ha="center", va="bottom", fontsize=8)
            room = (width - 0.8) / (1 if narrow else len(panels)) / max(len(cells), 1) * 0.9  # under a bar
            names = [_under_bar(c["name"], room, t["tick_width"], narrow) for c in cells]
            ax.set_xticks(
                x, [f"{name}\nn={c['n']}" for name, c in zip(names, cells, strict=True)], fontsize=8
            )
            if document["composite"]["score"] is not None:
                ax.axhline(document["composite"]["score"], color=INK, linestyle="--", linewidth=0.8)
            ax.set_title(title, fontsize=10)
            _score_axis(ax, lows, vertical=True)
            # Headroom above 100 for the number over a bar that reaches it (it was drawn at 99.6,
            # across the bar's top); the scale itself still ends at 100.
            start = ax.get_ylim()[0]
            ticks = [tick for tick in ax.get_yticks() if start <= tick <= 100]
            ax.set_ylim(start, 100 + (100 - start) * 0.1)
            ax.set_yticks(ticks)
        for ax in axes if narrow else axes[:1]:
            ax.set_ylabel(t["score"])
        figure.suptitle(_fit(heading, width - 0.2, 10), fontsize=10, x=0.01, ha="left")
        return figure


@_names_drawn
def score_changes(document: dict, *, width: float = WIDE) -> Figure:
    """The year over year comparison (stats.compare, as the evaluator page tabulates it): each
    figure's difference with its 95% interval against 0, the significant ones filled and dark.
    `document`: {"language", "base" (the base survey's name), "rows": [{"name", "kind"
    (composite, dimension or item), "difference", "ci95", "significant"}]}."""
    t = _texts(document)
    with chart_style():
        rows = [r for r in document["rows"] if r.get("difference") is not None]
        narrow = _narrow(width)
        title = t["change_title"].format(base=document["base"])
        labels = [_clipped(r["name"], width * 0.4, 9, NAME_LINES[narrow]) for r in rows]
        row = 0.16 + 0.16 * _lines(labels) if narrow else max(0.3, 0.1 + 0.16 * _lines(labels))
        figure = _figure(width, row * max(len(rows), 1) + 1.5)
        ax = figure.add_subplot()
        figure.suptitle(_fit(title, width - 0.2, 11), x=0.02, ha="left", fontsize=11)
        if not rows:
            _nothing_to_show(ax, t["no_change"])
            return figure
        y = np.arange(len(rows))[::-1]
        cis = [_ci(r) for r in rows]
        ends = [v for r, ci in zip(rows, cis, strict=True) for v in (ci or (r["difference"],) * 2)]
        low, high = min([0.0, *ends]), max([0.0, *ends])
        pad = max(high - low, 1.0) * 0.05
        # Room right of the widest interval for its number (about 0.45 in at 8 pt), as a share of
        # the axes: the figure less the names' column beside them.
        axes = max(width - 0.35 - _widest(labels) * 9 / 72, 1.0)
        share = min(0.45 / axes, 0.5)
        right_end = high + pad + share * (high - low + 2 * pad) / (1 - share)
        ax.axvline(0, color=INK, linewidth=0.8)
        for yi, r, ci in zip(y, rows, cis, strict=True):
            colour = INK if r.get("significant") else MUTED
            if ci is not None:
                ax.errorbar(
                    r["difference"],
                    yi,
                    xerr=[[r["difference"] - ci[0]], [ci[1] - r["difference"]]],
                    fmt="none",
                    ecolor=colour,
                    capsize=3,
                    lw=1,
                )
            ax.plot(
                r["difference"],
                yi,
                marker="o",
                markersize=5,
                color=colour,
                markerfacecolor=colour if r.get("significant") else "white",
                linestyle="none",
            )
            number = signed(r["difference"], minus="−")
            right = ci[1] if ci is not None else r["difference"]
            ax.annotate(
                number,
                (right, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=8,
                color=colour,
                annotation_clip=False,
            )
        ax.set_xlim(low - pad, right_end)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_yticks(y, labels)
        # The composite and the dimensions above a rule, the items below it.
        overall = sum(r.get("kind") != "item" for r in rows)
        if 0 < overall < len(rows):
            ax.axhline(y[overall - 1] - 0.5, color=CELL_EDGE, linewidth=0.8)
        _gridded(ax)
        ax.set_xlabel(_fit(t["change"], width - 0.9, 9))
        legend = [
            Line2D(
                [], [], marker="o", color=INK, markerfacecolor=INK, linestyle="none", label=t["significant"]
            ),
            Line2D(
                [],
                [],
                marker="o",
                color=MUTED,
                markerfacecolor="white",
                linestyle="none",
                label=t["not_significant"],
            ),
        ]
        figure.legend(
            handles=legend, loc="outside lower center", ncols=1 if narrow else 2, frameon=False, fontsize=8
        )
        return figure


CHARTS = {
    "dimensions": dimension_bars,
    "items": item_distribution,
    "villages": village_ranking,
    "heatmap": village_dimension_heatmap,
    "groups": group_comparison,
}


def rasterise(figure: Figure, *, dpi: int = 150):
    """The figure as a Pillow RGB image, skipping PNG encoding (for embedding in a PDF)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    with chart_style():
        figure.set_dpi(dpi)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return Image.frombuffer(
            "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        ).convert("RGB")


def chart_size(chart, document: dict, *, width: float = WIDE, dpi: int = 150) -> tuple[int, int]:
    """The width and height in pixels of the chart's PNG from `render`, without building its
    figure: a page names them so that the browser keeps the image's place before it arrives. A
    chart's size is settled where it makes its figure (`_figure`), from the document's rows and
    wrapped labels and before anything is drawn, so the chart runs up to there and no further — a
    figure built only for its size cost as much again as the one its image is drawn from."""
    sizing = _SIZING.set(True)
    try:
        chart(document, width=width)
    except _Sized as sized:
        inches = sized.inches
    else:
        raise RuntimeError(f"{chart.__name__} made no figure")
    finally:
        _SIZING.reset(sizing)
    # In pixels as matplotlib's canvas counts them for the PNG (truncated, but 965.9999999999999
    # make 966): an empty figure of that size, which costs nothing to make.
    return FigureCanvasBase(Figure(figsize=inches, dpi=dpi)).get_width_height(physical=True)


def render(figure: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """The figure as PNG or SVG bytes (drawn with the same style it was built with)."""
    if fmt not in ("png", "svg"):
        raise ValueError("format must be png or svg")
    buffer = io.BytesIO()
    with chart_style():
        metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
