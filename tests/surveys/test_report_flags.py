"""The evaluator's downloads and page say what became of the responses with a data-quality flag:
how many were flagged, excluded, checked by staff and kept, and how many still count unchecked —
the same counts in the PDF, the XLSX, the CSV and the page, and frozen with a publication."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from surveys.models import Response, Survey, SurveyMembership
from surveys.reports.csv import report_csv_sample
from surveys.selectors_review import ReviewNarrowing, responses_for_review
from surveys.services.review import response_exclude, response_keep
from tests.surveys.report_helpers import answer, member
from tests.surveys.test_evaluator_pages import _browser, _pdf_text, _sample_card, _summary_sheet

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
STAFF = SurveyMembership.Role.STAFF
STRAIGHT = [{"code": "straight_lining", "reason": "所答 3 道题全部选择“满意”。"}]


@pytest.fixture
def flagged(survey):
    """12 responses, 4 flagged: one excluded, one checked and kept, two unchecked; and one
    response excluded without a flag."""
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    Response.objects.filter(survey=survey).update(flags=[])  # the import's own, set aside
    responses = list(Response.objects.filter(survey=survey).order_by("pk"))
    for response in responses[:4]:
        Response.objects.filter(pk=response.pk).update(flags=STRAIGHT)
        response.refresh_from_db()
    staff = member("zhang", survey, STAFF)
    response_exclude(response=responses[0], user=staff, reason="回访得知本人未作答")
    response_keep(response=responses[1], user=staff, reason="")
    response_exclude(response=responses[5], user=staff, reason="重复作答")
    return survey


def _csv_sample_rows(body: bytes) -> dict:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return {row["code"]: int(row["n"]) for row in rows if row["table"] == "sample"}


def test_every_download_and_the_page_state_what_became_of_the_flagged_responses(flagged, tmp_path):
    sentence = "4 份答卷带数据质量标记（一律同答、用时过短等，只是提示，不自动剔除）：剔除 1 份，工作人员核实后保留 1 份，未核实、仍计入得分 2 份。"
    assert sentence.replace(" ", "") in _pdf_text(flagged, "zh", tmp_path).replace(
        " ", ""
    )  # lines break anywhere
    english = _pdf_text(flagged, "en", tmp_path)
    assert "4 responses carry a data-quality flag" in english and "2 unchecked and still counted" in english

    evaluator = member("li", flagged, EVALUATOR)
    api = APIClient()
    api.force_authenticate(evaluator)
    summary = _summary_sheet(api.get(f"/api/v1/surveys/{flagged.slug}/report.xlsx").content)
    assert [
        summary[k]
        for k in ("剔除答卷", "带数据质量标记的答卷", "其中剔除", "其中核实后保留", "其中未核实、仍计入得分")
    ] == [
        2,
        4,
        1,
        1,
        2,
    ]
    body = api.get(f"/api/v1/surveys/{flagged.slug}/report.csv").content
    rows = _csv_sample_rows(body)
    assert {
        k: rows[k] for k in ("excluded", "flagged", "flagged_excluded", "flagged_kept", "flagged_unchecked")
    } == {
        "excluded": 2,
        "flagged": 4,
        "flagged_excluded": 1,
        "flagged_kept": 1,
        "flagged_unchecked": 2,
    }
    read_back = report_csv_sample(body)
    assert (read_back.flagged, read_back.flagged_excluded, read_back.flagged_kept) == (4, 1, 1)
    card = _sample_card(_browser(evaluator).get(f"/evaluate/{flagged.slug}/").content.decode())
    assert sentence in card


def test_a_survey_without_flags_says_so(survey, tmp_path):
    answer(survey, 6, village="east")
    Response.objects.filter(survey=survey).update(flags=[])  # the import's own, set aside
    assert "没有答卷带数据质量标记" in _pdf_text(survey, "zh", tmp_path).replace(" ", "")


def test_a_publication_keeps_its_flagged_counts_and_one_made_before_they_were_stated_shows_none(flagged):
    from surveys.models import PublishedReport

    Survey.objects.filter(pk=flagged.pk).update(status=Survey.Status.CLOSED)
    client = _browser(member("li", flagged, EVALUATOR))
    client.post(f"/evaluate/{flagged.slug}/publish/")
    # After publication staff keep the other two: the published page still says two unchecked.
    wang = member("wang", flagged, STAFF)
    for response in responses_for_review(flagged, narrowing=ReviewNarrowing(to_check=True)).object_list:
        response_keep(response=response, user=wang, reason="")
    card = _sample_card(client.get(f"/evaluate/{flagged.slug}/").content.decode())
    assert "未核实、仍计入得分 2 份" in card, card
    # A publication whose CSV predates the flagged counts: the page states none rather than 0.
    published = PublishedReport.objects.get(survey=flagged)
    old = "".join(
        line
        for line in bytes(published.csv).decode("utf-8-sig").splitlines(keepends=True)
        if ",flagged" not in line
    )
    PublishedReport.objects.filter(pk=published.pk).update(csv=("\ufeff" + old).encode(), csv_en=b"")
    assert report_csv_sample(("\ufeff" + old).encode()).flagged is None
    card = _sample_card(client.get(f"/evaluate/{flagged.slug}/").content.decode())
    assert "数据质量标记" not in card and "回收 12" in card, card
