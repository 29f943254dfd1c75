"""The invitation posters (surveys/respond/posters.py), as drawn: every line on the page and clear of
the others, whatever the village's and group's names."""

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from surveys.respond import posters

PLACES = [
    "五羊坪村 · 村民群众",  # the demo's: one line at full size
    "清水河社区居民委员会 · 社区居民",  # reached the page's edge at 38 pt
    "清水河街道清水河社区居民委员会第三居民小组 · 县、街道人大代表和政协委员",  # ran off it
    "待命名村（社区）" * 12 + " · 村民群众",  # a name of the admin's greatest length
    "Wuyangping Village (to be renamed) · Villagers and community residents",
]


def drawn_clear(figure) -> list:
    """The poster's texts with their boxes, once checked: each within 10 mm of the page's edges,
    none over another."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in figure.axes[0].texts]
    margin = 10 / 25.4 * figure.dpi  # 10 mm
    page = figure.bbox
    for text, box in texts:
        assert page.x0 + margin <= box.x0 and box.x1 <= page.x1 - margin, text
    for (first, a), (second, b) in itertools.combinations(texts, 2):
        assert not a.overlaps(b), (first, second)
    return texts


@pytest.mark.parametrize("place", PLACES)
def test_a_posters_place_stays_on_the_page_and_clear_of_its_other_lines(place):
    figure = posters._figure(
        posters.PosterText(
            title="清水河街道2025年度部门整体支出绩效评价社会公众满意度问卷调查",
            place=place,
            url="https://manyidu.example.cn/s/5dn6N2Xo5eM/",
            organisation="某某县清水河街道办事处",
            one_per_phone=True,
        )
    )
    texts = drawn_clear(figure)
    shown = "".join(text for text, _box in texts)
    assert place.split(" · ")[-1][:4] in shown or "…" in shown


def test_a_short_place_keeps_its_one_line_at_full_size():
    assert posters.place_lines("五羊坪村 · 村民群众") == (["五羊坪村 · 村民群众"], 38.0)
    lines, size = posters.place_lines(
        "清水河街道清水河社区居民委员会第三居民小组 · 县、街道人大代表和政协委员"
    )
    assert (
        lines == ["清水河街道清水河社区居民委员会第三居民小组", "县、街道人大代表和政协委员"] and size >= 22
    )


TITLES = [
    "桃江县大栗港镇人民政府 2020年度部门社会公众满意度问卷调查",  # the demo's: broken at its space
    "某县人力资源和社会保障局 2024 年度政务服务满意度调查",  # printed 2024 alone on a line
    # four lines' worth of 22 characters, of which three were printed: its end was lost
    "关于某某县某某镇人民政府2020年度部门整体支出绩效评价工作中社会公众满意度情况的问卷调查"
    "（第二轮补充调查，含各村社区及企业代表）",
    "清水河街道" * 40,  # the admin's greatest length: 200 characters
]


@pytest.mark.parametrize("title", TITLES)
def test_a_posters_title_is_printed_whole_within_the_page_and_clear_of_the_place(title):
    figure = posters._figure(
        posters.PosterText(
            title=title,
            place="清水河社区居民委员会 · 社区居民",
            url="https://manyidu.example.cn/s/5dn6N2Xo5eM/",
            organisation="某某县清水河街道办事处",
            one_per_phone=True,
        )
    )
    texts = drawn_clear(figure)
    lines, _size = posters.title_lines(title, posters.TITLE_ROOM, posters.TITLE_SIZES)
    assert [text for text, _box in texts[: len(lines)]] == lines and len(lines) <= posters.TITLE_LINES
    printed = "".join(lines).replace(" ", "")
    if len(title) < 100:
        assert printed == title.replace(" ", "")  # every character, on up to three lines
    else:
        assert printed.endswith("…") and title.startswith(printed[:-1])


def test_a_title_breaks_at_its_spaces_where_the_lines_fit_else_evenly_as_chinese_breaks():
    room, sizes = posters.TITLE_ROOM, posters.TITLE_SIZES
    assert posters.title_lines(TITLES[0], room, sizes) == (
        ["桃江县大栗港镇人民政府", "2020年度部门社会公众满意度问卷调查"],
        19.0,
    )
    assert posters.title_lines(TITLES[1], room, sizes) == ([TITLES[1]], 19.0)  # one line on a poster
    # beside a paper sheet's QR code, 148 mm: the year stays with what it dates
    assert posters.title_lines(TITLES[1], 148, (17, 16, 15, 14, 13)) == (
        ["某县人力资源和社会保障局", "2024 年度政务服务满意度调查"],
        17.0,
    )
    lines, size = posters.title_lines(
        "清水河街道2025年度部门整体支出绩效评价社会公众满意度问卷调查", room, sizes
    )
    assert size == 19.0 and [len(line) for line in lines] == [17, 15]  # not 26 and 6


def test_a_title_breaks_at_its_spaces_only_where_that_takes_no_more_lines():
    """Three words of 13 characters need three lines broken at their spaces, two as Chinese breaks."""
    word = "县人民政府办公室政务公开工"
    title = " ".join([word] * 3)
    lines, size = posters.title_lines(title, 148, (17,))
    assert len(lines) == 2 and size == 17.0
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
