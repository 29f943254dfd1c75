"""A respondent's comment is untrusted text that reaches a staff member's spreadsheet: in the
responses CSV (`export_responses --with-comments`) a comment that Excel would run as a formula
('=HYPERLINK(…)' typed on a phone) is written with a leading apostrophe, and import takes it off
again, so that import → export → import still gives back every comment exactly."""

import csv
import uuid

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from surveys.csv_cells import FORMULA_START, csv_cell, csv_cell_read
from surveys.models import Response
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(["=", "+", "-", "@", "'", "\t", "\r", "1", ".", "e"]),
    max_size=12,
)


def _runs_as_formula(cell: str) -> bool:
    if not cell.startswith(FORMULA_START):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


@given(texts)
def test_every_text_reads_back_as_it_was_written_and_none_is_written_as_a_formula(text):
    cell = csv_cell(text)
    assert csv_cell_read(cell) == text
    assert not _runs_as_formula(cell)


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil.example/","点此")', '\'=HYPERLINK("http://evil.example/","点此")'),
        ("+1+1", "'+1+1"),
        ("-_- 路灯还是不亮", "'-_- 路灯还是不亮"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),  # a number, not a formula
        ("+1.5", "+1.5"),
        ("'=1", "''=1"),  # an apostrophe of its own is kept: one more is written
        ("'好", "'好"),  # nothing to protect: written and read as it is
        ("'" * 5000 + "=1", "'" * 5001 + "=1"),  # however many (a comment may be that long)
        ("希望修路", "希望修路"),
        ("", ""),
    ],
)
def test_what_is_written(text, cell):
    assert csv_cell(text) == cell
    assert csv_cell_read(cell) == text


COMMENTS = [
    '=HYPERLINK("http://evil.example/","点此查看")',
    "'=1+1",
    "-_- 路灯还是不亮",
    "-5",
    "希望修路",
    "'好'",
]


@pytest.mark.django_db
def test_comments_that_look_like_formulas_are_exported_as_text_and_imported_back_unchanged(survey, tmp_path):
    ids = [uuid.UUID(int=n + 1) for n in range(len(COMMENTS))]
    responses_import_text(survey=survey, text=csv_text(*(csv_row(rid) for rid in ids)))
    for rid, comment in zip(ids, COMMENTS, strict=True):
        Response.objects.filter(pk=rid).update(comment=comment)
    out = tmp_path / "responses.csv"
    call_command("export_responses", survey.slug, "--with-comments", "-o", str(out))
    with out.open(encoding="utf-8", newline="") as f:
        written = {row["response_id"]: row["comment"] for row in csv.DictReader(f)}
    assert written == {str(rid): csv_cell(comment) for rid, comment in zip(ids, COMMENTS, strict=True)}
    assert written[str(ids[0])].startswith("'=HYPERLINK(")
    assert written[str(ids[3])] == "-5"
    assert not any(_runs_as_formula(cell) for cell in written.values())

    # The same file again: every response the same, none a conflict over its comment.
    again = responses_import_text(survey=survey, text=out.read_text(encoding="utf-8"))
    assert (again.created, again.skipped) == (0, len(COMMENTS))
    # Into an empty database (a restore): every comment as it was typed.
    Response.objects.all().delete()
    restored = responses_import_text(survey=survey, text=out.read_text(encoding="utf-8"))
    assert restored.created == len(COMMENTS)
    stored = dict(Response.objects.values_list("id", "comment"))
    assert stored == dict(zip(ids, COMMENTS, strict=True))
