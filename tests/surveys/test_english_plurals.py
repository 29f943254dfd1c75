"""English counts of one are singular ("1 village", "1 response") where a text states a count
that can be 1: the PDF's design paragraph, the synthetic-data note (page and XLSX), the
k-anonymity note of the raw data, restore_survey's summary. Chinese has one form for both."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

from surveys.reports.pdf import _stratum

NOTE = "注意：%(n)s 份答卷为合成演示数据，并非真实调查结果。"


def stratum_text(lang: str, psu_is: str, psu: int) -> str:
    data = SimpleNamespace(names={"group": {"staff": "政府工作人员" if lang == "zh" else "Government staff"}})
    with translation.override(lang):
        return _stratum(data, {"group": "staff", "psu_is": psu_is, "psu": psu})


@pytest.mark.parametrize(
    ("psu_is", "psu", "english"),
    [
        ("village", 1, "Government staff: 1 village"),
        ("village", 17, "Government staff: 17 villages"),
        ("respondent", 1, "Government staff: 1 respondent"),
        ("respondent", 40, "Government staff: 40 respondents"),
    ],
)
def test_the_pdfs_design_paragraph_counts_in_the_singular_for_one(psu_is, psu, english):
    assert stratum_text("en", psu_is, psu) == english
    assert stratum_text("zh", psu_is, psu) == f"政府工作人员：{psu} " + (
        "个村" if psu_is == "village" else "个受访者"
    )


@pytest.mark.parametrize("n", [1, 400])
def test_the_synthetic_note_is_the_same_sentence_on_the_page_and_in_the_xlsx(n):
    page = Template(
        "{% load i18n %}{% blocktranslate count n=n %}注意：{{ n }} 份答卷为合成演示数据，并非真实调查结果。"
        "{% plural %}注意：{{ n }} 份答卷为合成演示数据，并非真实调查结果。{% endblocktranslate %}"
    )
    with translation.override("en"):
        rendered = page.render(Context({"n": n}))
        assert rendered == ngettext(NOTE, NOTE, n) % {"n": n}  # the XLSX's call
    expected = {
        1: "Note: 1 response is synthetic demonstration data, not a real survey result.",
        400: "Note: 400 responses are synthetic demonstration data, not real survey results.",
    }
    assert rendered == expected[n]
    with translation.override("zh-hans"):
        assert page.render(Context({"n": n})) == f"注意：{n} 份答卷为合成演示数据，并非真实调查结果。"


@pytest.mark.django_db
def test_the_evaluator_page_says_1_response_is_synthetic_in_english(survey):
    from django.test import Client

    from surveys.models import Response, SurveyMembership
    from tests.surveys.report_helpers import answer, member

    answer(survey, 6)
    Response.objects.filter(pk=Response.objects.filter(survey=survey).first().pk).update(source="synthetic")
    client = Client()
    client.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    english = client.get(f"/evaluate/{survey.slug}/?lang=en").content.decode()
    assert "Note: 1 response is synthetic demonstration data, not a real survey result." in english
    chinese = client.get(f"/evaluate/{survey.slug}/?lang=zh").content.decode()
    assert "注意：1 份答卷为合成演示数据，并非真实调查结果。" in chinese


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "valid", "synthetic"),
    [
        (
            1,
            "1 valid response (scores out of 100)",
            "Note: 1 of the responses in this report is synthetic demo data",
        ),
        (
            6,
            "6 valid responses (scores out of 100)",
            "Note: 6 of the responses in this report are synthetic demo data",
        ),
    ],
)
def test_the_pdfs_cover_counts_one_response_in_the_singular(survey, tmp_path, count, valid, synthetic):
    """The English cover read "1 valid responses" under the composite, and "1 of the responses in
    this report are synthetic demo data … they must not be used"."""
    import shutil
    import subprocess

    from surveys.models import Response
    from surveys.reports import render_report
    from surveys.reports.data import report_data
    from tests.surveys.report_helpers import answer

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    answer(survey, count)
    Response.objects.filter(survey=survey).update(source="synthetic")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(report_data(survey, language="en"), "pdf"))
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    )
    cover = " ".join(text.stdout.split())
    assert valid in cover and synthetic in cover, cover
    path.write_bytes(render_report(report_data(survey), "pdf"))
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    )
    assert f"有效答卷 {count} 份" in " ".join(text.stdout.split())
