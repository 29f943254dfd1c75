"""Names on one line and numbers rounded as people read them (stats/text.py)."""

import pytest

from stats.text import one_line, rounded


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


@pytest.mark.parametrize(
    ("x", "places", "shown"),
    [
        (90.625, 2, "90.63"),  # a tie in binary too: f"{90.625:.2f}" is "90.62"
        (92.615, 2, "92.62"),  # 92.61499… in binary; people and Excel read 92.615
        (0.125, 2, "0.13"),
        (12.5, 0, "13"),
        (88.25, 1, "88.3"),
        (100.0, 2, "100.00"),
        (-0.001, 2, "0.00"),  # never "-0.00"
        (92.62, 2, "92.62"),
    ],
)
def test_numbers_are_shown_rounded_half_up_as_people_and_excel_round(x, places, shown):
    assert rounded(x, places) == shown
