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
    renderer = FigureCanvasAgg(figure).get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in figure.axes[0].texts]
    margin = 10 / 25.4 * figure.dpi  # 10 mm
    page = figure.bbox
    for text, box in texts:
        assert page.x0 + margin <= box.x0 and box.x1 <= page.x1 - margin, text
    for (first, a), (second, b) in itertools.combinations(texts, 2):
        assert not a.overlaps(b), (first, second)
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
