"""Paper questionnaires: numbered sheets and double entry by two staff members, resolved by a third."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from surveys.cache import survey_data_token
from surveys.models import AuditEntry, Invitation, PaperEntry, Response, Survey, SurveyMembership
from surveys.paper.selectors import paper_discrepancies, paper_sheet_find, paper_sheet_state, paper_summary
from surveys.services.paper import (
    PaperInvalid,
    PaperRefused,
    SheetNumberInvalid,
    _store_response,
    damm_digit,
    paper_discrepancy_resolve,
    paper_entry_save,
    paper_sheets_print,
    sheet_number,
    sheet_reference_parse,
)
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text
from tests.surveys.staff_factories import make_member, make_user

STAFF = SurveyMembership.Role.STAFF
ANSWERS = {"income": "satisfied", "roads": "basically_satisfied", "water": "dont_know"}


@pytest.fixture
def invitation(survey):
    return Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")


@pytest.fixture
def sheet(invitation):
    return paper_sheets_print(invitation=invitation, count=1)[0]


@pytest.fixture
def typists(survey):
    return make_member(survey, "xiaowang", STAFF), make_member(survey, "xiaoli", STAFF)


@pytest.fixture
def supervisor(survey):
    return make_member(survey, "zhuren", STAFF)


def enter(sheet, user, answers=None, age_band="18-44", **kwargs):
    return paper_entry_save(
        sheet=sheet, user=user, age_band=age_band, answers=dict(answers or ANSWERS), **kwargs
    )


def differing():
    return {**ANSWERS, "roads": "dissatisfied"}


# --- numbers -------------------------------------------------------------------------------------


def test_a_sheet_number_names_survey_sheet_and_check_digit():
    assert sheet_number(3, 12) == f"3-0012-{damm_digit('30012')}"


def test_the_check_digit_catches_every_single_mistyped_digit_and_adjacent_swap():
    body = "30012"
    check = damm_digit(body)
    for i in range(len(body)):
        for d in "0123456789":
            if d != body[i]:
                assert damm_digit(body[:i] + d + body[i + 1 :]) != check
    for i in range(len(body) - 1):
        swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
        if swapped != body:
            assert damm_digit(swapped) != check


@pytest.mark.parametrize(
    "typed", ["3-0012-{c}", "0012-{c}", "0012{c}", "12{c}", "12-{c}", " 3 - 0012 - {c} "]
)
def test_a_typed_number_may_leave_out_the_survey_and_the_dashes(typed):
    c = damm_digit("30012")
    assert sheet_reference_parse(typed.format(c=c), survey_id=3).sequence == 12


def test_a_number_with_a_wrong_check_digit_is_refused():
    wrong = (int(damm_digit("30012")) + 1) % 10
    with pytest.raises(SheetNumberInvalid, match="校验位"):
        sheet_reference_parse(f"0012-{wrong}", survey_id=3)


def test_a_number_of_another_survey_is_refused():
    with pytest.raises(SheetNumberInvalid, match="不属于这项调查"):
        sheet_reference_parse(sheet_number(4, 12), survey_id=3)


@pytest.mark.parametrize("scanned", ["{id}", "{id_upper}", "https://example.org/p/{id}/"])
def test_a_scanned_qr_code_names_the_response_id(scanned):
    rid = uuid.uuid4()
    text = scanned.format(id=rid, id_upper=str(rid).upper())
    assert sheet_reference_parse(text, survey_id=3).response_id == rid


def test_sheets_are_numbered_in_one_sequence_per_survey(survey, invitation):
    west = Invitation.objects.create(
        survey=survey, token="hill-west", group=invitation.group, village_id=None
    )
    first = paper_sheets_print(invitation=invitation, count=2)
    then = paper_sheets_print(invitation=west, count=1)
    assert [s.number for s in first + then] == [sheet_number(survey.pk, n) for n in (1, 2, 3)]
    assert len({s.response_id for s in first + then}) == 3


@pytest.mark.parametrize("count", [0, -1, 1001])
def test_printing_needs_a_sensible_count(invitation, count):
    with pytest.raises(ValueError):
        paper_sheets_print(invitation=invitation, count=count)


def test_a_sheet_is_found_by_its_number_or_its_qr_code(survey, sheet):
    short = sheet.number.split("-", 1)[1]
    assert paper_sheet_find(survey, short) == sheet
    assert paper_sheet_find(survey, str(sheet.response_id).upper()) == sheet
    with pytest.raises(SheetNumberInvalid, match="没有编号"):
        paper_sheet_find(survey, sheet_number(survey.pk, 99))


def test_the_scanned_qr_code_of_another_surveys_sheet_says_so(survey, sheet):
    """Not "this survey has no questionnaire numbered 3F2A…-…", the whole scanned text."""
    from tests.factories import make_survey

    other = make_survey("dale-2024")
    with pytest.raises(SheetNumberInvalid) as refused:
        paper_sheet_find(other, str(sheet.response_id).upper())
    assert str(refused.value) == (
        f"扫描的问卷 {sheet.number} 不属于这项调查（本调查的编号以 {other.pk}- 开头）。"
    )


# --- double entry --------------------------------------------------------------------------------


def test_the_first_entry_is_pending_and_not_counted(sheet, typists):
    result = enter(sheet, typists[0], keystrokes=5)
    assert (result.status, result.ordinal, result.response) == ("pending", 1, None)
    assert not Response.objects.exists()
    assert PaperEntry.objects.get().keystrokes == 5


def test_a_second_identical_entry_by_another_user_stores_the_response_once(survey, sheet, typists):
    enter(sheet, typists[0])
    result = enter(sheet, typists[1])
    assert (result.status, result.ordinal) == ("stored", 2)
    response = Response.objects.get()
    assert response.pk == sheet.response_id
    assert response.source == Response.Source.PAPER
    assert set(response.entered_by.all()) == set(typists)
    assert (response.invitation, response.group.code, response.village.code, response.age_band.code) == (
        sheet.invitation,
        "villager",
        "east",
        "18-44",
    )
    assert response.answers == "013"


def test_storing_a_sheet_changes_the_survey_data_token(
    survey, sheet, typists, django_capture_on_commit_callbacks
):
    before = survey_data_token(survey)
    enter(sheet, typists[0])
    with django_capture_on_commit_callbacks(execute=True):
        enter(sheet, typists[1])
    assert survey_data_token(survey) != before


def test_blank_answers_are_kept_blank(sheet, typists):
    blank = {**ANSWERS, "water": None}
    enter(sheet, typists[0], blank, age_band=None)
    enter(sheet, typists[1], blank, age_band=None)
    response = Response.objects.get()
    assert (response.answers, response.age_band) == ("01-", None)


def test_the_same_user_cannot_enter_a_sheet_twice(sheet, typists):
    enter(sheet, typists[0])
    with pytest.raises(PaperRefused, match="第二遍必须由另一位工作人员") as refusal:
        enter(sheet, typists[0])
    assert refusal.value.code == "already_entered"
    assert PaperEntry.objects.count() == 1


def test_different_entries_wait_for_resolution_and_name_the_differences(sheet, typists):
    enter(sheet, typists[0])
    result = enter(sheet, typists[1], differing(), age_band="45+")
    assert (result.status, result.differences) == ("discrepancy", ["age_band", "roads"])
    assert not Response.objects.exists()


def test_a_third_entry_of_a_discrepant_sheet_is_refused(survey, sheet, typists, supervisor):
    enter(sheet, typists[0])
    enter(sheet, typists[1], differing())
    with pytest.raises(PaperRefused, match="等待核对裁定"):
        enter(sheet, supervisor)
    with pytest.raises(PaperRefused, match="第二遍必须由另一位工作人员"):
        enter(sheet, typists[0])
    assert PaperEntry.objects.count() == 2


def test_a_stored_sheet_cannot_be_entered_again(sheet, typists, supervisor):
    enter(sheet, typists[0])
    enter(sheet, typists[1])
    with pytest.raises(PaperRefused, match="已录入完成并计入") as refusal:
        enter(sheet, supervisor)
    assert refusal.value.code == "stored"
    assert Response.objects.count() == 1


def test_the_response_id_decides_even_when_the_check_before_is_passed(sheet, typists):
    # As if a spreadsheet import stored the sheet between the look-up and the insert.
    responses_import_text(survey=sheet.survey, text=csv_text(csv_row(sheet.response_id)))
    with pytest.raises(PaperRefused, match="已录入完成并计入"):
        _store_response(
            sheet=sheet,
            version=Response.objects.get().version,
            age_band_id=None,
            answers="000",
            comment="",
            typists=[u.pk for u in typists],
        )
    assert Response.objects.count() == 1


def test_evaluators_and_outsiders_cannot_enter(survey, sheet):
    evaluator = make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        enter(sheet, evaluator)
    with pytest.raises(PermissionDenied):
        enter(sheet, make_user("passerby"))


def test_an_administrator_may_enter(sheet):
    assert enter(sheet, make_user("admin", superuser=True)).status == "pending"


def test_entries_with_unknown_codes_or_missing_items_are_refused(sheet, typists):
    with pytest.raises(PaperInvalid) as invalid:
        enter(sheet, typists[0], {"income": "great", "roads": None})
    assert set(invalid.value.errors) == {"answers.income", "answers.water"}
    with pytest.raises(PaperInvalid) as invalid:
        enter(sheet, typists[0], age_band="90+")
    assert set(invalid.value.errors) == {"age_band"}
    assert not PaperEntry.objects.exists()


def test_a_group_not_sampled_by_village_has_no_age_band(survey, typists):
    staff_group = Invitation.objects.create(
        survey=survey, token="hill-staff", group=survey.group_set.get(code="staff")
    )
    sheet = paper_sheets_print(invitation=staff_group, count=1)[0]
    with pytest.raises(PaperInvalid, match="不按年龄段抽样"):
        enter(sheet, typists[0], age_band="18-44")
    enter(sheet, typists[0], age_band=None)
    enter(sheet, typists[1], age_band=None)
    assert Response.objects.get().village is None


def test_a_published_survey_takes_no_more_paper(survey, sheet, typists):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.PUBLISHED)
    with pytest.raises(PaperRefused, match="已发布"):
        enter(sheet, typists[0])


def test_the_sheet_state_tells_each_user_which_entry_they_would_make(sheet, typists, supervisor):
    assert paper_sheet_state(sheet, typists[0]).ordinal == 1
    enter(sheet, typists[0])
    assert paper_sheet_state(sheet, typists[0]).status == "entered_by_you"
    assert paper_sheet_state(sheet, typists[1]).ordinal == 2
    enter(sheet, typists[1], differing())
    assert paper_sheet_state(sheet, supervisor).status == "awaiting_resolution"


# --- resolution ----------------------------------------------------------------------------------


def resolve(sheet, user, answers=None, age_band="18-44", reason="已核对纸质原件"):
    return paper_discrepancy_resolve(
        sheet=sheet, user=user, answers=dict(answers or ANSWERS), age_band=age_band, reason=reason
    )


@pytest.fixture
def discrepant(sheet, typists):
    enter(sheet, typists[0])
    enter(sheet, typists[1], differing(), age_band="45+")
    return sheet


def test_a_supervisor_stores_the_chosen_answers_once_with_an_audit_entry(discrepant, typists, supervisor):
    response = resolve(discrepant, supervisor)
    assert Response.objects.get() == response
    assert (response.pk, response.answers, response.age_band.code, response.source) == (
        discrepant.response_id,
        "013",
        "18-44",
        "paper",
    )
    assert set(response.entered_by.all()) == set(typists)
    audit = AuditEntry.objects.get()
    assert (audit.user, audit.action, audit.response, audit.reason) == (
        supervisor,
        "paper_resolved",
        response,
        "已核对纸质原件",
    )
    assert audit.details["sheet"] == discrepant.number
    assert audit.details["differences"] == ["age_band", "roads"]
    assert [(e["user"], e["age_band"], e["answers"]["roads"]) for e in audit.details["entries"]] == [
        ("xiaowang", "18-44", "basically_satisfied"),
        ("xiaoli", "45+", "dissatisfied"),
    ]
    assert audit.details["chosen"] == {"age_band": "18-44", "answers": ANSWERS, "comment": ""}


def test_the_supervisor_may_choose_what_neither_typist_entered(discrepant, supervisor):
    response = resolve(discrepant, supervisor, {**ANSWERS, "roads": None})
    assert response.answers == "0-3"


def test_a_typist_cannot_resolve_their_own_sheet(discrepant, typists):
    for typist in typists:
        with pytest.raises(PaperRefused, match="没有录入过这张问卷的工作人员或管理员"):
            resolve(discrepant, typist)
    assert not Response.objects.exists()


def test_an_administrator_who_typed_neither_entry_may_resolve(discrepant):
    assert resolve(discrepant, make_user("admin", superuser=True)).pk == discrepant.response_id


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_a_resolution_needs_a_reason(discrepant, supervisor, reason):
    with pytest.raises(PaperInvalid, match="裁定依据"):
        resolve(discrepant, supervisor, reason=reason)


def test_a_sheet_is_resolved_once_and_the_second_resolver_is_told_who_resolved_it(
    discrepant, supervisor, survey
):
    """Not "已录入完成并计入，不能再次录入", which speaks to a typist: a supervisor who comes
    second hears that the discrepancy was resolved, and by whom."""
    supervisor.first_name = "主任"
    supervisor.save()
    resolve(discrepant, supervisor)
    other = make_member(survey, "laozhang", STAFF)
    with pytest.raises(PaperRefused) as refusal:
        resolve(discrepant, other, differing())
    assert refusal.value.message == f"问卷 {discrepant.number} 的不一致已由 主任 裁定并计入，无需再裁定。"
    assert (Response.objects.count(), AuditEntry.objects.count()) == (1, 1)


def test_a_resolution_sent_twice_tells_the_resolver_it_was_theirs(discrepant, supervisor):
    resolve(discrepant, supervisor)  # the same form sent again from another tab
    with pytest.raises(PaperRefused, match="您已裁定过问卷 .*它已按您的裁定计入，无需再裁定"):
        resolve(discrepant, supervisor, differing())
    assert (Response.objects.count(), AuditEntry.objects.count()) == (1, 1)


def test_a_discrepant_sheet_imported_meanwhile_is_not_resolved_and_says_so(survey, discrepant, supervisor):
    responses_import_text(survey=survey, text=csv_text(csv_row(discrepant.response_id)))
    with pytest.raises(PaperRefused, match="已通过其他途径计入（如表格导入），无需再裁定"):
        resolve(discrepant, supervisor)
    assert not AuditEntry.objects.filter(action="paper_resolved").exists()


def test_a_resolution_that_loses_the_race_to_store_says_who_won(discrepant, supervisor, survey, monkeypatch):
    """Where the row lock is not available (SQLite), two resolutions may both find the sheet not
    stored: the response's primary key refuses the second, which is told it was resolved."""
    from surveys.services import paper

    resolve(discrepant, make_member(survey, "laozhang", STAFF))
    monkeypatch.setattr(paper, "_refuse_if_stored", lambda *args, **kwargs: None)
    with pytest.raises(PaperRefused, match="的不一致已由 laozhang 裁定并计入"):
        resolve(discrepant, supervisor)
    assert (Response.objects.count(), AuditEntry.objects.count()) == (1, 1)


def test_only_a_discrepant_sheet_is_resolved(sheet, typists, supervisor):
    with pytest.raises(PaperRefused, match="还没有录入两遍"):
        resolve(sheet, supervisor)
    enter(sheet, typists[0])
    with pytest.raises(PaperRefused, match="还没有录入两遍"):
        resolve(sheet, supervisor)


def test_evaluators_cannot_resolve(discrepant, survey):
    with pytest.raises(PermissionDenied):
        resolve(discrepant, make_member(survey, "pinggu", SurveyMembership.Role.EVALUATOR))


# --- selectors -----------------------------------------------------------------------------------


def test_the_discrepancies_list_both_entries_item_by_item(discrepant, survey):
    [found] = paper_discrepancies(survey)
    assert found.sheet == discrepant
    assert found.age_band_differs
    assert [(r.code, r.first, r.second, r.differs) for r in found.rows] == [
        ("income", "satisfied", "satisfied", False),
        ("roads", "basically_satisfied", "dissatisfied", True),
        ("water", "dont_know", "dont_know", False),
    ]
    assert found.differences == 2


def test_the_summary_counts_sheets_and_discrepancies_per_person(survey, invitation, typists, supervisor):
    a, b = typists
    sheets = paper_sheets_print(invitation=invitation, count=5)
    for s in sheets[:3]:
        enter(s, a)
    enter(sheets[0], b)  # agrees: stored
    enter(sheets[1], b, differing())  # disagrees: resolved in favour of a
    enter(sheets[2], b, differing())  # disagrees: waiting
    enter(sheets[3], b)  # typed once
    resolve(sheets[1], supervisor)
    summary = paper_summary(survey)
    assert {
        k: summary[k]
        for k in ("printed", "stored", "resolved", "pending", "awaiting_resolution", "not_entered")
    } == {
        "printed": 5,
        "stored": 2,
        "resolved": 1,
        "pending": 1,
        "awaiting_resolution": 1,
        "not_entered": 1,
    }
    assert summary["discrepancy_rate"] == pytest.approx(2 / 3)
    people = {p["username"]: p for p in summary["per_user"]}
    assert (
        people["xiaowang"]["entries"],
        people["xiaowang"]["compared"],
        people["xiaowang"]["discrepant"],
    ) == (3, 3, 2)
    assert (people["xiaoli"]["entries"], people["xiaoli"]["compared"], people["xiaoli"]["rate"]) == (
        4,
        3,
        pytest.approx(2 / 3),
    )
    assert (people["xiaowang"]["errors"], people["xiaoli"]["errors"]) == (0, 1)


def test_the_summary_takes_five_queries_however_many_sheets(
    survey, invitation, typists, django_assert_num_queries
):
    for s in paper_sheets_print(invitation=invitation, count=12):
        enter(s, typists[0])
        enter(s, typists[1])
    with django_assert_num_queries(5):
        paper_summary(survey)


# --- a spreadsheet batch -------------------------------------------------------------------------


def test_a_paper_batch_imported_twice_is_stored_once(survey, sheet, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(csv_text(csv_row(sheet.response_id), csv_row(uuid.uuid4())), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path), "--source", "paper")
    call_command("import_responses", survey.slug, str(path), "--source", "paper")
    assert Response.objects.count() == 2
    assert set(Response.objects.values_list("source", flat=True)) == {"paper"}


def test_a_sheet_imported_from_a_spreadsheet_cannot_be_typed_as_well(survey, sheet, typists, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(csv_text(csv_row(sheet.response_id)), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path), "--source", "paper")
    with pytest.raises(PaperRefused, match="已录入完成并计入"):
        enter(sheet, typists[0])
    assert Response.objects.count() == 1


def test_a_paper_response_is_stored_with_its_quality_flags(survey, invitation, typists):
    """Like a phone's (over quota, straight-lining…), so that staff find it among the responses
    to review, where they can exclude it; it was stored with none."""
    from surveys.selectors_review import responses_for_review

    east_young = 3  # the factory's quota for 东村 · 村民群众 · 18–44
    for _ in range(east_young):
        responses_import_text(survey=survey, text=csv_text(csv_row()))
    sheet = paper_sheets_print(invitation=invitation, count=1)[0]
    enter(sheet, typists[0])
    enter(sheet, typists[1])
    stored = Response.objects.get(pk=sheet.response_id)
    assert {flag["code"] for flag in stored.flags} == {"over_quota"}
    assert "已有 3 份" in next(f["reason"] for f in stored.flags if f["code"] == "over_quota")
    assert stored.pk in {r.pk for r in responses_for_review(survey).object_list}


# --- the comment written on the sheet (意见建议) ----------------------------------------------------

COMMENT = "村里的路灯坏了，希望尽快修好。"


def test_an_agreeing_comment_is_stored_with_the_response(sheet, typists):
    enter(sheet, typists[0], comment=COMMENT)
    result = enter(sheet, typists[1], comment=f"  {COMMENT}\n")
    assert result.status == "stored"
    assert Response.objects.get().comment == COMMENT


def test_a_sheet_without_a_comment_is_stored_with_none(sheet, typists):
    enter(sheet, typists[0])
    enter(sheet, typists[1], comment="   ")
    assert Response.objects.get().comment == ""


@pytest.mark.parametrize(
    "typed",
    [
        "村里的路灯坏了， 希望尽快修好。",  # a stray space
        "村里的路灯坏了，\n希望尽快修好。",  # a line break where the paper's line ended
        "村里的路灯坏了,希望尽快修好。",  # a half-width comma (the input method's mode)
    ],
)
def test_comments_differing_only_in_spaces_or_widths_agree(sheet, typists, typed):
    enter(sheet, typists[0], comment=COMMENT)
    assert enter(sheet, typists[1], comment=typed).status == "stored"
    assert Response.objects.get().comment == typed


def test_differing_comments_wait_for_the_supervisor_and_are_named(survey, sheet, typists):
    enter(sheet, typists[0], comment=COMMENT)
    result = enter(sheet, typists[1], comment="村里的路灯坏了，希望尽快修。")
    assert (result.status, result.differences) == ("discrepancy", ["comment"])
    assert not Response.objects.exists()
    [found] = paper_discrepancies(survey)
    assert (found.comment_differs, found.differences) == (True, 1)
    summary = paper_summary(survey)
    assert (summary["awaiting_resolution"], summary["discrepancy_rate"]) == (1, 1.0)


def test_a_comment_typed_by_one_typist_only_differs(sheet, typists):
    enter(sheet, typists[0])
    assert enter(sheet, typists[1], comment=COMMENT).differences == ["comment"]


def test_a_comment_longer_than_the_phones_limit_is_refused_naming_the_field(sheet, typists):
    from surveys.services.submission import COMMENT_MAX_LENGTH

    with pytest.raises(PaperInvalid) as invalid:
        enter(sheet, typists[0], comment="路" * (COMMENT_MAX_LENGTH + 1))
    assert invalid.value.errors == {"comment": [f"意见建议最多 {COMMENT_MAX_LENGTH} 字。"]}
    assert not PaperEntry.objects.exists()
    enter(sheet, typists[0], comment=" " + "路" * COMMENT_MAX_LENGTH + "\n")  # trimmed, as a phone's
    assert len(PaperEntry.objects.get().comment) == COMMENT_MAX_LENGTH


@pytest.fixture
def comments_differ(sheet, typists):
    enter(sheet, typists[0], comment=COMMENT)
    enter(sheet, typists[1], differing(), comment="村里的路灯坏了")
    return sheet


def test_differing_comments_are_not_resolved_without_a_choice(comments_differ, supervisor):
    with pytest.raises(PaperInvalid) as invalid:
        resolve(comments_differ, supervisor)
    assert set(invalid.value.errors) == {"comment"}
    assert "意见建议" in invalid.value.errors["comment"][0]
    assert not Response.objects.exists()


@pytest.mark.parametrize(("entry", "stored"), [(1, COMMENT), (2, "村里的路灯坏了")])
def test_the_supervisor_takes_one_entrys_comment(comments_differ, supervisor, entry, stored):
    response = paper_discrepancy_resolve(
        sheet=comments_differ,
        user=supervisor,
        answers=ANSWERS,
        age_band="18-44",
        reason="已核对纸质原件",
        comment_of_entry=entry,
    )
    assert response.comment == stored
    audit = AuditEntry.objects.get()
    assert audit.details["differences"] == ["roads", "comment"]
    assert [e["comment"] for e in audit.details["entries"]] == [COMMENT, "村里的路灯坏了"]
    assert audit.details["chosen"]["comment"] == stored


def test_the_supervisor_may_type_the_papers_comment_within_the_same_limit(comments_differ, supervisor):
    from surveys.services.submission import COMMENT_MAX_LENGTH

    with pytest.raises(PaperInvalid, match="意见建议最多"):
        paper_discrepancy_resolve(
            sheet=comments_differ,
            user=supervisor,
            answers=ANSWERS,
            age_band="18-44",
            reason="已核对",
            comment="路" * (COMMENT_MAX_LENGTH + 1),
        )
    response = paper_discrepancy_resolve(
        sheet=comments_differ,
        user=supervisor,
        answers=ANSWERS,
        age_band="18-44",
        reason="已核对",
        comment=" 路灯坏了，请修。 ",
    )
    assert response.comment == "路灯坏了，请修。"


def test_a_comment_both_typed_alike_is_kept_when_only_answers_differ(sheet, typists, supervisor):
    enter(sheet, typists[0], comment=COMMENT)
    enter(sheet, typists[1], differing(), comment=COMMENT)
    assert resolve(sheet, supervisor).comment == COMMENT


def test_whose_comment_was_wrong_counts_as_their_error(survey, comments_differ, typists, supervisor):
    paper_discrepancy_resolve(
        sheet=comments_differ,
        user=supervisor,
        answers=differing(),
        age_band="18-44",
        reason="已核对",
        comment_of_entry=1,
    )
    # xiaowang typed the answers wrong, xiaoli (whose answers were right) the comment.
    people = {p["username"]: p for p in paper_summary(survey)["per_user"]}
    assert (people["xiaowang"]["errors"], people["xiaoli"]["errors"]) == (1, 1)
