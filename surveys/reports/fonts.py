"""The Chinese font of the PDF report: Noto Sans CJK SC, regular and bold.

The PDF embeds only the glyphs it uses, but cutting them out of the full Noto CJK collection
(65,000 CFF glyphs in a 20 MB file) takes about a second per face on every report. So the first
report cuts the faces down once — to the characters of GB2312 (the 6,763 common Chinese
characters, with Latin, Greek, punctuation and symbols) and every character the surveys in the
database use (a rarer one in a village name, as 洑 in 黄栗洑村) — and keeps them in
`DATA_DIR/fonts/`; later reports subset those in a fraction of the time. A report with a character
outside that set (a survey added later) uses the full collection, which is slower but complete.
The cut takes about 6 s of CPU per face (GBK's 21,000 characters took 24 s); processes that need
it at the same time wait for the one making it (a file lock), and `manage.py demo` makes it at
set-up, so that the demo's first PDF is quick.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from matplotlib import font_manager

from stats.charts import CJK_FAMILY, ChartFontMissing, font_characters, symbol_font

CACHE_VERSION = 2  # 2: GB2312 and the surveys' own characters (1: GBK)
EXTRA_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x370, 0x3FF),
    (0x2000, 0x206F),
    (0x2100, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x25FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
]


@dataclass(frozen=True)
class Face:
    path: str
    index: int  # face number inside a .ttc collection (0 for a single font)


def _full_face(weight: int) -> Face:
    """The Simplified Chinese face of Noto Sans CJK at that weight, found through matplotlib."""
    from fontTools.ttLib import TTCollection

    candidates = [
        f.fname
        for f in font_manager.fontManager.ttflist
        if f.name == CJK_FAMILY and f.weight in (weight, str(weight))
    ]
    if not candidates:
        candidates = [f.fname for f in font_manager.fontManager.ttflist if f.name == CJK_FAMILY]
    if not candidates:
        raise ChartFontMissing(
            f"PDF 报告需要中文字体 {CJK_FAMILY}。请运行 scripts/system-deps（Debian 包 fonts-noto-cjk）后重试。"
        )
    path = sorted(candidates)[0]
    if not path.lower().endswith(".ttc"):
        return Face(path, 0)
    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == CJK_FAMILY:
            return Face(path, index)
    return Face(path, 0)


def _charset() -> set[int]:
    codes = {u for a, b in EXTRA_RANGES for u in range(a, b + 1)}
    for u in range(0x2E80, 0xFFFF):
        try:
            chr(u).encode("gb2312")
        except UnicodeEncodeError:
            continue
        codes.add(u)
    return codes | _survey_characters()


def _survey_characters() -> set[int]:
    """Every character of every survey's names in the database (titles, organisations, items,
    options, groups, age bands, villages), in Chinese and in English."""
    from surveys.models import AgeBand, Dimension, Group, Item, Option, Survey, Village

    fields = {
        Survey: ("title", "title_en", "organisation", "organisation_en"),
        Dimension: ("name", "name_en"),
        Item: ("text", "text_en"),
        Option: ("label", "label_en"),
        Group: ("name", "name_en"),
        AgeBand: ("label", "label_en"),
        Village: ("name", "name_en"),
    }
    codes: set[int] = set()
    for model, names in fields.items():
        for row in model.objects.values_list(*names).iterator():
            codes.update(ord(c) for text in row for c in text)
    return {u for u in codes if u >= 0x20}


def _cut(face: Face, target: Path, codes: set[int]) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    options = subset.Options()
    options.layout_features = []  # horizontal Chinese text needs no OpenType layout
    options.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # screen hints do nothing for print and slow the cut
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    _write_aside(target, font)


def _write_aside(target: Path, content) -> None:
    """Written aside and renamed, so a half-written file is never picked up by another process."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    if isinstance(content, str):
        Path(temporary).write_text(content)
    else:
        content.save(temporary)
    os.replace(temporary, target)


@lru_cache(maxsize=1)
def _cached_faces() -> tuple[Face, Face, frozenset[int]] | None:
    folder = Path(settings.DATA_DIR) / "fonts"
    regular, bold = (
        folder / f"report-sc-regular-v{CACHE_VERSION}.otf",
        folder / f"report-sc-bold-v{CACHE_VERSION}.otf",
    )
    codes_file = folder / f"report-sc-v{CACHE_VERSION}.json"
    if not codes_file.exists():  # written last: its presence means both faces are there
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "cut.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process cuts; the others wait, then read its files
            if not codes_file.exists():
                codes = _charset()
                _cut(_full_face(400), regular, codes)
                _cut(_full_face(700), bold, codes)
                _write_aside(codes_file, json.dumps(sorted(codes)))
    codes = frozenset(json.loads(codes_file.read_text()))
    return Face(str(regular), 0), Face(str(bold), 0), codes


def report_faces(text: str) -> tuple[Face, Face]:
    """(regular, bold) faces that draw every character of `text` that Noto Sans CJK has (the
    others are the symbol font's, `symbol_face`, or left out: stats.charts.drawable)."""
    regular, bold, codes = _cached_faces()
    if {ord(c) for c in text} & font_characters(_full_face(400).path) <= codes:
        return regular, bold
    return _full_face(400), _full_face(700)


def symbol_face(text: str) -> Face | None:
    """The face of the symbol font (Symbola) when `text` has characters that only it draws (an
    emoji in a name), else None: the PDF then does without it."""
    path = symbol_font()
    if path is None:
        return None
    wanted = {ord(c) for c in text} - font_characters(_full_face(400).path)
    return Face(path, 0) if wanted & font_characters(path) else None


def prepare() -> None:
    """Cut the cached faces now (the demo set-up calls this so the first download is quick)."""
    _cached_faces()
