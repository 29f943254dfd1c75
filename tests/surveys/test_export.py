import io
import uuid

import pytest
from django.core.management import call_command

from surveys.exports import responses_csv_lines
from surveys.models import Item, Response
from surveys.services.response_import import responses_import_text
from tests.factories import HEADER, csv_row, csv_text

pytestmark = pytest.mark.django_db


def _export(survey) -> str:
    return "".join(responses_csv_lines(survey))


def test_it_writes_the_contract_header_and_one_line_per_response(survey):
    rid = uuid.UUID("00000000-0000-4000-8000-000000000001")
    responses_import_text(survey=survey, text=csv_text(csv_row(rid, answers=("satisfied", "", "dont_know"))))
    assert _export(survey) == (
        HEADER + "\n" + f"{rid},east,villager,18-44,2024-11-02T09:30:00+08:00,satisfied,,dont_know\n"
    )


def test_export_import_export_gives_the_same_bytes_in_an_empty_database(survey):
    rows = [
        csv_row(submitted_at="2024-11-03T08:00:00+08:00"),
        csv_row(submitted_at="2024-11-02T08:00:00Z"),
        csv_row(group="staff", village="", age_band="", submitted_at=""),
        csv_row(answers=("", "", "")),
    ]
    responses_import_text(survey=survey, text=csv_text(*rows))
    first = _export(survey)
    Response.objects.all().delete()  # as if restored into an empty database
    responses_import_text(survey=survey, text=first)
    assert _export(survey) == first
    responses_import_text(survey=survey, text=first)  # all skipped: same content
    assert _export(survey) == first


def test_answers_given_on_an_earlier_questionnaire_keep_their_meaning(survey):
    rid = uuid.uuid4()
    responses_import_text(
        survey=survey, text=csv_text(csv_row(rid, answers=("dissatisfied", "satisfied", "")))
    )
    old_version = Response.objects.get(id=rid).version
    # The questionnaire changes after responses exist: a new item, and the items reordered.
    Item.objects.filter(survey=survey, code="water").update(order=0, text="饮水安全")
    Item.objects.create(
        survey=survey, dimension=survey.dimension_set.get(code="economy"), code="jobs", text="就业", order=2
    )
    new_rid = uuid.uuid4()
    header = "response_id,village,group,age_band,submitted_at,income,jobs,water,roads"
    responses_import_text(
        survey=survey,
        text=f"{header}\n{new_rid},west,villager,45+,,satisfied,dissatisfied,,basically_satisfied\n",
    )
    stored_old, stored_new = Response.objects.get(id=rid), Response.objects.get(id=new_rid)
    assert stored_old.version == old_version and stored_old.answers == "20-"
    assert stored_new.version.number == old_version.number + 1
    assert stored_new.version.item_codes == ["income", "jobs", "water", "roads"]
    lines = _export(survey).splitlines()
    assert lines[0] == header
    assert f"{rid},east,villager,18-44,2024-11-02T09:30:00+08:00,dissatisfied,,,satisfied" in lines


def test_the_command_writes_the_same_csv_to_a_file(survey, tmp_path):
    responses_import_text(survey=survey, text=csv_text(csv_row(), csv_row()))
    out = tmp_path / "out.csv"
    call_command("export_responses", survey.slug, "-o", str(out))
    assert out.read_text(encoding="utf-8") == _export(survey)


def test_the_command_writes_to_standard_output(survey, capsys):
    responses_import_text(survey=survey, text=csv_text(csv_row()))
    call_command("export_responses", survey.slug)
    assert capsys.readouterr().out == _export(survey)
    assert io.StringIO(_export(survey)).readline().startswith("response_id,")


def test_comments_are_exported_on_request_and_read_back(survey):
    rid = uuid.uuid4()
    header = HEADER + ",comment"
    body = f'{header}\n{csv_row(rid)},"路灯不亮，请修一下"\n'
    responses_import_text(survey=survey, text=body)
    assert Response.objects.get(id=rid).comment == "路灯不亮，请修一下"
    exported = "".join(responses_csv_lines(survey, with_comments=True))
    assert exported.splitlines()[0] == header
    assert exported.splitlines()[1].endswith(",路灯不亮，请修一下")
    assert "comment" not in _export(survey).splitlines()[0], "the plain CSV stays as the contract has it"
    Response.objects.all().delete()
    responses_import_text(survey=survey, text=exported)
    assert "".join(responses_csv_lines(survey, with_comments=True)) == exported
