"""Posters and paper sheets print names as the charts draw them: an emoji or a symbol the Chinese
font lacks comes from Symbola, a character no installed font has is left out, none prints as an
empty box. They were drawn with the Chinese font alone, so 🌾 in a village's name printed as a box
on the poster hung in that village and on every sheet handed out there."""

import warnings

import pytest

from surveys.models import AgeBand, Dimension, Group, Invitation, Item, Option, Village
from surveys.paper.pdf import paper_form_pdf
from surveys.respond.posters import poster_pdf, poster_png, poster_text
from surveys.services.paper import paper_sheets_print
from tests.surveys.test_paper_form import pages_as_png, pdf_text

pytestmark = pytest.mark.django_db

RICE = "🌾"  # U+1F33E: Symbola has it, Noto Sans CJK does not
AIR = "🜁"  # U+1F701, an alchemical symbol: Symbola only
MELTING = "🫠"  # U+1FAE0 (Unicode 14): in neither font


@pytest.fixture
def invitation(survey):
    """The fixture survey with names holding characters the Chinese font does not have."""
    Village.objects.filter(survey=survey, code="east").update(name=f"东村{RICE}{MELTING}")
    Group.objects.filter(survey=survey, code="villager").update(name=f"村民群众{AIR}")
    AgeBand.objects.filter(survey=survey).update(label=f"老年{RICE}")
    Dimension.objects.filter(survey=survey).update(name=f"经济发展{AIR}")
    Item.objects.filter(survey=survey, code="income").update(text=f"家庭收入{RICE}")
    Option.objects.filter(survey=survey, code="satisfied").update(label=f"满意{AIR}{MELTING}")
    survey.title = f"山村镇满意度调查{RICE}"
    survey.save()
    return Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")


def _missing_glyphs(render):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = render()
    return result, [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_poster_prints_symbols_and_emoji_from_the_fallback_font_and_leaves_out_what_no_font_has(
    invitation, tmp_path
):
    text = poster_text(invitation)
    assert text.place == f"东村{RICE} · 村民群众{AIR}"
    pdf, missing = _missing_glyphs(lambda: poster_pdf(text))
    assert missing == []
    out = tmp_path / "poster.pdf"
    out.write_bytes(pdf)
    printed = pdf_text(out)
    assert f"东村{RICE}·村民群众{AIR}" in printed and f"山村镇满意度调查{RICE}" in printed
    assert MELTING not in printed
    _png, missing = _missing_glyphs(lambda: poster_png(text, dpi=40))
    assert missing == []


def test_a_paper_sheet_prints_every_name_without_boxes(invitation, tmp_path):
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    pdf, missing = _missing_glyphs(lambda: paper_form_pdf([sheet]))
    assert missing == []
    out = tmp_path / "sheet.pdf"
    out.write_bytes(pdf)
    printed = pdf_text(out)
    for name in (
        f"东村{RICE}",
        f"村民群众{AIR}",
        f"老年{RICE}",
        f"经济发展{AIR}",
        f"家庭收入{RICE}",
        f"满意{AIR}",
    ):
        assert name in printed, name
    assert MELTING not in printed
    assert len(pages_as_png(out, tmp_path, dpi=40)) == 1


def _top_half(pdf: bytes, tmp_path, name: str) -> bytes:
    """The pixels of the upper half of the PDF's first page as poppler rasterises it."""
    from PIL import Image

    out = tmp_path / f"{name}.pdf"
    out.write_bytes(pdf)
    folder = tmp_path / name
    folder.mkdir()
    page = Image.open(pages_as_png(out, folder, dpi=60)[0])
    return page.crop((0, 0, page.width, page.height // 2)).tobytes()


def test_each_emoji_prints_as_itself_not_as_another(invitation, tmp_path):
    """matplotlib's Type 3 fonts name a glyph beyond U+FFFF by the font's glyph name, which Symbola
    leaves empty for its emoji: every one of them printed as the same one (🌾 as 🜁). With 🌾 the
    only such character, 🜁 added to the organisation at the foot of the page must not change the
    title and the village at the top."""
    Group.objects.filter(survey=invitation.survey).update(name="村民群众")
    Dimension.objects.filter(survey=invitation.survey).update(name="经济发展")
    Option.objects.filter(survey=invitation.survey).update(label="满意")
    [sheet] = paper_sheets_print(invitation=invitation, count=1)
    poster, form = poster_pdf(poster_text(invitation)), paper_form_pdf([sheet])
    invitation.survey.organisation += AIR
    invitation.survey.save()
    assert _top_half(poster, tmp_path, "poster") == _top_half(
        poster_pdf(poster_text(invitation)), tmp_path, "poster-air"
    )
    assert _top_half(form, tmp_path, "form") == _top_half(paper_form_pdf([sheet]), tmp_path, "form-air")


def test_a_name_with_nothing_printable_prints_its_code(invitation):
    Village.objects.filter(pk=invitation.village_id).update(name=MELTING)
    invitation.refresh_from_db()
    assert poster_text(invitation).place == f"east · 村民群众{AIR}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_the_chinese_font_posters_and_sheets_are_refused_before_anything_is_written(
    survey, tmp_path, monkeypatch, lang
):
    """In the command's language; no folder made, no sheet numbered."""
    import io

    from django.core.management import CommandError, call_command

    from stats.charts import ChartFontMissing
    from surveys.models import PaperSheet
    from surveys.respond import posters

    def missing():
        raise ChartFontMissing("none")

    monkeypatch.setattr(posters, "cjk_font", missing)
    expected = {
        "zh": "没有找到中文字体 Noto Sans CJK SC。请运行 scripts/system-deps 安装 fonts-noto-cjk。",
        "en": "No Chinese font (Noto Sans CJK SC) was found. Run scripts/system-deps to install fonts-noto-cjk.",
    }[lang]
    for args in (
        ["posters", survey.slug, "-o", str(tmp_path / "posters")],
        [
            "paper_forms",
            survey.slug,
            "--invitation",
            f"{survey.slug}-east",
            "--count",
            "2",
            "-o",
            str(tmp_path / "s.pdf"),
        ],
    ):
        with pytest.raises(CommandError) as refused:
            call_command(*args, "--lang", lang, stdout=io.StringIO(), stderr=io.StringIO())
        assert str(refused.value) == expected
    assert list(tmp_path.iterdir()) == [] and PaperSheet.objects.count() == 0
