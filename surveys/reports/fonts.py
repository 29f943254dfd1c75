"""The Chinese font of the PDF report: Noto Sans CJK SC, regular and bold.

The PDF embeds only the glyphs it uses, but cutting them out of the full Noto CJK collection
(65,000 CFF glyphs in a 20 MB file) takes about a second per face on every report. So the first
report cuts the faces down once to the characters of GBK (every common Chinese character, 21,000
of them, plus Latin, Greek, punctuation and symbols) and keeps them in `DATA_DIR/fonts/`; later
reports subset those in a fraction of the time. A report with a character outside that set
(a rare character in a village name) uses the full collection, which is slower but complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from matplotlib import font_manager

from stats.charts import CJK_FAMILY, ChartFontMissing

CACHE_VERSION = 1
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
            chr(u).encode("gbk")
        except UnicodeEncodeError:
            continue
        codes.add(u)
    return codes


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
    # Written aside and renamed, so a half-written file is never picked up by another process.
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    font.save(temporary)
    os.replace(temporary, target)


@lru_cache(maxsize=1)
def _cached_faces() -> tuple[Face, Face, frozenset[int]] | None:
    folder = Path(settings.DATA_DIR) / "fonts"
    regular, bold = (
        folder / f"report-sc-regular-v{CACHE_VERSION}.otf",
        folder / f"report-sc-bold-v{CACHE_VERSION}.otf",
    )
    codes_file = folder / f"report-sc-v{CACHE_VERSION}.json"
    if not (regular.exists() and bold.exists() and codes_file.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        codes = _charset()
        _cut(_full_face(400), regular, codes)
        _cut(_full_face(700), bold, codes)
        codes_file.write_text(json.dumps(sorted(codes)))
    codes = frozenset(json.loads(codes_file.read_text()))
    return Face(str(regular), 0), Face(str(bold), 0), codes


def report_faces(text: str) -> tuple[Face, Face]:
    """(regular, bold) faces that can draw every character of `text`."""
    regular, bold, codes = _cached_faces()
    if all(ord(c) in codes or c in "\n\r\t" for c in set(text)):
        return regular, bold
    return _full_face(400), _full_face(700)


def prepare() -> None:
    """Cut the cached faces now (the demo set-up calls this so the first download is quick)."""
    _cached_faces()
