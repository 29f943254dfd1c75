"""The PDF's line breaks (surveys/reports/linebreak.py): Chinese between any two characters,
never before a closing mark or after an opening one; Latin words whole."""

from hypothesis import given
from hypothesis import strategies as st

from surveys.reports.linebreak import CLOSING, OPENING, wrapped


def test_a_full_line_takes_the_character_before_a_closing_mark_along_to_the_next():
    assert wrapped("一二三四五六七八九十。一二", 10, len) == ["一二三四五六七八九", "十。一二"]


def test_an_opening_mark_never_ends_a_line():
    assert wrapped("一二三四五六七八九（十）", 10, len) == ["一二三四五六七八九", "（十）"]


def test_chinese_breaks_before_the_line_is_full_not_at_its_last_space():
    # fpdf2 broke at the space: "用 t" stayed and "分布…" went down, half a line left empty.
    assert wrapped("置信区间用 t 分布，自由度为计入", 11, len) == ["置信区间用 t 分布，", "自由度为计入"]


def test_latin_words_and_numbers_stay_whole_and_a_word_longer_than_a_line_is_cut():
    assert wrapped("用 manage.py export_responses 导出", 16, len) == [
        "用 manage.py",
        "export_responses",
        "导出",
    ]
    assert wrapped("abcdefghijklmnop", 10, len) == ["abcdefghij", "klmnop"]


def test_a_word_much_wider_than_a_line_is_cut_with_few_measurements():
    """The cut measured every shorter start of the word in turn: a 2,000-character word (a URL, a
    hash in a narrow cell) took about two million characters' measuring; halving takes a few
    measurements a line."""
    calls = []

    def measure(text):
        calls.append(text)
        return len(text)

    lines = wrapped("x" * 2000, 10, measure)
    assert lines == ["x" * 10] * 200
    assert len(calls) <= 200 * 12


def test_english_breaks_at_spaces_and_keeps_curly_quotes_on_their_words():
    assert wrapped("left out: “Don't know”, unanswered", 12, len) == [
        "left out:",
        "“Don't",
        "know”,",
        "unanswered",
    ]


def test_an_english_report_breaks_at_spaces_only_keeping_a_chinese_name_whole():
    assert wrapped("Group 政府工作人员: 40", 9, len, chinese=False) == ["Group", "政府工作人员:", "40"]
    assert wrapped("Group 政府工作人员: 40", 9, len) == ["Group 政府工", "作人员: 40"]


def test_the_texts_own_line_breaks_are_kept():
    assert wrapped("一二\n三四", 10, len) == ["一二", "三四"]


ALPHABET = "一二三四五六七八九十abc 12%。，、；：）（“”-"


@given(st.text(alphabet=ALPHABET, max_size=80), st.integers(min_value=4, max_value=30))
def test_no_character_is_lost_and_no_line_is_too_long(text, width):
    lines = wrapped(text, width, len)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(len(line) <= width for line in lines)


@given(
    st.lists(st.sampled_from(["一", "二三", "四五六", "ab", "（七）", "八。", "九，", "“十”"]), max_size=30)
)
def test_where_every_word_fits_a_line_no_line_begins_with_a_closing_mark_or_ends_with_an_opening_one(words):
    for line in wrapped("".join(words), 8, len):
        assert not line.startswith(tuple(CLOSING)) and not line.endswith(tuple(OPENING)), line
