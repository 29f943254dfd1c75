"""The XLSX's 复算 sheet: its formulas, recalculated by LibreOffice, give the service's scores.

openpyxl writes formulas without their values, so every check here opens the workbook in
LibreOffice Calc (headless, installed by scripts/system-deps), lets it calculate and reads the
values back: the figures a reader sees in Excel, WPS or LibreOffice, not what we meant to write.
"""

import io
import subprocess

import pytest
from openpyxl import load_workbook

from surveys.models import Item, Option
from surveys.reports import render_report
from surveys.reports.data import report_data
from surveys.scoring import score_document
from tests.surveys.report_helpers import answer

pytestmark = pytest.mark.django_db

EXCEL_ZERO = 1e-9  # Calc's sums in another order than numpy's: the last bits may differ


def _recalculated(content: bytes, tmp_path) -> tuple:
    """(formulas, values): the workbook as written and as LibreOffice calculated it."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(content)
    out = tmp_path / "calculated"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return load_workbook(io.BytesIO(content)), load_workbook(out / "report.xlsx", data_only=True)


def _rows(sheet) -> dict:
    """The sheet's rows by the code (or label) in their first column, the first of each (an
    item's own row, not its groups' rows below)."""
    rows: dict = {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] is not None:
            rows.setdefault(row[0], row)
    return rows


def _composite(sheet) -> tuple:
    """(recomputed, the summary's, their difference) from the last three labelled rows."""
    found = {}
    for row in sheet.iter_rows(values_only=True):
        for label in (
            "综合满意度",
            "“汇总”表的综合满意度",
            "两者之差",
            "Composite satisfaction",
            "Difference",
        ):
            if label in row:  # the value: the next cell that holds one
                found[label] = next(v for v in row[row.index(label) + 1 :] if v is not None)
    return found


def _check_scores(values, document, *, sheet="复算"):
    """Every item, dimension and the composite as the score document has them."""
    calc = values[sheet]
    rows = _rows(calc)
    headers = next(r for r in calc.iter_rows(values_only=True) if r[0] in ("题目代码", "Item code"))
    score_at = headers.index("得分" if sheet == "复算" else "Score")
    for item in document["items"]:
        got = rows[item["code"]][score_at]
        if item["score"] is None:
            assert got in (None, ""), item["code"]
        else:
            assert got == pytest.approx(item["score"], abs=EXCEL_ZERO), item["code"]
    for dimension in document["dimensions"]:
        assert rows[dimension["code"]][score_at] == pytest.approx(dimension["score"], abs=EXCEL_ZERO)
    found = _composite(calc)
    recomputed = found.get("综合满意度", found.get("Composite satisfaction"))
    assert recomputed == pytest.approx(document["composite"]["score"], abs=EXCEL_ZERO)
    assert abs(found.get("两者之差", found.get("Difference"))) < EXCEL_ZERO


def _formula_cells(workbook, sheet="复算") -> list[str]:
    return [cell.value for row in workbook[sheet].iter_rows() for cell in row if cell.data_type == "f"]


def _mixed_answers(survey):
    answer(survey, 12)
    answer(survey, 7, village="west", age_band="45+")
    answer(survey, 6, village="", group="staff", age_band="")


def _answered_report(survey, tmp_path):
    """(report data, the workbook as written, as calculated) of the survey after _mixed_answers."""
    _mixed_answers(survey)
    data = report_data(survey)
    return data, *_recalculated(render_report(data, "xlsx"), tmp_path)


def test_the_formulas_give_every_score_of_the_default_scheme(survey, tmp_path):
    data, formulas, values = _answered_report(survey, tmp_path)
    assert formulas.sheetnames[-1] == "复算"
    _check_scores(values, data.document)
    # The counts are counted in 原始数据, not copied: a formula per option and item.
    counted = [f for f in _formula_cells(formulas) if "原始数据" in f]
    assert len(counted) == 3 * 4
    rows = _rows(values["复算"])
    headers = next(r for r in values["复算"].iter_rows(values_only=True) if r[0] == "题目代码")
    for item in data.document["items"]:
        for option in data.options:
            assert rows[item["code"]][headers.index(option["name"])] == item["distribution"][option["code"]]


def test_the_formulas_follow_a_scheme_with_other_points_and_weights(survey, tmp_path):
    """不了解 scored, 不满意 left out, an item weighing double, dimensions 0.7/0.3."""
    survey.scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": None, "dont_know": 50},
        "dimension_weights": {"economy": 0.7, "services": 0.3},
        "item_weights": {"water": 2},
    }
    survey.save()
    data, _formulas, values = _answered_report(survey, tmp_path)
    _check_scores(values, data.document)


def test_with_group_weights_each_groups_means_are_formulas_too(survey, tmp_path):
    survey.scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 0.5, "services": 0.5},
        "group_weights": {"villager": 3, "staff": 1},
    }
    survey.save()
    data, formulas, values = _answered_report(survey, tmp_path)
    _check_scores(values, data.document)
    # 3 items × 2 groups × 4 options counted by group and option in 原始数据
    assert sum("原始数据" in f and "*" in f for f in _formula_cells(formulas)) == 3 * 2 * 4
    rows = [
        r for r in values["复算"].iter_rows(values_only=True) if r[0] == "income" and r[1] == "政府工作人员"
    ]
    staff_income = data.document["items"][0]["group_scores"]["staff"]
    assert rows and rows[0][9] == pytest.approx(staff_income, abs=EXCEL_ZERO)


def test_a_group_withheld_as_a_small_cell_is_not_counted_back(survey, tmp_path):
    """Two staff members answered (min_cell 5): 原始数据 withholds their group, so the groups'
    means cannot be counted there — and must not be written out either. The items' scores are
    the service's; the dimensions and the composite are still worked out by formulas."""
    survey.scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 0.5, "services": 0.5},
        "group_weights": {"villager": 3, "staff": 1},
    }
    survey.save()
    answer(survey, 12)
    answer(survey, 2, village="", group="staff", age_band="")
    data = report_data(survey)
    formulas, values = _recalculated(render_report(data, "xlsx"), tmp_path)
    _check_scores(values, data.document)
    written = _formula_cells(formulas)
    assert not any("原始数据" in f and "*" in f for f in written)
    notes = [r[0] for r in values["复算"].iter_rows(values_only=True) if r[0] and "不公布" in str(r[0])]
    assert notes, "a line says why the items' scores are not formulas"
    sheet = list(values["复算"].iter_rows(values_only=True))
    assert not [r for r in sheet if r[0] == "income" and r[1] in ("政府工作人员", "村民群众")]
    assert ("staff", "政府工作人员", None, 1) == next(r for r in sheet if r[0] == "staff")[:4]  # its weight


def test_an_item_nobody_scored_is_left_out_of_its_dimension(survey, tmp_path):
    answer(survey, 6)  # water: 不满意, 不了解, 满意 in turn — none of them scored below
    survey.scheme = {
        "option_points": {
            "satisfied": None,
            "basically_satisfied": 80,
            "dissatisfied": None,
            "dont_know": None,
        },
        "dimension_weights": {"economy": 0.5, "services": 0.5},
    }
    survey.save()
    data = report_data(survey)
    assert any(item["score"] is None for item in data.document["items"])
    _formulas, values = _recalculated(render_report(data, "xlsx"), tmp_path)
    _check_scores(values, data.document)


def test_changing_a_yellow_cell_gives_the_what_if_score(survey, tmp_path):
    """The reader sets 基本满意 to 60 points and 收入's weight to 3 in the sheet: Calc's composite
    is the service's what-if score with that scheme."""
    _mixed_answers(survey)
    data = report_data(survey)
    workbook = load_workbook(io.BytesIO(render_report(data, "xlsx")))
    sheet = workbook["复算"]
    points_row = next(r for r in sheet.iter_rows() if r[0].value == "分值（空白：不计分）")
    headers = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "题目代码")]
    points_row[headers.index("基本满意")].value = 60
    income = next(r for r in sheet.iter_rows() if r[0].value == "income")
    income[3].value = 3
    edited = io.BytesIO()
    workbook.save(edited)
    _formulas, values = _recalculated(edited.getvalue(), tmp_path)
    what_if = score_document(
        survey,
        scheme_data={
            "option_points": {
                "satisfied": 100,
                "basically_satisfied": 60,
                "dissatisfied": 0,
                "dont_know": None,
            },
            "dimension_weights": {"economy": 0.5, "services": 0.5},
            "item_weights": {"income": 3},
        },
        use_cache=False,
    )
    assert what_if["composite"]["score"] != pytest.approx(data.document["composite"]["score"])
    recomputed = _composite(values["复算"])["综合满意度"]
    assert recomputed == pytest.approx(what_if["composite"]["score"], abs=EXCEL_ZERO)


def test_names_that_spreadsheets_read_as_patterns_or_formulas_are_matched_exactly(survey, tmp_path):
    """COUNTIF would take 满意* for a pattern (and count 满意 too), or =1 for a comparison: the
    counts compare cells exactly, and a name stays text."""
    Option.objects.filter(survey=survey, code="satisfied").update(label="满意*")
    Option.objects.filter(survey=survey, code="basically_satisfied").update(label="满意?")
    Option.objects.filter(survey=survey, code="dissatisfied").update(label="=1")
    Item.objects.filter(survey=survey, code="income").update(text='=HYPERLINK("http://example.com","收入")')
    data, formulas, values = _answered_report(survey, tmp_path)
    _check_scores(values, data.document)
    assert not any("HYPERLINK" in f for f in _formula_cells(formulas))


def test_options_of_the_same_name_are_not_counted_by_name(survey, tmp_path):
    Option.objects.filter(survey=survey, code="basically_satisfied").update(label="满意")
    data, formulas, values = _answered_report(survey, tmp_path)
    _check_scores(values, data.document)
    assert not any("原始数据" in f for f in _formula_cells(formulas))
    assert any("有选项同名" in str(r[0]) for r in values["复算"].iter_rows(values_only=True))


def test_the_english_sheet_counts_in_the_english_raw_data(survey, tmp_path):
    _mixed_answers(survey)
    data = report_data(survey, language="en")
    formulas, values = _recalculated(render_report(data, "xlsx"), tmp_path)
    assert formulas.sheetnames[-1] == "Recompute"
    _check_scores(values, data.document, sheet="Recompute")
    assert any("'Raw data'!" in f for f in _formula_cells(formulas, "Recompute"))


def test_without_responses_the_sheet_says_so_and_calculates_no_error(survey, tmp_path):
    data = report_data(survey)
    _formulas, values = _recalculated(render_report(data, "xlsx"), tmp_path)
    shown = [v for row in values["复算"].iter_rows(values_only=True) for v in row if v is not None]
    assert "尚无计入得分的答卷。" in shown
    assert not any(isinstance(v, str) and v.startswith("#") for v in shown)
