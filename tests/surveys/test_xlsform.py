"""XLSForm import and export: daligang round-trips, a hand-written form works, bad ones are named."""

import io
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from surveys.design import survey_design
from surveys.models import Quota, Survey
from surveys.scoring import score_document
from surveys.services.questionnaire import questionnaire_definition
from surveys.services.response_import import responses_import_text
from surveys.xlsform import XLSFormError, survey_export_xlsform, survey_import_xlsform
from surveys.xlsform.conventions import ROLE_COLUMN
from surveys.xlsform.writer import write_xlsform

pytestmark = pytest.mark.django_db

ZH, EN = "label::中文 (zh)", "label::English (en)"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def daligang(db):
    call_command("loaddata", "daligang-2020", verbosity=0)
    return Survey.objects.get(slug="daligang-2020")


def workbook_bytes(sheets: dict[str, list[list]]) -> io.BytesIO:
    """A workbook built in code: {sheet name: rows, the first row being the header}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def river_town_form(**replace) -> dict[str, list[list]]:
    """河镇 2025, written by hand as a county officer would: two dimensions, points, weights."""
    sheets = {
        "survey": [
            ["type", "name", ZH, EN, "weight", "required"],
            ["select_one who", "group", "您的身份", "You are", None, "yes"],
            ["select_one place", "village", "所在村", "Your village", None, "yes"],
            ["select_one age", "age_band", "年龄", "Age", None, "yes"],
            ["begin_group", "economy", "经济发展", "Economy", 0.4, None],
            ["select_one sat", "income", "家庭收入", "Household income", None, None],
            ["select_one sat", "jobs", "就业机会", "Jobs", 2, None],
            ["end_group", None, None, None, None, None],
            ["begin group", "services", "公共服务", "Public services", 0.6, None],
            ["select_one sat", "roads", "道路交通", "Roads", None, None],
            ["end group", None, None, None, None, None],
            ["text", "comment", "意见建议", "Suggestions", None, None],
        ],
        "choices": [
            ["list_name", "name", ZH, EN, "points", "by_village", "population"],
            ["sat", "satisfied", "满意", "Satisfied", 100, None, None],
            ["sat", "basically_satisfied", "基本满意", "Basically satisfied", 60, None, None],
            ["sat", "dissatisfied", "不满意", "Dissatisfied", 0, None, None],
            ["sat", "dont_know", "不了解", "Don't know", None, None, None],
            ["who", "villager", "村民", "Villager", None, "yes", None],
            ["who", "staff", "工作人员", "Staff", None, "no", 25],
            ["place", "upper", "上村", "Upper village", None, None, None],
            ["place", "lower", "下村", "Lower village", None, None, None],
            ["age", "18-44", "18–44岁", "18–44", None, None, None],
            ["age", "45+", "45岁及以上", "45 and over", None, None, None],
        ],
        "settings": [
            ["form_id", "form_title", "default_language", "organisation", "year"],
            ["river-2025", "河镇2025年度满意度调查", "中文 (zh)", "河镇人民政府", 2025],
        ],
    }
    sheets.update(replace)
    return sheets


def problems_of(sheets, **kwargs) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        survey_import_xlsform(source=workbook_bytes(sheets), **kwargs)
    return [str(p) for p in caught.value.problems]


def design_without_slug(survey):
    design = survey_design(survey)
    design.slug = ""
    return design


# --- the daligang survey, out and back -----------------------------------------------------


def test_the_daligang_export_converts_with_pyxform_without_error(daligang):
    warnings = []
    result = convert(xlsform=survey_export_xlsform(survey=daligang), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    assert 'lang="中文 (zh)" default="true()"' in result.xform
    assert 'lang="English (en)"' in result.xform
    assert (
        "<value>依法履职情况</value>" in result.xform
        and "<value>Acting according to law</value>" in result.xform
    )
    # The village and age band are asked of villagers only; the comment is a text question.
    assert "selected( /data/group , 'villager')" in result.xform
    assert 'manyidu:role="comment"' in result.xform


def test_the_daligang_export_imports_back_to_an_identical_survey(daligang):
    exported = io.BytesIO(survey_export_xlsform(survey=daligang))

    imported = survey_import_xlsform(source=exported, slug="daligang-2020-again")

    assert imported.warnings == []
    survey = imported.survey
    assert questionnaire_definition(survey) == questionnaire_definition(daligang)
    assert design_without_slug(survey) == design_without_slug(daligang)
    assert survey.scheme == daligang.scheme
    assert survey.village_set.count() == 17 and survey.quota_set.count() == 69
    assert survey.status == Survey.Status.DRAFT


def test_export_then_import_then_export_gives_the_same_workbook(daligang):
    first = survey_export_xlsform(survey=daligang)
    copy = survey_import_xlsform(source=io.BytesIO(first), slug="daligang-copy").survey
    second = survey_export_xlsform(survey=copy)

    def cells(data):
        book = load_workbook(io.BytesIO(data))
        return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}

    first_cells, second_cells = cells(first), cells(second)
    assert first_cells["settings"][1][0] == "daligang-2020"
    second_cells["settings"][1][0] = "daligang-2020"
    assert first_cells == second_cells


def test_a_scheme_that_scores_options_otherwise_than_their_points_survives_the_round_trip(daligang):
    daligang.scheme = {
        **daligang.scheme,
        "option_points": {**daligang.scheme["option_points"], "basically_satisfied": 60},
    }
    daligang.scheme["group_weights"] = {"villager": 0.6, "staff": 0.2, "deputy": 0.2}
    daligang.scheme["item_weights"] = {"income": 2}
    daligang.save()

    survey = survey_import_xlsform(
        source=io.BytesIO(survey_export_xlsform(survey=daligang)), slug="d2"
    ).survey

    assert survey.scheme == daligang.scheme
    assert survey.option_set.get(code="basically_satisfied").points == 80


def test_a_survey_without_a_scheme_comes_back_without_one(survey):
    survey.scheme = None
    survey.save()

    copy = survey_import_xlsform(
        source=io.BytesIO(survey_export_xlsform(survey=survey)), slug="hill-copy"
    ).survey

    assert copy.scheme is None
    assert design_without_slug(copy) == design_without_slug(survey)


# --- a hand-written form -------------------------------------------------------------------


def test_a_hand_written_form_becomes_a_survey_whose_respondents_answer_and_whose_score_is_computed():
    imported = survey_import_xlsform(source=workbook_bytes(river_town_form()))
    survey = imported.survey

    assert imported.warnings == []
    assert survey.title == "河镇2025年度满意度调查" and survey.year == 2025
    assert [
        (i["code"], i["dimension"], i["text"], i["text_en"])
        for i in questionnaire_definition(survey)["items"]
    ] == [
        ("income", "economy", "家庭收入", "Household income"),
        ("jobs", "economy", "就业机会", "Jobs"),
        ("roads", "services", "道路交通", "Roads"),
    ]
    assert survey.scheme == {
        "option_points": {"satisfied": 100, "basically_satisfied": 60, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 0.4, "services": 0.6},
        "item_weights": {"jobs": 2},
        "group_weights": None,
        "min_cell": 5,
    }
    assert survey.group_set.get(code="staff").population == 25
    assert survey.group_set.get(code="villager").by_village

    header = "response_id,village,group,age_band,submitted_at,income,jobs,roads,comment"
    rows = [
        f"{uuid.uuid4()},upper,villager,18-44,2025-10-01T09:00:00+08:00,satisfied,basically_satisfied,dissatisfied,路灯太少",
        f"{uuid.uuid4()},lower,villager,45+,2025-10-01T10:00:00+08:00,satisfied,dont_know,satisfied,",
        f"{uuid.uuid4()},,staff,,2025-10-02T09:00:00+08:00,basically_satisfied,dissatisfied,satisfied,",
    ]
    result = responses_import_text(survey=survey, text="\n".join([header, *rows]) + "\n")
    assert result.created == 3

    document = score_document(survey, use_cache=False)
    # income (100+100+60)/3; jobs (60+0)/2 (don't know left out); roads (0+100+100)/3
    income, jobs, roads = 260 / 3, 30.0, 200 / 3
    economy = (income * 1 + jobs * 2) / 3
    assert document["composite"]["score"] == pytest.approx(0.4 * economy + 0.6 * roads)
    assert [d["score"] for d in document["dimensions"]] == [pytest.approx(economy), pytest.approx(roads)]


def test_a_form_without_weights_gives_a_survey_scored_by_the_default_points():
    form = river_town_form()
    for row in form["survey"][1:]:
        row[4] = None
    survey = survey_import_xlsform(source=workbook_bytes(form)).survey

    assert survey.scheme is None
    assert list(survey.option_set.values_list("points", flat=True)) == [100, 60, 0, None]


def test_items_may_name_their_dimension_in_a_dimension_column_instead_of_a_group():
    form = river_town_form(
        survey=[
            ["type", "name", ZH, EN, "dimension"],
            ["select_one who", "group", "您的身份", "You are", None],
            ["select_one sat", "income", "家庭收入", "Household income", "economy"],
            ["select_one sat", "roads", "道路交通", "Roads", "services"],
        ]
    )
    form["choices"] = [r for r in form["choices"] if r[0] not in ("place", "age")]

    imported = survey_import_xlsform(source=workbook_bytes(form))

    definition = questionnaire_definition(imported.survey)
    assert [d["code"] for d in definition["dimensions"]] == ["economy", "services"]
    assert [i["dimension"] for i in definition["items"]] == ["economy", "services"]
    assert "survey 表第 3 行（dimension 列）：维度 economy 只出现在 dimension 列" in str(imported.warnings[0])


def test_respondent_questions_are_recognised_by_the_role_column_whatever_their_name():
    form = river_town_form()
    form["survey"][0].append(ROLE_COLUMN)
    form["survey"][1][1] = "who_are_you"
    form["survey"][1].append("group")

    survey = survey_import_xlsform(source=workbook_bytes(form)).survey

    assert list(survey.group_set.values_list("code", flat=True)) == ["villager", "staff"]
    assert "who_are_you" not in [i["code"] for i in questionnaire_definition(survey)["items"]]


def test_a_missing_english_label_is_a_named_warning_and_a_missing_chinese_label_an_error():
    form = river_town_form()
    form["survey"][5][3] = None
    warnings = survey_import_xlsform(source=workbook_bytes(form)).warnings
    assert "survey 表第 6 行（label::English (en) 列）：题目 income 缺少英文标签" in [
        str(w) for w in warnings
    ]

    form["settings"][1][0] = "river-2025-b"
    form["choices"][2][2] = None
    assert problems_of(form) == [
        "choices 表第 3 行（label::中文 (zh) 列）：选项 basically_satisfied 缺少中文标签"
    ]


def test_plain_label_columns_are_read_in_the_default_language_with_a_warning_for_english():
    form = river_town_form()
    for sheet in ("survey", "choices"):
        form[sheet] = [[c for i, c in enumerate(row) if i != 3] for row in form[sheet]]
        form[sheet][0][2] = "label"

    imported = survey_import_xlsform(source=workbook_bytes(form))

    assert imported.survey.item_set.get(code="income").text == "家庭收入"
    assert "survey 表第 1 行：没有英文标签列（label::English (en)）：英文界面将显示中文" in [
        str(w) for w in imported.warnings
    ]


# --- bad workbooks are named ---------------------------------------------------------------


def test_a_missing_choices_sheet_is_named():
    form = river_town_form()
    del form["choices"]
    assert problems_of(form) == ["choices 表：缺少 choices 工作表"]


def test_a_select_multiple_is_named_with_its_row():
    form = river_town_form()
    form["survey"][6][0] = "select_multiple sat"
    assert problems_of(form) == [
        "survey 表第 7 行（type 列）：不支持多选题 select_multiple：每道满意度题目只能选一个答案"
    ]


def test_an_unknown_list_is_named_with_the_row_that_uses_it():
    form = river_town_form()
    form["survey"][5][0] = form["survey"][6][0] = form["survey"][9][0] = "select_one satisfaction"
    (problem,) = problems_of(form)
    assert problem.startswith(
        "survey 表第 6 行（type 列）：题目的选项列表 satisfaction 在 choices 表中不存在"
    )


def test_items_on_a_second_answer_list_are_named():
    form = river_town_form()
    form["survey"][9][0] = "select_one who"
    assert problems_of(form) == [
        "survey 表第 10 行（type 列）：所有题目须用同一个选项列表：这里是 who，第 6 行是 sat"
    ]


@pytest.mark.parametrize(
    ("row", "column", "value", "problem"),
    [
        (6, 0, "begin_repeat", "survey 表第 7 行（type 列）：不支持重复组 begin_repeat"),
        (6, 0, "calculate", "survey 表第 7 行（type 列）：不支持计算字段 calculate"),
        (6, 0, "integer", "survey 表第 7 行（type 列）：不支持题型 integer"),
        (6, 1, "income", "survey 表第 7 行（name 列）：题目代码 income 重复（第 6 行）"),
        (
            6,
            0,
            "select_one sat or_other",
            "survey 表第 7 行（type 列）：select_one 后应只有一个选项列表名（不支持 or_other）",
        ),
        (6, 2, None, "survey 表第 7 行（label::中文 (zh) 列）：题目 jobs 缺少中文标签"),
        (6, 0, "begin_group", "survey 表第 7 行（type 列）：不支持嵌套分组：第 5 行的分组尚未结束"),
        (4, 4, None, "survey 表第 5 行（weight 列）：维度 economy 缺少权重（其他维度给了权重）"),
        (6, 4, "heavy", "survey 表第 7 行（weight 列）：'heavy' 不是数字"),
    ],
)
def test_unsupported_rows_are_named_by_sheet_row_and_column(row, column, value, problem):
    form = river_town_form()
    form["survey"][row][column] = value
    assert problem in problems_of(form)


def test_skip_logic_on_an_item_is_named():
    form = river_town_form()
    form["survey"][0].append("relevant")
    form["survey"][6].append("${income} = 'dissatisfied'")
    assert problems_of(form) == [
        "survey 表第 7 行（relevant 列）：不支持 relevant（跳转、计算或校验逻辑无法保留）"
    ]


def test_bad_points_and_quotas_are_named():
    form = river_town_form()
    form["choices"][1][4] = "full"
    form["quotas"] = [["group", "village", "age_band", "target"], ["villager", "middle", None, 10]]
    assert problems_of(form) == [
        "choices 表第 2 行（points 列）：'full' 不是数字",
        "quotas 表第 2 行（village 列）：未知代码 'middle'；应为 upper, lower 之一",
    ]


def test_a_target_past_what_the_database_holds_is_named():
    """10**30 was a traceback on PostgreSQL (integer out of range)."""
    form = river_town_form()
    form["quotas"] = [["group", "village", "age_band", "target"], ["villager", "upper", None, 10**30]]
    assert problems_of(form) == [
        "quotas 表第 2 行（target 列）：'1000000000000000019884624838656' 超出范围：应为不大于 2147483647 的非负整数"
    ]
    assert Survey.objects.count() == 0
    form["quotas"][1][3] = 2**31 - 1
    survey_import_xlsform(source=workbook_bytes(form))
    assert Quota.objects.get().target == 2**31 - 1


def test_a_workbook_naming_an_existing_survey_is_refused_and_changes_nothing(survey):
    form = river_town_form()
    form["settings"][1][0] = survey.slug
    assert problems_of(form) == [
        f"settings 表第 2 行（form_id 列）：调查代码 {survey.slug} 已存在，请换一个（--slug）"
    ]
    assert Survey.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_named():
    with pytest.raises(XLSFormError, match="不是可读取的 .xlsx 工作簿"):
        survey_import_xlsform(source=io.BytesIO(b"response_id,village\n"))


def test_the_import_is_all_or_nothing(monkeypatch):
    from surveys.models import Quota

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    form = river_town_form(quotas=[["group", "village", "age_band", "target"], ["staff", None, None, 20]])
    monkeypatch.setattr(Quota.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        survey_import_xlsform(source=workbook_bytes(form))
    assert not Survey.objects.exists()


# --- commands ------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_survey(daligang, tmp_path):
    path = tmp_path / "daligang.xlsx"
    call_command("export_xlsform", "daligang-2020", "-o", str(path))
    out = io.StringIO()
    call_command("import_xlsform", str(path), "--slug", "daligang-2021", "--year", "2021", stdout=out)

    copy = Survey.objects.get(slug="daligang-2021")
    assert copy.year == 2021
    assert questionnaire_definition(copy) == questionnaire_definition(daligang)
    assert "daligang-2021" in out.getvalue()


def test_the_import_command_fails_naming_the_place(tmp_path):
    form = river_town_form()
    form["survey"][6][0] = "select_multiple sat"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(form).getvalue())
    with pytest.raises(CommandError, match="survey 表第 7 行（type 列）：不支持多选题"):
        call_command("import_xlsform", str(path))
    assert not Survey.objects.exists()


def test_the_written_workbook_has_the_sheets_odk_needs_and_ours(daligang):
    workbook = write_xlsform(survey_design(daligang))
    assert workbook.sheetnames == ["survey", "choices", "settings", "quotas"]


def test_the_example_workbook_in_the_docs_is_the_fixture_questionnaire(daligang):
    with open(EXAMPLES / "daligang-2020.xlsform.xlsx", "rb") as stream:
        example = survey_import_xlsform(source=stream, slug="example-2020").survey
    assert design_without_slug(example) == design_without_slug(daligang)


def test_on_an_english_page_a_workbooks_problems_are_named_in_english():
    from django.utils import translation

    multiple, unlabelled = river_town_form(), river_town_form()
    multiple["survey"][6][0] = "select_multiple sat"
    unlabelled["choices"][2][2] = None
    with translation.override("en"):
        assert problems_of(multiple) == [
            "survey sheet, row 7 (column type): select_multiple is not supported: "
            "each satisfaction question takes one answer"
        ]
        assert problems_of(unlabelled) == [
            "choices sheet, row 3 (column label::中文 (zh)): Option basically_satisfied has no Chinese label"
        ]
