"""Names on one line (stats/text.py): the rule names are stored and drawn by."""

import pytest

from stats.text import one_line


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("东村", "东村"),
        ("  东\t村\n", "东 村"),  # tabs and line breaks: a space, none at the ends
        ("大栗港\r\n社区", "大栗港 社区"),
        ("朱\u200b家村", "朱家村"),  # zero-width characters go: the name looked like 朱家村
        ("\ufeff朱家村\u200d\u2060", "朱家村"),
        ("Wuyang\u00a0\u00a0Ping", "Wuyang Ping"),  # no-break spaces and a run of them: one space
        ("Upper \t \u2028 village", "Upper village"),
        ("Bell\x07village\x1f", "Bell village"),
        ("五羊坪村 🌾", "五羊坪村 🌾"),  # what can be drawn stays
        ("\t\u200b\n", ""),
    ],
)
def test_a_name_is_kept_on_one_line_without_invisible_characters(typed, kept):
    assert one_line(typed) == kept
