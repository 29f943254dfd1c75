"""backup_survey and restore_survey: a whole survey out to one JSON file and back, same score."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from surveys.backup import BackupInvalid, survey_backup, survey_restore
from surveys.exports import responses_csv_lines
from surveys.models import (
    AuditEntry,
    Invitation,
    Item,
    PaperEntry,
    PaperSheet,
    PublishedReport,
    QuestionnaireVersion,
    Response,
    Survey,
    SurveyMembership,
)
from surveys.scoring import score_document
from surveys.services.paper import paper_entry_save, paper_sheets_print
from surveys.services.review import response_exclude
from tests.surveys.staff_factories import make_member, make_response


def survey_delete(survey: Survey) -> None:
    """Everything of the survey, children first (responses and the audit log are PROTECTed)."""
    AuditEntry.objects.filter(survey=survey).delete()
    PaperEntry.objects.filter(sheet__survey=survey).delete()
    PaperSheet.objects.filter(survey=survey).delete()
    PublishedReport.objects.filter(survey=survey).delete()
    Response.objects.filter(survey=survey).delete()
    QuestionnaireVersion.objects.filter(survey=survey).delete()
    Invitation.objects.filter(survey=survey).delete()
    Item.objects.filter(survey=survey).delete()  # items PROTECT their dimension
    survey.delete()


@pytest.fixture
def full(survey):
    """A survey with all there is to back up: responses, an exclusion, paper entries, members."""
    invitation = Invitation.objects.get(survey=survey)
    staff = make_member(survey, "clerk", SurveyMembership.Role.STAFF)
    make_member(survey, "judge", SurveyMembership.Role.EVALUATOR)
    patterns = ["000", "011", "102", "213", "010", "001", "120", "000", "222", "013"]
    for n, answers in enumerate(patterns):
        make_response(
            survey,
            village="east" if n % 3 else "west",
            age_band="18-44" if n % 2 else "45+",
            answers=answers,
            invitation=invitation if n < 5 else None,
            device=f"{n:064x}",
        )
    make_response(survey, group="staff", village=None, age_band=None, answers="001")
    response_exclude(
        response=Response.objects.filter(survey=survey).first(), user=staff, reason="同一人重复作答"
    )
    sheet = paper_sheets_print(invitation=invitation, count=2)[0]
    paper_entry_save(
        sheet=sheet,
        user=staff,
        age_band="18-44",
        answers={"income": "satisfied", "roads": None, "water": "dont_know"},
        keystrokes=9,
    )
    PublishedReport.objects.create(
        survey=survey, data_hash="f" * 64, scheme={}, score={"composite": 1}, csv=b"a,b\n", pdf=b"%PDF"
    )
    return survey


def _snapshot(survey: Survey) -> dict:
    document = score_document(survey)
    document.pop("computed_at", None)  # when, not what
    return {
        "score": json.dumps(document, sort_keys=True, default=str),
        "csv": "".join(responses_csv_lines(survey, with_comments=True)),
        "excluded": sorted(
            str(pk)
            for pk in Response.objects.filter(survey=survey, excluded=True).values_list("pk", flat=True)
        ),
        "audit": sorted(
            (e.action, e.reason, e.user.username, str(e.response_id))
            for e in AuditEntry.objects.filter(survey=survey)
        ),
        "tokens": sorted(Invitation.objects.filter(survey=survey).values_list("token", flat=True)),
        "versions": list(QuestionnaireVersion.objects.filter(survey=survey).values_list("number", "digest")),
        "sheets": sorted(PaperSheet.objects.filter(survey=survey).values_list("number", "response_id")),
        "entries": sorted(
            PaperEntry.objects.filter(sheet__survey=survey).values_list(
                "sheet__number", "user__username", "answers"
            )
        ),
        "devices": sorted(Response.objects.filter(survey=survey).values_list("device", flat=True)),
    }


def _round_trip(survey: Survey, **options) -> tuple[dict, Survey]:
    before = _snapshot(survey)
    data = json.loads(json.dumps(survey_backup(survey=survey, **options)))  # through JSON text, as on disk
    survey_delete(survey)
    assert not Survey.objects.filter(slug="hill-2024").exists()
    return before, survey_restore(data=data)


def test_a_restored_survey_scores_exactly_as_before(full):
    before, restored = _round_trip(full)

    assert _snapshot(restored) == before


def test_members_come_back_only_when_asked_for_and_the_published_report_unless_left_out(full):
    """The published report is the official, frozen record: a backup that left it out by default
    restored a published survey whose downloads were computed afresh."""
    _, restored = _round_trip(full)

    assert SurveyMembership.objects.filter(survey=restored).count() == 0
    assert PublishedReport.objects.filter(survey=restored).count() == 1
    data = survey_backup(survey=restored, reports=False)
    assert "publishedreport" not in data["tables"]


def test_with_members_and_reports_they_come_back_too(full):
    _, restored = _round_trip(full, members=True, reports=True)

    roles = sorted(SurveyMembership.objects.filter(survey=restored).values_list("user__username", "role"))
    assert roles == [("clerk", "staff"), ("judge", "evaluator")]
    report = PublishedReport.objects.get(survey=restored)
    assert (bytes(report.csv), bytes(report.pdf), report.score) == (b"a,b\n", b"%PDF", {"composite": 1})


def test_a_backup_names_no_database_row_ids(full):
    data = survey_backup(survey=full, members=True, reports=True)

    for table, rows in data["tables"].items():
        for row in rows:
            assert "id" not in row or table == "response", table
            assert "survey" not in row, table


def test_it_refuses_to_restore_over_a_survey_that_exists(full):
    data = survey_backup(survey=full)
    count = Response.objects.count()

    with pytest.raises(BackupInvalid, match="已存在"):
        survey_restore(data=data)
    assert Response.objects.count() == count


def test_a_broken_backup_restores_nothing(full):
    data = survey_backup(survey=full)
    survey_delete(full)
    data["tables"]["response"][-1]["version"] = 99  # a version that is not in the file

    with pytest.raises(BackupInvalid):
        survey_restore(data=data)
    assert not Survey.objects.filter(slug="hill-2024").exists()
    assert Response.objects.count() == 0


def test_a_file_that_is_not_a_backup_is_refused(db):
    with pytest.raises(BackupInvalid, match="不是"):
        survey_restore(data={"format": "something else"})


def test_the_command_leaves_the_published_report_out_only_when_told(full, tmp_path):
    kept, left = tmp_path / "kept.json", tmp_path / "left.json"
    call_command("backup_survey", "hill-2024", "-o", str(kept), stderr=io.StringIO())
    call_command("backup_survey", "hill-2024", "-o", str(left), "--without-reports", stderr=io.StringIO())
    assert len(json.loads(kept.read_text())["tables"]["publishedreport"]) == 1
    assert "publishedreport" not in json.loads(left.read_text())["tables"]


def test_the_commands_round_trip_through_a_file(full, tmp_path):
    path = tmp_path / "hill.json"
    before = _snapshot(full)
    call_command("backup_survey", "hill-2024", "-o", str(path), stderr=io.StringIO())
    survey_delete(full)

    call_command("restore_survey", str(path), stderr=io.StringIO())

    assert _snapshot(Survey.objects.get(slug="hill-2024")) == before
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore_survey", str(path), stderr=io.StringIO())
    # Opened in Windows Notepad and saved as UTF-8 (a byte order mark before it): restored too.
    survey_delete(Survey.objects.get(slug="hill-2024"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    call_command("restore_survey", str(path), stderr=io.StringIO())
    assert _snapshot(Survey.objects.get(slug="hill-2024")) == before


def _nothing_restored() -> bool:
    return not Survey.objects.filter(slug="hill-2024").exists() and Response.objects.count() == 0


def _resealed(data: dict) -> dict:
    """The backup as if written so: counts and digest made for its (edited) tables."""
    from surveys.backup import seal

    return {**data, **seal(data["tables"])}


@pytest.mark.parametrize("answers", ["zzz", "0", "", "0123"])
def test_a_response_whose_answers_do_not_fit_its_questionnaire_is_refused_by_id(full, answers):
    """It was restored ("已恢复") and then every score, export and evaluator page was a 500."""
    data = survey_backup(survey=full)
    survey_delete(full)
    row = data["tables"]["response"][3]
    row["answers"] = answers

    with pytest.raises(BackupInvalid, match=row["id"]):
        survey_restore(data=_resealed(data))
    assert _nothing_restored()


def test_a_backup_missing_rows_is_refused_by_its_counts(full):
    data = survey_backup(survey=full)
    survey_delete(full)
    del data["tables"]["response"][2:]

    with pytest.raises(BackupInvalid, match="response"):
        survey_restore(data=data)
    assert _nothing_restored()


def test_a_backup_changed_after_it_was_written_is_refused_by_its_digest(full):
    data = survey_backup(survey=full)
    survey_delete(full)
    data["tables"]["response"][0]["excluded"] = not data["tables"]["response"][0]["excluded"]

    with pytest.raises(BackupInvalid, match="校验"):
        survey_restore(data=data)
    assert _nothing_restored()


@pytest.mark.parametrize(
    "broken",
    [
        lambda d: d.pop("tables"),
        lambda d: d["tables"].update(survey=[]),
        lambda d: d["tables"].update(response={"not": "a list"}),
        lambda d: d["tables"]["response"].append(dict(d["tables"]["response"][0])),  # the same id twice
        lambda d: d["tables"]["response"][0].update(submitted_at="yesterday"),
    ],
    ids=["no tables", "no survey row", "table not a list", "duplicate id", "bad time"],
)
def test_a_malformed_backup_gets_a_clear_refusal_not_a_traceback(full, broken):
    data = survey_backup(survey=full)
    survey_delete(full)
    broken(data)
    if "tables" in data:
        data = _resealed(data)

    with pytest.raises(BackupInvalid):
        survey_restore(data=data)
    assert _nothing_restored()


def test_the_command_refuses_a_file_that_is_not_utf8(db, tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"format": "满意度"}'.encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("restore_survey", str(path), stderr=io.StringIO())
