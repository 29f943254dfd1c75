"""Properties of the responses CSV (contract §3), over files hypothesis makes up:

- whatever valid file goes in comes back out of export_responses row for row (quotes, commas,
  new lines and Chinese in the comments included; a comment that a spreadsheet would run as a
  formula with its apostrophe);
- a file with one bad cell is refused whole, with that cell's line and column named.
"""

import csv
import io
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.csv_cells import csv_cell, csv_cell_read
from surveys.exports import responses_csv_lines
from surveys.models import Response
from surveys.services.response_import import FIXED_COLUMNS, ResponseImportError, responses_import_text

ITEMS = ["income", "roads", "water"]
HEADER = FIXED_COLUMNS + ITEMS + ["comment"]
OPTIONS = ["satisfied", "basically_satisfied", "dissatisfied", "dont_know", ""]
T0 = datetime(2024, 11, 1, tzinfo=timezone.get_default_timezone())
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

comments = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
    | st.sampled_from(["\n", ",", '"', "满", "=", "+", "-", "@", "'"]),
    max_size=30,
).map(str.strip)


@st.composite
def rows(draw) -> list[str]:
    villager = draw(st.booleans())
    seconds = draw(st.none() | st.integers(min_value=0, max_value=60 * 24 * 3600))
    return [
        str(uuid.UUID(int=draw(st.integers(min_value=1, max_value=2**128 - 1)))),
        draw(st.sampled_from(["east", "west"])) if villager else "",
        "villager" if villager else "staff",
        draw(st.sampled_from(["18-44", "45+", ""])) if villager else "",
        "" if seconds is None else (T0 + timedelta(seconds=seconds)).isoformat(),
        *(draw(st.sampled_from(OPTIONS)) for _ in ITEMS),
        draw(comments),
    ]


files = st.lists(rows(), min_size=1, max_size=12, unique_by=lambda row: row[0])


def _csv(records: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([HEADER, *records])
    return out.getvalue()


def _parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _rolled_back(test):
    """Runs one example inside a transaction that is undone, so examples start from the same survey."""
    with transaction.atomic():
        try:
            return test()
        finally:
            transaction.set_rollback(True)


@PROPERTY
@given(records=files)
def test_any_valid_file_comes_back_out_row_for_row(survey, records):
    def example():
        responses_import_text(survey=survey, text=_csv(records))
        exported = _parsed("".join(responses_csv_lines(survey, with_comments=True)))
        assert exported[0] == HEADER
        # A comment comes out as it went in, with an apostrophe before a would-be formula
        # (one in the file already is taken as export_responses' own; csv_cells.py).
        expected = [[*row[:-1], csv_cell(csv_cell_read(row[-1]))] for row in records]
        assert sorted(exported[1:]) == sorted(expected)

    _rolled_back(example)


@PROPERTY
@given(records=files)
def test_importing_the_export_again_changes_nothing(survey, records):
    def example():
        responses_import_text(survey=survey, text=_csv(records))
        exported = "".join(responses_csv_lines(survey, with_comments=True))
        result = responses_import_text(survey=survey, text=exported)
        assert (result.created, result.skipped) == (0, len(records))
        assert "".join(responses_csv_lines(survey, with_comments=True)) == exported

    _rolled_back(example)


BAD_VALUES = {
    "response_id": ["not-a-uuid", "1234", "{}"],
    "village": ["nowhere", "EAST", "east "],
    "group": ["alien", "Villager", ""],
    "age_band": ["99+", "18–44"],
    "submitted_at": ["yesterday", "2024-13-01T00:00:00", "11/02/2024"],
    "income": ["maybe", "满意", "Satisfied"],
    "roads": ["5", "very"],
    "water": ["dont know", "-"],
}


@PROPERTY
@given(records=files, data=st.data())
def test_one_bad_cell_is_named_by_line_and_column_and_nothing_is_stored(survey, records, data):
    row = data.draw(st.integers(min_value=0, max_value=len(records) - 1), label="row")
    column = data.draw(st.sampled_from(sorted(BAD_VALUES)), label="column")
    records[row][HEADER.index(column)] = data.draw(st.sampled_from(BAD_VALUES[column]), label="value")
    text = _csv(records)
    # The line the bad record starts on, as an editor shows it: after the header and the
    # physical lines of the records before it (a comment may hold new lines).
    line = 2 + sum(1 + record[-1].count("\n") for record in records[:row])

    def example():
        try:
            responses_import_text(survey=survey, text=text)
        except ResponseImportError as error:
            named = {(problem.line, problem.column) for problem in error.problems}
            assert (line, column) in named, f"expected line {line}, column {column}; got {sorted(named)}"
        else:
            raise AssertionError("a file with a bad cell was accepted")
        assert Response.objects.filter(survey=survey).count() == 0

    _rolled_back(example)


def test_a_bad_cell_in_a_record_with_a_multi_line_comment_is_named_by_the_records_first_line(survey):
    good = [
        "0b6f4c52-8f7e-4a43-a0c7-1d7c3b0e5a11",
        "east",
        "villager",
        "18-44",
        "",
        "satisfied",
        "",
        "",
        "一\n二",
    ]
    bad = ["0b6f4c52-8f7e-4a43-a0c7-1d7c3b0e5a12", "east", "villager", "18-44", "", "maybe", "", "", "三\n四"]

    try:
        responses_import_text(survey=survey, text=_csv([good, bad]))
    except ResponseImportError as error:
        assert [(p.line, p.column) for p in error.problems] == [(4, "income")]
    else:
        raise AssertionError("a file with a bad cell was accepted")
