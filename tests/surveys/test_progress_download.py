"""The staff page's counts as an Excel workbook (staff/<slug>/progress.xlsx): every quota still
behind, most urgent first, and every cell's count — the same figures as the page."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from surveys.dashboard.views import MISSING_SHOWN
from surveys.models import AgeBand, Group, Quota, Response, SurveyMembership, Village
from surveys.selectors_progress import survey_progress
from tests.surveys.staff_factories import PASSWORD, make_member, make_response

pytestmark = pytest.mark.django_db


def _client(survey, role=SurveyMembership.Role.STAFF) -> Client:
    client = Client()
    assert client.login(username=make_member(survey, f"clerk-{role}", role).username, password=PASSWORD)
    return client


def _rows(sheet) -> tuple[list[str], list[tuple]]:
    """The notes above the table (column A) and the table's rows, its header first."""
    values = list(sheet.iter_rows(values_only=True))
    blank = values.index(tuple([None] * sheet.max_column))
    return [row[0] for row in values[:blank]], values[blank + 1 :]


def test_the_workbook_lists_what_is_missing_and_every_cells_count_as_the_page(quotas):
    make_response(quotas, village="east")
    make_response(quotas, village="east")
    make_response(quotas, village="east", excluded=True, flags=[{"code": "speeder", "reason": "快"}])
    make_response(quotas, village="west", flags=[{"code": "straight_lining", "reason": "同"}])
    for _ in range(2):
        make_response(quotas, village="west")
    make_response(quotas, village="west", age_band="45+")
    make_response(quotas, group="staff", village=None, age_band=None)

    answer = _client(quotas).get("/staff/hill-2024/progress.xlsx")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer["Content-Disposition"] == 'attachment; filename="hill-2024-progress.xlsx"'
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["尚缺", "配额进度", "邀请链接"]
    notes, rows = _rows(book["尚缺"])
    assert notes[0].endswith(" · 收集进度")
    # 8 stored, 1 excluded; the quotas ask 3 + 2 + 4 + 2 = 11; west 18–44 is over by one, which
    # does not make up for the others: 2 + 2 + 1 + 1 = 6 towards them, 5 missing.
    assert "已收答卷 7 份（剔除 1 份不计），配额共 11 份，计入配额 6 份（54.5%），共缺 5 份。" in notes
    assert rows == [
        ("序号", "村（社区）", "受访群体", "年龄段", "配额", "已收", "尚缺"),
        (1, "西村", "村民群众", "45岁及以上", 4, 1, 3),  # three quarters missing
        (2, None, "政府工作人员", None, 2, 1, 1),  # a half
        (3, "东村", "村民群众", "18–44岁", 3, 2, 1),  # a third
    ]
    progress = survey_progress(quotas)
    assert [row[1:4] for row in rows[1:]] == [
        (c.village.name if c.village else None, c.group.name, c.age_band.label if c.age_band else None)
        for c in progress.missing
    ], "the page's order"
    notes, rows = _rows(book["配额进度"])
    assert rows == [
        ("村（社区）", "受访群体", "年龄段", "配额", "已收", "剔除", "尚缺", "完成率", "状态", "有标记"),
        ("东村", "村民群众", "18–44岁", 3, 2, 1, 1, 2 / 3, "未完成", 1),  # the excluded one's flag too
        ("西村", "村民群众", "18–44岁", 2, 3, 0, 0, 1.5, "超额", 1),
        ("西村", "村民群众", "45岁及以上", 4, 1, 0, 3, 0.25, "未完成", 0),
        (None, "政府工作人员", None, 2, 1, 0, 1, 0.5, "未完成", 0),
    ]
    assert book["配额进度"].cell(row=len(notes) + 3, column=8).number_format == "0.0%"
    header = len(notes) + 2
    assert book["配额进度"].auto_filter.ref == f"A{header}:J{header + 4}", "a village picks its rows out"
    missing_header = len(_rows(book["尚缺"])[0]) + 2
    assert book["尚缺"].auto_filter.ref == f"A{missing_header}:G{missing_header + 3}"
    assert not any("合成演示数据" in note for note in notes)


def test_every_quota_behind_is_listed_not_only_those_the_page_shows(survey):
    villager = Group.objects.get(survey=survey, code="villager")
    young = AgeBand.objects.get(survey=survey, code="18-44")
    for n in range(MISSING_SHOWN + 5):
        village = Village.objects.create(survey=survey, code=f"v{n:02}", name=f"新村{n:02}", order=10 + n)
        Quota.objects.create(survey=survey, group=villager, village=village, age_band=young, target=2)

    book = load_workbook(io.BytesIO(_client(survey).get("/staff/hill-2024/progress.xlsx").content))

    _notes, rows = _rows(book["尚缺"])
    assert len(rows) - 1 == MISSING_SHOWN + 6, "the 25 new villages and 东村's quota"
    assert len(survey_progress(survey).missing) == MISSING_SHOWN + 6


def test_a_survey_without_quotas_says_so_and_lists_the_combinations_that_came_in(survey):
    Quota.objects.filter(survey=survey).delete()
    make_response(survey, village="west", age_band="45+")

    book = load_workbook(io.BytesIO(_client(survey).get("/staff/hill-2024/progress.xlsx").content))

    notes, rows = _rows(book["尚缺"])
    assert "已收答卷 1 份（剔除 0 份不计）；还没有设置配额。" in notes
    assert any(note and note.startswith("还没有设置配额：在管理后台") for note in notes)
    assert rows == [("序号", "村（社区）", "受访群体", "年龄段", "配额", "已收", "尚缺")]
    _notes, rows = _rows(book["配额进度"])
    assert rows[1:] == [("西村", "村民群众", "45岁及以上", None, 1, 0, None, None, "无配额", 0)]


def test_synthetic_responses_are_said_and_a_name_like_a_formula_stays_text(quotas):
    Village.objects.filter(survey=quotas, code="east").update(name="=HYPERLINK(1)")
    make_response(quotas, village="east")
    Response.objects.update(source=Response.Source.SYNTHETIC)

    book = load_workbook(io.BytesIO(_client(quotas).get("/staff/hill-2024/progress.xlsx").content))

    notes, rows = _rows(book["配额进度"])
    assert "注意：1 份答卷为合成演示数据，并非真实调查结果。" in notes
    cell = book["配额进度"].cell(row=len(notes) + 3, column=1)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_evaluators_get_it_in_english_and_the_page_links_to_it(quotas):
    Village.objects.filter(survey=quotas, code="west").update(name_en="West village")
    make_response(quotas, village="west", age_band="45+")
    client = _client(quotas, SurveyMembership.Role.EVALUATOR)

    book = load_workbook(io.BytesIO(client.get("/staff/hill-2024/progress.xlsx?lang=en").content))

    assert book.sheetnames == ["Missing", "Quota progress", "Invitation links"]
    notes, rows = _rows(book["Missing"])
    assert rows[0] == (
        "No.",
        "Village (community)",
        "Respondent group",
        "Age band",
        "Quota",
        "Received",
        "Missing",
    )
    assert [row[1] for row in rows[1:]] == ["东村", "West village", None, "West village"]
    assert (
        "Responses received: 1 (excluded, not counted: 0). Quotas: 11; filled: 1 (9.1%); missing: 10."
        in notes
    )
    _notes, rows = _rows(book["Quota progress"])
    assert rows[0][4:] == ("Received", "Excluded", "Missing", "Completion", "Status", "Flagged")
    page = client.get("/staff/hill-2024/").content.decode()
    assert (
        'href="/staff/hill-2024/progress.xlsx" id="progress-download" download>Download the progress table (Excel)'
        in page
    )


def test_each_links_responses_and_state_and_its_address_for_those_who_hand_links_out(survey):
    """A link nobody answered through may not have reached its village: the third sheet says
    each link's responses; staff get the address to forward, evaluators (offered no links on the
    page) do not; a switched-off link's address is not given."""
    from surveys.models import Invitation

    live = Invitation.objects.get(survey=survey)
    Invitation.objects.create(
        survey=survey, group=live.group, village=live.village, token="hill-off", is_active=False
    )
    make_response(survey, invitation=live)
    make_response(survey, invitation=live)

    for role, addressed in ((SurveyMembership.Role.STAFF, True), (SurveyMembership.Role.EVALUATOR, False)):
        book = load_workbook(io.BytesIO(_client(survey, role).get("/staff/hill-2024/progress.xlsx").content))
        _notes, rows = _rows(book["邀请链接"])
        assert rows[0] == ("链接", "答卷", "状态", "问卷地址", "邀请码")
        by_token = {row[4]: row for row in rows[1:]}
        assert by_token["hill-off"][:4] == ("东村 · 村民群众", 0, "已停用", None)
        assert by_token[live.token][:3] == ("东村 · 村民群众", 2, "可用")
        assert by_token[live.token][3] == (live.url if addressed else None), role
