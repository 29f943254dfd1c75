"""Names on one line, numbers rounded as people read them and texts cut short with … (stats/text.py)."""

import pytest

from stats.text import ELLIPSIS, fitting_start, one_line, rounded


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
        ("东\uffff村\ufffe\ufdd0\U0010ffff\U0001fffe", "东村"),  # noncharacters: no font, no workbook
        ("东\ud800村", "东村"),  # a lone surrogate
        ("\ufdcf\ufdf0\ufffd", "\ufdcf\ufdf0\ufffd"),  # next to them: characters (� too)
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


def _counted(calls):
    def measure(text):
        calls.append(text)
        return sum(2 if "\u4e00" <= character <= "\u9fff" else 1 for character in text)

    return measure


@pytest.mark.parametrize(
    ("text", "width", "end", "least", "start"),
    [
        ("清水河社区居民委员会", 10, "", 0, "清水河社区"),  # five characters of two
        ("清水河社区居民委员会", 10, ELLIPSIS, 0, "清水河社"),  # and room left for the …
        ("清水河社区居民委员会", 21, ELLIPSIS, 0, "清水河社区居民委员会"),  # all of it, and the …
        ("清水河社区居民委员会", 1, ELLIPSIS, 0, ""),  # not even the … fits: nothing of it
        ("清水河社区居民委员会", 1, "", 1, "清"),  # unless asked for at least one character
        ("Wuyang Ping (upper)", 12, " (38)", 0, "Wuyang "),  # the end counted, not returned
        ("", 5, ELLIPSIS, 0, ""),
    ],
)
def test_the_longest_start_that_fits_with_its_end(text, width, end, least, start):
    assert fitting_start(text, width, _counted([]), end=end, least=least) == start


def test_the_start_is_found_by_halving_not_by_measuring_every_start():
    calls = []
    text = "村" * 2000
    assert fitting_start(text, 301, _counted(calls), end=ELLIPSIS) == "村" * 150
    assert len(calls) <= 12  # log2(2001) rounded up: a 2,000-character text, 11 measures
