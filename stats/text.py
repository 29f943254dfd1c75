"""Names on one line: what a village, group, item or title is stored and drawn as.

Names are typed into the admin and pasted from spreadsheets, web pages and chat messages, which
bring tabs, line breaks, no-break spaces and invisible zero-width characters along. None of them
is part of the name, and the report's fonts draw them as empty boxes. `one_line` is the one rule
for all of them: the models' name fields (surveys/names.py) and the XLSForm import store names
through it, and the charts and the PDF draw stored names through it (names saved before the rule
existed still show cleanly).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r" {2,}")


def one_line(text: str) -> str:
    """`text` as one line: each run of spaces, tabs, line breaks and other control characters
    becomes a single space, and the invisible format characters (zero-width spaces and joiners,
    direction marks, the byte-order mark, soft hyphens) go, so "朱\u200b家村" stays "朱家村" as it
    looked; no space at either end."""
    kept = []
    for character in text:
        kind = unicodedata.category(character)
        if kind == "Cf":
            continue
        kept.append(" " if character.isspace() or kind in ("Cc", "Zl", "Zp") else character)
    return _SPACES.sub(" ", "".join(kept)).strip()
