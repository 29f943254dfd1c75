"""Charts of a score document: Chinese text in the CJK font, PNG and SVG, no Django needed."""

import copy
import itertools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox

from stats import charts

OPTIONS = [
    {"code": "satisfied", "name": "满意"},
    {"code": "basically_satisfied", "name": "基本满意"},
    {"code": "dissatisfied", "name": "不满意"},
    {"code": "dont_know", "name": "不了解"},
]


def _cell(code, name, score, n=20, suppressed=False):
    return {
        "code": code,
        "name": name,
        "n": n,
        "score": None if suppressed else score,
        "se": None if suppressed else 1.5,
        "ci95": None if suppressed else [score - 3, score + 3],
        "suppressed": suppressed,
        "dimensions": None if suppressed else {"economy": score - 1, "services": score + 1},
    }


@pytest.fixture
def document():
    return {
        "composite": {"score": 90.5, "se": 0.8, "ci95": [88.9, 92.1], "n": 60},
        "dimensions": [
            {
                "code": "economy",
                "name": "经济发展",
                "weight": 0.5,
                "score": 89.0,
                "ci95": [87.0, 91.0],
                "n": 60,
            },
            {
                "code": "services",
                "name": "公共服务",
                "weight": 0.5,
                "score": 92.0,
                "ci95": [90.5, 93.5],
                "n": 60,
            },
        ],
        "items": [
            {
                "code": "income",
                "name": "收入",
                "dimension": "economy",
                "distribution": {
                    "satisfied": 40,
                    "basically_satisfied": 15,
                    "dissatisfied": 3,
                    "dont_know": 2,
                },
            },
            {
                "code": "roads",
                "name": "道路",
                "dimension": "services",
                "distribution": {
                    "satisfied": 45,
                    "basically_satisfied": 12,
                    "dissatisfied": 1,
                    "dont_know": 2,
                },
            },
        ],
        "by_village": [
            _cell("east", "东村", 91.0),
            _cell("west", "西村", 88.0),
            _cell("north", "北村", 0, n=3, suppressed=True),
        ],
        "by_group": [_cell("villager", "村民群众", 90.0, n=40), _cell("staff", "政府工作人员", 92.0)],
        "by_age_band": [_cell("18-44", "18–44岁", 89.5), _cell("45+", "45岁及以上", 91.5)],
        "scheme": {
            "option_points": {
                "satisfied": 100,
                "basically_satisfied": 80,
                "dissatisfied": 0,
                "dont_know": None,
            }
        },
        "options": OPTIONS,
    }


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_every_chart_draws_its_text_in_the_cjk_font(document, name):
    figure = charts.CHARTS[name](document)
    assert isinstance(figure, Figure)
    with charts.chart_style():
        texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
        fonts = {font_manager.findfont(t.get_fontproperties(), fallback_to_default=False) for t in texts}
    assert texts, "a chart without any label"
    assert {str(getattr(f, "path", f)) for f in fonts} == {charts.cjk_font()}


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_every_chart_renders_as_png_and_svg(document, name):
    figure = charts.CHARTS[name](document)
    assert charts.render(figure, "png").startswith(b"\x89PNG\r\n\x1a\n")
    svg = charts.render(figure, "svg")
    assert b"<svg" in svg and b"<text" not in svg  # glyphs as paths: readable without the font


@pytest.mark.parametrize("size", sorted(charts.SIZES))
@pytest.mark.parametrize("name", sorted(charts.CHARTS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_charts_size_is_its_pngs(document, name, size, language):
    """What the page names as the image's width and height (to keep its place), learnt without
    building the figure, is what arrives — long names wrapped onto more lines included."""
    import io

    from PIL import Image

    long_named = _long_named(document, language)
    expected = charts.chart_size(charts.CHARTS[name], long_named, width=charts.SIZES[size])
    figure = charts.CHARTS[name](long_named, width=charts.SIZES[size])
    assert Image.open(io.BytesIO(charts.render(figure, "png"))).size == expected
    assert expected[0] == round(charts.SIZES[size] * 150)


def test_the_village_ranking_names_the_villages_too_small_to_show(document):
    figure = charts.village_ranking(document)
    labels = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "北村" in labels and "样本不足" in labels
    assert labels.index("1. 东村") < labels.index("2. 西村")


def test_the_stacked_bars_tell_the_options_apart_by_hatching_not_only_by_colour(document):
    figure = charts.item_distribution(document)
    patches = figure.axes[0].patches
    assert len({(p.get_hatch(), p.get_facecolor()) for p in patches}) == len(OPTIONS)
    assert len({p.get_hatch() for p in patches}) == len(OPTIONS)


def test_an_unknown_format_is_refused(document):
    with pytest.raises(ValueError):
        charts.render(charts.dimension_bars(document), "gif")


def test_without_the_cjk_font_it_refuses_to_draw_boxes(document, monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    charts.cjk_font.cache_clear()
    try:
        with pytest.raises(charts.ChartFontMissing, match="fonts-noto-cjk"):
            charts.dimension_bars(document)
    finally:
        monkeypatch.undo()
        charts.cjk_font.cache_clear()


def test_the_charts_module_does_not_import_django():
    code = "import sys; sys.modules['django'] = None\nimport stats.charts\nprint('ok')"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_the_heat_map_says_so_when_no_village_may_be_shown(document):
    document["by_village"] = [_cell("north", "北村", 0, n=3, suppressed=True)]
    figure = charts.village_dimension_heatmap(document)
    assert "样本不足" in " ".join(t.get_text() for t in figure.findobj(Text))
    assert charts.render(figure, "png").startswith(b"\x89PNG")


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_a_document_in_english_gets_english_charts(document, name):
    """Everything the chart itself writes follows the document's language; names come from it."""
    chinese = {t.get_text() for t in charts.CHARTS[name](document).findobj(Text)}
    english = {t.get_text() for t in charts.CHARTS[name]({**document, "language": "en"}).findobj(Text)}
    names = [
        c["name"] for key in ("dimensions", "by_village", "by_group", "by_age_band") for c in document[key]
    ]
    names += [i["name"] for i in document["items"]] + [o["name"] for o in OPTIONS]

    def own_words(texts):
        text = " ".join(texts)
        for n in sorted(names, key=len, reverse=True):
            text = text.replace(n, "")
        return text

    assert english != chinese
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", own_words(english)), own_words(english)
    assert re.search(r"[\u4e00-\u9fff]", own_words(chinese))


def test_the_english_village_ranking_says_which_villages_are_too_few(document):
    figure = charts.village_ranking({**document, "language": "en"})
    labels = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "Not shown (too few responses): 北村 (n=3)" in labels
    assert "Composite satisfaction 90.50" in labels, "no village × group cells: the composite"


def test_villages_are_compared_with_the_group_sampled_by_village_not_the_composite(document):
    """A village's score is its villagers' alone: the dashed line is all villagers' score (the
    composite also holds staff and deputies)."""
    cells = [{**_cell(f"{v}-villager", v, 90.0), "village": v, "group": "villager"} for v in ("east", "west")]
    figure = charts.village_ranking({**document, "by_village_group": cells})
    labels = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "村民群众总体 90.00" in labels and "综合满意度 90.50" not in labels
    [line] = [line for line in figure.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert line.get_xdata()[0] == 90.0


@pytest.mark.parametrize("name", ["villages", "heatmap", "groups"])
def test_every_breakdown_chart_names_the_cells_it_leaves_out(document, name):
    small = {
        **document,
        "by_village": [{**c, "score": None, "suppressed": True} for c in document["by_village"]],
        "by_group": [*document["by_group"], _cell("deputy", "人大代表", 0, n=3, suppressed=True)],
    }
    labels = " ".join(t.get_text() for t in charts.CHARTS[name](small).findobj(Text))
    expected = "人大代表（n=3）" if name == "groups" else "北村（n=3）"
    assert "样本不足未列出" in labels and expected in labels, labels


def test_long_english_names_are_wrapped_between_words(document):
    english = {
        **document,
        "language": "en",
        "by_group": [_cell("deputy", "County and town people's congress deputies", 91.0, n=20)],
    }
    ticks = [t.get_text() for t in charts.group_comparison(english).axes[0].get_xticklabels()]
    assert ticks == ["County and\ntown people's\ncongress\ndeputies\nn=20"]


def test_the_heatmaps_numbers_contrast_with_their_cells(document):
    """White on a dark cell, ink on a light one, judged by the shade actually drawn (white numbers
    sat on light grey cells)."""
    figure = charts.village_dimension_heatmap(document)
    ax = figure.axes[0]
    [image] = ax.get_images()
    for text in ax.texts:
        row, column = round(text.get_position()[1]), round(text.get_position()[0])
        red, green, blue, _ = image.cmap(image.norm(image.get_array()[row, column]))
        luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
        white = text.get_color() == "white"
        assert white == (luminance < 0.5), (text.get_text(), luminance, text.get_color())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_dimension_withheld_in_a_village_is_a_dash_on_the_heat_map_and_the_note_says_why(
    document, language
):
    """A village shown whose dimension has fewer than min_cell counted answers: its cell was left
    blank, like the cells of the best score (drawn white), and nothing said why."""
    withheld = copy.deepcopy(document) | {"language": language}
    withheld["by_village"][0]["dimensions"]["services"] = None
    withheld["scheme"]["min_cell"] = 5
    figure = charts.village_dimension_heatmap(withheld)
    ax = figure.axes[0]
    dashes = [t.get_position() for t in ax.texts if t.get_text() == "—"]
    assert dashes == [(1, 0)]  # column services, row 东村
    note = figure.get_supxlabel().replace("\n", "")
    assert ("少于 5" if language == "zh" else "fewer than 5") in note
    assert "北村" in note  # the village left out is still named


def test_no_cell_of_the_heat_map_is_drawn_white_like_the_page(document):
    figure = charts.village_dimension_heatmap(document)
    [image] = figure.axes[0].get_images()
    lightest = image.cmap(image.norm(np.nanmax(image.get_array())))
    assert min(lightest[:3]) < 0.95, lightest


def test_a_closing_mark_never_starts_a_line_of_a_chart_nor_an_opening_one_ends_one():
    for width in np.arange(0.8, 3.0, 0.05):
        lines = charts._fit(
            "样本不足未列出：南湖社区（n=3）；“—”：该村该维度计分人数少于 5，不公布", width, 7
        ).split("\n")
        assert not any(line[0] in "”’）》」：；，。" for line in lines[1:]), lines
        assert not any(line[-1] in "“‘（《「" for line in lines), lines


def _eleven_points(document):
    options = [{"code": f"p{k}", "name": f"{k}分"} for k in range(10, -1, -1)] + [
        {"code": "dk", "name": "不了解"}
    ]
    many = copy.deepcopy(document) | {"options": options}
    for n, item in enumerate(many["items"]):
        item["distribution"] = {o["code"]: 3 + (n + k) % 7 for k, o in enumerate(options)}
    many["scheme"]["option_points"] = {o["code"]: None for o in options}
    return many


@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_twelve_options_each_look_their_own_and_their_legend_fits_and_reads_across(document, size):
    """A 0–10 scale and 不了解: the six looks repeated (10分 and 4分 the same dark blue) and a
    legend of twelve in one row ran off both sides of the wide figure."""
    with charts.chart_style():
        figure = charts.item_distribution(_eleven_points(document), width=charts.SIZES[size])
        looks = {(p.get_facecolor(), p.get_hatch()) for p in figure.axes[0].patches}
        assert len(looks) == 12
        texts = _drawn_texts(figure)
        _assert_inside_and_apart(texts, figure.bbox)
    names = [f"{k}分" for k in range(10, -1, -1)] + ["不了解"]
    legend = [(text, box) for text, box in texts if text in names]
    assert len(legend) == 12
    # Read row by row (top to bottom, then left to right), the names come in the options' order.
    placed = sorted(legend, key=lambda entry: (-round(entry[1].y0), entry[1].x0))
    assert [text for text, _box in placed] == names


def test_up_to_six_options_keep_their_looks():
    assert [charts.option_style(k, 4) for k in range(4)] == list(
        zip(charts.SHADES, charts.HATCHES, strict=False)
    )[:4]


def test_a_chart_drawn_while_another_thread_finishes_one_keeps_the_cjk_font(document):
    """Two threads drawing at once (a threaded server answering a page's five chart requests): the
    first to finish must not put matplotlib's defaults back under the second, whose tick labels
    would then be drawn in DejaVu Sans, without Chinese glyphs. The interleaving is forced: the
    first thread waits inside chart_style until the second has entered it (or a timeout, when
    charts are drawn one at a time), and only then leaves."""
    import threading

    from matplotlib import rcParams

    first_inside, second_inside, first_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def first():
        with charts.chart_style():
            first_inside.set()
            second_inside.wait(timeout=1.0)
        first_left.set()

    def second():
        first_inside.wait(timeout=5.0)
        with charts.chart_style():
            second_inside.set()
            first_left.wait(timeout=5.0)
            seen["family"] = list(rcParams["font.family"])
            seen["png"] = charts.render(charts.dimension_bars(document), "png")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert seen["family"] == charts.chart_families() and seen["family"][0] == charts.CJK_FAMILY
    assert seen["png"].startswith(b"\x89PNG")


LONG_NAMES = {
    "zh": {
        "dimensions": ["经济发展满意度", "居住生活安全度"],
        "items": ["个人（家庭）收入", "农村清洁工程"],
        "village": "待命名村（社区）{}",
        "groups": ["村民群众", "政府工作人员", "县、镇人大代表"],
        "bands": ["18–29岁", "30–44岁", "45–59岁", "60岁及以上"],
    },
    "en": {
        "dimensions": ["Economic development", "Housing and public safety"],
        "items": ["Personal (household) income", "Water pollution improvement"],
        "village": "Village {} (to be named)",
        "groups": ["Villagers", "Government staff", "County and town people's congress deputies"],
        "bands": ["18–29", "30–44", "45–59", "60 and over"],
    },
}


def _long_named(document, language):
    """The test document with the demo survey's longest names, 17 villages (the last too small to
    show) and four age bands, in one language."""
    names = LONG_NAMES[language]
    villages = [_cell(f"v{k}", names["village"].format(k), 80 + k, n=20) for k in range(1, 17)]
    return {
        **document,
        "language": language,
        "dimensions": [
            {**d, "name": n} for d, n in zip(document["dimensions"], names["dimensions"], strict=True)
        ],
        "items": [{**i, "name": n} for i, n in zip(document["items"], names["items"], strict=True)],
        "by_village": [*villages, _cell("v17", names["village"].format(17), 0, n=4, suppressed=True)],
        "by_group": [_cell(f"g{k}", n, 88 + k, n=40) for k, n in enumerate(names["groups"])],
        "by_age_band": [_cell(f"a{k}", n, 89 + k, n=30) for k, n in enumerate(names["bands"])],
    }


def _assert_inside_and_apart(texts, frame) -> None:
    """Every drawn text lies inside the image and clear of every other."""
    for text, box in texts:
        assert frame.x0 <= box.x0 + 0.5 and box.x1 <= frame.x1 + 0.5, (text, box.bounds, frame.bounds)
        assert frame.y0 <= box.y0 + 0.5 and box.y1 <= frame.y1 + 0.5, (text, box.bounds, frame.bounds)
    for (first, a), (second, b) in itertools.combinations(texts, 2):
        crossing = a.x0 + 1 < b.x1 and b.x0 + 1 < a.x1 and a.y0 + 1 < b.y1 and b.y0 + 1 < a.y1
        assert not crossing, (first, second)


def _drawn_texts(figure):
    """Each text the figure shows, with its box in pixels once drawn at 150 dpi (tick labels of
    ticks outside the axes' range are kept by matplotlib but not drawn, so they are left out)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure.set_dpi(150)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    ticks, drawn = set(), set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():
                drawn |= {id(label) for label in (tick.label1, tick.label2) if label.get_visible()}
    return [
        (text.get_text(), text.get_window_extent(renderer))
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and (id(text) not in ticks or id(text) in drawn)
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_no_text_runs_off_the_chart_or_over_another_at_either_size(document, name, size, language):
    """Wide (a screen, the PDF) and phone-wide, with long Chinese and English names: every title,
    label, legend, note and number lies inside the image and clear of every other (a title drawn
    above the axes crossed the villages' legend on a phone, and ran off its right edge in English)."""
    with charts.chart_style():
        figure = charts.CHARTS[name](_long_named(document, language), width=charts.SIZES[size])
        texts = _drawn_texts(figure)
        frame = figure.bbox
    assert figure.get_figwidth() == charts.SIZES[size]
    assert len(texts) > 10
    _assert_inside_and_apart(texts, frame)


MANY = {
    "zh": {
        "groups": ["村民群众", "社区居民", "街道机关工作人员", "县、街道人大代表和政协委员"],
        "bands": ["18–24岁", "25–34岁", "35–44岁", "45–54岁", "55–64岁", "65岁及以上"],
    },
    "en": {
        "groups": [
            "Villagers",
            "Community residents",
            "Sub-district office staff",
            "People's congress deputies",
        ],
        "bands": ["18–24", "25–34", "35–44", "45–54", "55–64", "65 and over"],
    },
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_the_names_under_many_bars_stay_apart(document, size, language):
    """A survey of another shape (the audit's: four groups shown, six age bands): the names under
    the bars were wrapped at a fixed 8 characters (14 letters) whatever the room, so under four
    bars "街道机关工作人员" ran into "县、街道人大代表…" and "55–64岁" into "65岁及以上"."""
    names = MANY[language]
    shaped = {
        **_long_named(document, language),
        "by_group": [_cell(f"g{k}", n, 74 + 2 * k, n=40) for k, n in enumerate(names["groups"])],
        "by_age_band": [_cell(f"a{k}", n, 75 + k, n=30) for k, n in enumerate(names["bands"])],
    }
    with charts.chart_style():
        figure = charts.group_comparison(shaped, width=charts.SIZES[size])
        texts = _drawn_texts(figure)
        frame = figure.bbox
    assert any("以上" in text or "over" in text for text, _box in texts)
    _assert_inside_and_apart(texts, frame)


def test_on_a_phone_the_groups_and_age_bands_stand_one_above_the_other(document):
    wide = charts.group_comparison(document)
    phone = charts.group_comparison(document, width=charts.PHONE)
    (left, right), (top, bottom) = [[ax.get_position() for ax in f.axes] for f in (wide, phone)]
    assert left.x1 <= right.x0  # side by side on a screen
    assert bottom.y1 <= top.y0 and top.x0 == bottom.x0  # one above the other on a phone


def test_a_phone_sized_label_breaks_between_words_and_keeps_brackets_with_their_words():
    assert charts._fit("County and town people's congress deputies", 0.9, 8) == (
        "County and\ntown people's\ncongress\ndeputies"
    )
    assert charts._fit("待命名村（社区）14", 1.08, 9) == "待命名村\n（社区）14"
    assert charts._fit("经济发展满意度", 0.6, 7.5) == "经济发展\n满意度"  # as even as it can be
    assert charts._fit("经济发展", 3.0, 9) == "经济发展"


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_the_groups_chart_says_so_when_no_group_or_age_band_may_be_shown(document, size, language):
    """With every group and age band too small (or no response yet) the chart drew empty axes
    scaled 0.0–1.0 under the label 得分（0–100）; it now says why there is nothing, as the others do."""
    empty = {
        **document,
        "language": language,
        "by_group": [_cell("staff", "政府工作人员", 0, n=3, suppressed=True)],
        "by_age_band": [_cell("18-44", "18–44岁", 0, n=0, suppressed=True)],
    }
    figure = charts.group_comparison(empty, width=charts.SIZES[size])
    texts = " ".join(t.get_text() for t in figure.findobj(Text) if t.get_visible())
    said = "No group or age band score" if language == "en" else "没有可公布的群体或年龄段得分"
    assert said in texts, texts
    assert not any(ax.axison for ax in figure.axes), "no empty score axes"
    assert charts.render(figure, "png").startswith(b"\x89PNG")


VERY_LONG = {
    "zh": "大栗港社区" * 10 + "很长",
    "en": "Daligang Community with an extraordinarily long name that goes on and on and on and on",
}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_a_very_long_name_wraps_and_leaves_every_other_label_whole(document, name, size, language):
    """A village (item, dimension, group) named with 52 characters (the admin allows 100): on the
    wide chart (the PDF's, the page's on a screen) it ran off the image's left edge and constrained
    layout gave up, so every other village lost its rank and the start of its name ("家村（n=20）")."""
    long_named = _long_named(document, language)
    very_long = VERY_LONG[language]
    long_named["by_village"][3] = {**long_named["by_village"][3], "name": very_long}
    long_named["items"][0] = {**long_named["items"][0], "name": very_long}
    long_named["dimensions"][0] = {**long_named["dimensions"][0], "name": very_long}
    long_named["by_group"][0] = {**long_named["by_group"][0], "name": very_long}
    with charts.chart_style():
        figure = charts.CHARTS[name](long_named, width=charts.SIZES[size])
        texts = _drawn_texts(figure)
        frame = figure.bbox
    _assert_inside_and_apart(texts, frame)


# As long as a name may be (the admin allows 100 characters).
NINETY_SIX = {
    "zh": "大栗港社区" * 19 + "村",
    "en": "Daligang Community, with the first and second residents' groups of Lishanhe, named as one so far",
}


def _png_size(figure) -> tuple[int, int]:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(charts.render(figure, "png"))).size


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_a_very_long_village_name_is_cut_short_on_the_heat_map_not_every_row_made_taller(
    document, size, language
):
    """Every row of the heat map is as high as its tallest village name, and a name was wrapped
    onto as many lines as it took: one name of 96 characters (12 lines on a phone) made the demo
    survey's chart on a phone 5,484 px high instead of 1,404. It now takes at most three lines on a phone, two
    on a wide figure, the last ending in "…" (English after a whole word); the chart is as high as
    with a name that just fills those lines, and every other name is broken as before."""
    width = charts.SIZES[size]
    very_long = NINETY_SIX[language]
    assert len(very_long) == 96
    ordinary = _long_named(document, language)
    named = copy.deepcopy(ordinary)
    named["by_village"][3]["name"] = very_long
    figure = charts.village_dimension_heatmap(named, width=width)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    cut = labels[3].split("\n")
    assert len(cut) == (3 if size == "phone" else 2), cut
    assert cut[-1].endswith("…"), cut
    shown = (" " if language == "en" else "").join(cut).removesuffix("…")
    assert very_long.startswith(shown) and len(shown) >= 20, (shown, very_long)
    if language == "en":  # the cut falls between words
        assert very_long[len(shown)] in " ,", (shown, very_long)
    others = [v["name"] for k, v in enumerate(ordinary["by_village"][:16]) if k != 3]
    assert labels[:3] + labels[4:] == [charts._fit(n, width * 0.3, 9) for n in others]
    filled = copy.deepcopy(ordinary)
    filled["by_village"][3]["name"] = shown
    assert _png_size(figure)[1] == _png_size(charts.village_dimension_heatmap(filled, width=width))[1]
    assert _png_size(figure) == charts.chart_size(charts.village_dimension_heatmap, named, width=width)


def test_a_name_cut_short_ends_with_an_ellipsis_after_a_whole_word_or_any_chinese_character():
    # What takes no more lines than it may is broken as `_fit` breaks it.
    assert charts._clipped("待命名村（社区）14", 1.08, 9, 2) == charts._fit("待命名村（社区）14", 1.08, 9)
    assert charts._clipped("Village 14 (to be named)", 1.08, 9, 3) == "Village 14 (to\nbe named)"
    assert charts._clipped("待命名村（社区）14", 1.08, 9, 1) == "待命名村（社区…"
    assert charts._clipped("大栗港社区" * 5, 1.08, 9, 2) == "大栗港社区大栗港\n社区大栗港社区…"
    assert charts._clipped(NINETY_SIX["en"], 1.08, 9, 3) == "Daligang\nCommunity, with\nthe first and…"
    # Not "Community,…": the punctuation before the cut goes.
    assert charts._clipped(NINETY_SIX["en"], 1.08, 9, 2) == "Daligang\nCommunity…"
    # A word longer than the line is cut inside it rather than left out.
    assert charts._clipped("Daligangcommunitylishanhe and more", 1.08, 9, 1) == "Daligangcomm…"
    # What the label says after the name is kept whole: on its last line, or on lines of its own.
    assert charts._clipped("待命名村（社区）14", 1.08, 9, 2, "（n=20）") == "待命名村（社\n区）14（n=20）"
    assert charts._clipped("大栗港社区" * 5, 1.08, 9, 2, "（n=20）") == "大栗港社区大栗港\n社区大…（n=20）"
    assert (
        charts._clipped("大栗港社区" * 5, 1.08, 9, 2, "\nn=20") == "大栗港社区大栗港\n社区大栗港社区…\nn=20"
    )
    assert charts._clipped(NINETY_SIX["en"], 1.08, 9, 3, "\n(weight 0.25)") == (
        "Daligang\nCommunity, with\nthe first and…\n(weight 0.25)"
    )


def _row_labels(figure) -> list[str]:
    return [t.get_text() for t in figure.axes[0].get_yticklabels()]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
@pytest.mark.parametrize(
    "name, key, row", [("villages", "by_village", 3), ("items", "items", 0), ("dimensions", "dimensions", 0)]
)
def test_a_very_long_name_is_cut_short_beside_its_row_not_every_row_made_taller(
    document, name, key, row, size, language
):
    """As on the heat map, every row of the villages' ranking, the items' answers and the dimensions'
    scores is as high as its tallest label, and a name was wrapped onto as many lines as it took: one
    village named with 96 characters made the demo survey's ranking on a phone 5,106 px high instead
    of 1,434, one such item its answers 3,798 px instead of 918. The name now takes at most three
    lines on a phone, two on a wide figure, the last ending in "…" (English after a whole word); the
    village's rank and count, the dimension's weight stay whole; the chart is as high as with a name
    that just fills those lines, and every other label is as before."""
    chart, width, very_long = charts.CHARTS[name], charts.SIZES[size], NINETY_SIX[language]
    assert len(very_long) == 96
    marked = copy.deepcopy(_long_named(document, language))
    marked[key][row]["name"] = "甲"  # to learn what its label says around the name
    ordinary = _row_labels(chart(marked, width=width))
    at = next(k for k, label in enumerate(ordinary) if "甲" in label)
    before, after = ordinary[at].split("甲")
    named = copy.deepcopy(marked)
    named[key][row]["name"] = very_long
    figure = chart(named, width=width)
    labels = _row_labels(figure)
    assert labels[at].startswith(before) and labels[at].endswith(after), (labels[at], before, after)
    cut = labels[at].removesuffix(after).split("\n")
    assert len(cut) == (3 if size == "phone" else 2), cut
    assert cut[-1].endswith("…"), cut
    shown = (" " if language == "en" else "").join(cut).removeprefix(before).removesuffix("…")
    assert very_long.startswith(shown) and len(shown) >= 20, (shown, very_long)
    if language == "en":  # the cut falls between words
        assert very_long[len(shown)] in " ,", (shown, very_long)
    assert labels[:at] + labels[at + 1 :] == ordinary[:at] + ordinary[at + 1 :]
    filled = copy.deepcopy(marked)
    filled[key][row]["name"] = shown
    assert _png_size(figure)[1] == _png_size(chart(filled, width=width))[1]
    assert _png_size(figure) == charts.chart_size(chart, named, width=width)


def _bars_height(figure) -> float:
    """The height of the first panel's bars (their axes) once drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure).draw()
    return figure.axes[0].get_window_extent().height


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_a_very_long_group_name_is_cut_short_under_its_bar_not_the_bars_made_shorter(
    document, size, language
):
    """The groups' chart is as high whatever its names, and a group's name under its bar was wrapped
    onto as many lines as it took: one of 96 characters (12 lines) left the demo survey's bars on the
    wide chart 138 px high instead of 325. It now takes at most four lines, the last ending in "…",
    above its count; the bars are as high as with a name that just fills those lines, and every other
    name is as before."""
    width, very_long = charts.SIZES[size], NINETY_SIX[language]
    ordinary = _long_named(document, language)
    named = copy.deepcopy(ordinary)
    named["by_group"][0]["name"] = very_long
    figure = charts.group_comparison(named, width=width)
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    *cut, count = labels[0].split("\n")
    assert count == "n=40" and len(cut) == 4 and cut[-1].endswith("…"), labels[0]
    shown = (" " if language == "en" else "").join(cut).removesuffix("…")
    assert very_long.startswith(shown) and len(shown) >= 20, (shown, very_long)
    before = charts.group_comparison(ordinary, width=width)
    assert labels[1:] == [t.get_text() for t in before.axes[0].get_xticklabels()][1:]
    filled = copy.deepcopy(ordinary)
    filled["by_group"][0]["name"] = shown
    assert _bars_height(figure) == _bars_height(charts.group_comparison(filled, width=width))
    assert _png_size(figure) == charts.chart_size(charts.group_comparison, named, width=width)


@pytest.mark.parametrize("size", sorted(charts.SIZES))
@pytest.mark.parametrize("name", ["dimensions", "villages", "groups"])
def test_the_number_of_a_bar_of_100_is_written_beside_it_not_across_it(document, name, size):
    """A small village or group where everyone answered 满意 scores 100.00: its number was drawn at
    99.5 (99.6 over a column), across the end of its own bar."""
    full = {**_cell("east", "东村", 100.0), "ci95": None}
    perfect = {
        **document,
        "composite": {**document["composite"], "score": 100.0, "ci95": None},
        "dimensions": [{**d, "score": 100.0, "ci95": None} for d in document["dimensions"]],
        "by_village": [full, {**_cell("west", "西村", 99.0), "ci95": [96.0, 100.0]}],
        "by_group": [{**full, "code": "villager", "name": "村民群众"}],
        "by_age_band": [{**full, "code": "18-44", "name": "18–44岁"}],
    }
    with charts.chart_style():
        figure = charts.CHARTS[name](perfect, width=charts.SIZES[size])
        texts = _drawn_texts(figure)
        renderer = figure.canvas.get_renderer()
        # Each bar as drawn: cut to its axes (a column from 0 is drawn from the axis' start).
        bars = [
            Bbox.intersection(p.get_window_extent(renderer), ax.bbox)
            for ax in figure.axes
            for p in ax.patches
        ]
        bars = [bar for bar in bars if bar is not None]
        frame = figure.bbox
    numbers = [(text, box) for text, box in texts if text in ("100.00", "99.00")]
    assert numbers
    for text, box in numbers:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 + 0.5 and box.y1 <= frame.y1 + 0.5, text
        for bar in bars:
            crossing = (
                box.x0 + 1 < bar.x1 and bar.x0 + 1 < box.x1 and box.y0 + 1 < bar.y1 and bar.y0 + 1 < box.y1
            )
            assert not crossing, (text, box.bounds, bar.bounds)
    for text, box in texts:  # and clear of every other text (the panel titles above the columns)
        for other, other_box in numbers:
            if text != other and box is not other_box:
                crossing = (
                    box.x0 + 1 < other_box.x1
                    and other_box.x0 + 1 < box.x1
                    and box.y0 + 1 < other_box.y1
                    and other_box.y0 + 1 < box.y1
                )
                assert not crossing, (text, other)


ODD_NAMES = {
    "dimensions": "经济\t发展⭐\ufe0f",
    "items": "收入\n（家庭）\u200b",
    "options": "满意😀",
    "by_village": "东\t村🌾🥰",
    "by_group": "村民\x07群众✅",
    "by_age_band": "18–44岁\u2028",
}


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_names_with_tabs_line_breaks_and_emoji_are_drawn_without_a_box(document, name):
    """Names saved before they were kept on one line, or with an emoji: a tab, a line break, a
    zero-width space, a bell or an emoji the CJK font lacks was drawn as an empty box. Emoji come
    from Symbola (fonts-symbola); what no font has (🥰, newer than Unicode 9; a variation selector)
    is left out."""
    import warnings

    assert charts.symbol_font(), "Symbola missing: run scripts/system-deps (Debian package fonts-symbola)"
    odd = {
        key: [{**cells[0], "name": ODD_NAMES[key]}, *cells[1:]]
        for key, cells in document.items()
        if key in ODD_NAMES
    }
    figure = charts.CHARTS[name]({**document, **odd})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.render(figure, "png")
        charts.render(figure, "svg")
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    drawn = " ".join(t.get_text() for t in figure.findobj(Text) if t.get_visible())
    shown = {
        "dimensions": ["经济 发展⭐"],
        "items": ["收入 （家庭）", "满意😀"],
        "villages": ["东 村🌾"],
        "heatmap": ["经济 发展⭐", "东 村🌾"],
        "groups": ["村民 群众✅", "18–44岁"],
    }[name]
    for text in shown:
        assert text.replace(" ", "") in drawn.replace(" ", "").replace("\n", ""), (text, drawn)
    assert not {"\t", "\x07", "\u200b", "\u2028", "\ufe0f", "🥰"} & set(drawn), drawn


HEAT_MAP_DIMENSIONS = {
    "demo": {  # the demo survey's
        "zh": ["经济发展满意度", "生态环境健康度", "居住生活安全度", "政府履职满意度"],
        "en": [
            "Economic development",
            "Ecological environment",
            "Housing and public safety",
            "Government performance",
        ],
    },
    "phrases": {
        "zh": [
            "经济发展与家庭收入满意度",
            "生态环境与村容村貌健康度",
            "住房道路与日常生活安全度",
            "乡镇政府依法履职满意度",
        ],
        "en": [
            "Satisfaction with economic development and household income",
            "Health of the ecological environment and village sanitation",
            "Safety of housing, roads and daily life in the village",
            "Satisfaction with how the town government performs its duties",
        ],
    },
}


def _outline(box) -> np.ndarray:
    """A box's corners in order around it."""
    return box.corners()[[0, 1, 3, 2]]


def _text_outline(text, renderer) -> np.ndarray:
    """The corners of a text's box as drawn, turned with it: a slanted heading's own box, not the
    upright one around it (which takes in its neighbours')."""
    angle = text.get_rotation()
    assert angle == 0 or text.get_rotation_mode() == "anchor"  # turned about its anchor, laid out
    text.set_rotation(0)
    upright = text.get_window_extent(renderer)
    text.set_rotation(angle)
    anchor = text.get_transform().transform(text.get_position())
    outline = Affine2D().rotate_deg_around(*anchor, angle).transform(_outline(upright))
    drawn = text.get_window_extent(renderer)  # the upright box around it, as matplotlib has it
    assert np.allclose([*outline.min(axis=0), *outline.max(axis=0)], drawn.extents, atol=1.0)
    return outline


def _apart(a: np.ndarray, b: np.ndarray, gap: float) -> bool:
    """Whether two convex outlines are at least `gap` pixels apart: across some side of either,
    each lies wholly on its own side with `gap` between (for upright boxes: across or down)."""
    for outline in (a, b):
        for start, end in zip(outline, np.roll(outline, -1, axis=0), strict=True):
            normal = np.array([end[1] - start[1], start[0] - end[0]]) / np.hypot(*(end - start))
            first, second = a @ normal, b @ normal
            if first.max() + gap <= second.min() or second.max() + gap <= first.min():
                return True
    return False


@pytest.mark.parametrize("dimensions", sorted(HEAT_MAP_DIMENSIONS))
@pytest.mark.parametrize("row", [0, 3])
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_the_heat_maps_headings_stand_clear_of_each_other_the_cells_and_the_names(
    document, size, language, row, dimensions
):
    """Four dimensions (the demo survey's, or long phrases) over 16 villages, one with a very long
    name (the names' column at its widest, the dimensions' columns at their narrowest). The headings
    were fitted to their column's whole width on a phone, and to 14 characters whatever the width on
    a screen, so that in English neighbours touched ("Economic development" and "Ecological
    environment"), and they sat 3.5 pt over the cells; then, kept apart, a word wider than its
    column ("development") was set smaller, down to 5 pt on a phone. Now each heading is set at the
    chart's size for them, broken only between words in English, and stands at least 0.1 in from
    the next, and 0.06 in from the cells, the names and the title, inside the image — slanted where
    a word is wider than its column."""
    long_named = _long_named(document, language)
    codes = [f"d{k}" for k in range(4)]
    named = HEAT_MAP_DIMENSIONS[dimensions][language]
    long_named["dimensions"] = [
        {**document["dimensions"][0], "code": code, "name": name}
        for code, name in zip(codes, named, strict=True)
    ]
    villages = long_named["by_village"]
    for k, village in enumerate(villages):
        if not village["suppressed"]:
            villages[k] = {**village, "dimensions": {code: 85.0 + j + k % 5 for j, code in enumerate(codes)}}
    villages[row] = {**villages[row], "name": VERY_LONG[language]}
    with charts.chart_style():
        figure = charts.village_dimension_heatmap(long_named, width=charts.SIZES[size])
        texts = _drawn_texts(figure)
        renderer = figure.canvas.get_renderer()
        ax = figure.axes[0]
        labels = [t for t in ax.get_xticklabels() if t.get_text()]
        headings = [_text_outline(t, renderer) for t in labels]
        names = [_outline(t.get_window_extent(renderer)) for t in ax.get_yticklabels() if t.get_text()]
        cells = ax.get_images()[0].get_window_extent(renderer)
        title = next(_outline(box) for text, box in texts if text == charts.TEXT[language]["heatmap_title"])
        frame = figure.bbox
    inch = figure.dpi
    assert len(headings) == 4 and len(names) == 16
    for label, name in zip(labels, named, strict=True):
        assert label.get_fontsize() >= (7.5 if size == "phone" else 9), (name, label.get_fontsize())
        lines = label.get_text().split("\n")
        assert (" " if language == "en" else "").join(lines) == name, lines
    for left, right in itertools.pairwise(headings):
        assert _apart(left, right, 0.1 * inch), (left, right)
    for heading in headings:
        assert heading[:, 1].min() - cells.y1 >= 0.06 * inch, (heading, cells.bounds)
        assert _apart(heading, title, 0.06 * inch), (heading, title)
        for name in names:
            assert _apart(heading, name, 0.06 * inch), (heading, name)
        assert frame.x0 <= heading[:, 0].min() and heading[:, 0].max() <= frame.x1, (heading, frame.bounds)
        assert heading[:, 1].max() <= frame.y1, (heading, frame.bounds)


def _changes(language: str) -> dict:
    """A year over year comparison as the evaluator page draws it: the composite, two dimensions
    and the items, with the longest names of the demo and of a questionnaire's longest item."""
    names = LONG_NAMES[language]
    long_item = {
        "zh": "基本医疗保障与乡镇卫生院、村卫生室的看病就医便利程度（含医保报销）",
        "en": "Medical care at the township hospital and the village clinics, including reimbursement",
    }[language]
    rows = [
        (
            "composite",
            "综合满意度" if language == "zh" else "Composite satisfaction",
            2.31,
            (0.52, 4.10),
            True,
        )
    ]
    rows += [
        ("dimension", n, d, ci, s)
        for n, d, ci, s in zip(
            names["dimensions"], (-1.2, 4.8), ((-3.9, 1.5), (1.9, 7.7)), (False, True), strict=True
        )
    ]
    rows += [
        ("item", n, d, ci, s)
        for n, d, ci, s in zip(
            [*names["items"], long_item],
            (-3.5, 0.4, 26.0),
            ((-6.9, -0.1), (-2.0, 2.8), (20.1, 31.9)),
            (True, False, True),
            strict=True,
        )
    ]
    return {
        "language": language,
        "base": {
            "zh": "桃江县大栗港镇人民政府 2019年度部门社会公众满意度问卷调查",
            "en": "Daligang Town Government, Taojiang County: 2019 public satisfaction survey",
        }[language],
        "rows": [
            {"name": name, "kind": kind, "difference": d, "ci95": list(ci), "significant": s}
            for kind, name, d, ci, s in rows
        ],
    }


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(charts.SIZES))
def test_the_changes_chart_keeps_its_text_inside_and_apart_and_its_size(size, language):
    document = _changes(language)
    figure = charts.score_changes(document, width=charts.SIZES[size])
    texts = _drawn_texts(figure)
    frame = Bbox.from_bounds(0, 0, *figure.canvas.get_width_height(physical=True))
    _assert_inside_and_apart(texts, frame)
    shown = " ".join(text for text, _box in texts)
    for number in ("+2.31", "−1.20", "+4.80", "−3.50", "+0.40", "+26.00"):
        assert number in shown
    assert ("显著（区间不含 0）" if language == "zh" else "Significant (interval excludes 0)") in shown
    assert _png_size(figure) == charts.chart_size(charts.score_changes, document, width=charts.SIZES[size])


def test_the_changes_chart_fills_the_significant_differences_and_leaves_the_others_hollow():
    document = _changes("zh")
    figure = charts.score_changes(document)
    ax = figure.axes[0]
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(points) == len(document["rows"])
    for point, row in zip(points, document["rows"], strict=True):
        assert point.get_xdata()[0] == row["difference"]
        filled = point.get_markerfacecolor() != "white"
        assert filled == row["significant"], row["name"]
    low, high = ax.get_xlim()
    assert low <= -6.9 and high >= 31.9  # every interval in view, and 0
    assert any(line.get_xdata()[0] == 0 for line in ax.get_lines() if line.get_linestyle() == "-")


def test_the_changes_chart_says_so_when_nothing_can_be_compared():
    document = {
        **_changes("zh"),
        "rows": [
            {
                "name": "综合满意度",
                "kind": "composite",
                "difference": None,
                "ci95": None,
                "significant": False,
            }
        ],
    }
    figure = charts.score_changes(document, width=charts.PHONE)
    assert "没有可比较的得分" in [text for text, _box in _drawn_texts(figure)]


def test_the_changes_chart_rounds_its_numbers_as_the_page_does():
    # Half up from the shortest decimal form, as the page's table (`signed`): 0.125 → +0.13, where
    # Python's format gives +0.12; a difference that rounds to nothing has no sign. The chart sets
    # a true minus, the page's table a hyphen.
    from stats.text import signed

    differences = (0.125, -1.2, 0.001, -0.004, 26.0)
    assert [signed(d, minus="−") for d in differences] == ["+0.13", "−1.20", "0.00", "0.00", "+26.00"]
    assert [signed(d) for d in differences] == ["+0.13", "-1.20", "0.00", "0.00", "+26.00"]
    assert signed(None) == "—"
    document = {
        "language": "zh",
        "base": "上一年",
        "rows": [
            {
                "name": "综合满意度",
                "kind": "composite",
                "difference": -1.2,
                "ci95": [-3, 0.6],
                "significant": False,
            }
        ],
    }
    assert "−1.20" in [text for text, _box in _drawn_texts(charts.score_changes(document))]
