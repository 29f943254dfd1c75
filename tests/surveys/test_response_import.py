import uuid

import pytest

from surveys.models import Response
from surveys.services.response_import import ResponseImportError, responses_import_text
from tests.factories import HEADER, csv_row, csv_text

pytestmark = pytest.mark.django_db


def _problems(survey, text):
    with pytest.raises(ResponseImportError) as info:
        responses_import_text(survey=survey, text=text)
    return [str(p) for p in info.value.problems]


def test_it_stores_every_row_of_a_good_file(survey):
    result = responses_import_text(
        survey=survey, text=csv_text(csv_row(), csv_row(group="staff", village="", age_band=""))
    )
    assert (result.created, result.skipped) == (2, 0)
    assert Response.objects.filter(survey=survey, source="import").count() == 2


def test_it_keeps_answers_with_their_codes(survey):
    rid = uuid.uuid4()
    responses_import_text(
        survey=survey, text=csv_text(csv_row(rid, answers=("dissatisfied", "", "satisfied")))
    )
    stored = Response.objects.get(id=rid)
    assert stored.answers == "2-0"
    assert stored.version.item_codes == ["income", "roads", "water"]
    assert stored.village.code == "east" and stored.age_band.code == "18-44"
    assert stored.submitted_at.isoformat() == "2024-11-02T01:30:00+00:00"


def test_importing_the_same_file_twice_stores_it_once(survey):
    text = csv_text(csv_row(), csv_row())
    responses_import_text(survey=survey, text=text)
    result = responses_import_text(survey=survey, text=text)
    assert (result.created, result.skipped) == (0, 2)
    assert Response.objects.count() == 2


def test_it_refuses_an_id_already_stored_with_other_content(survey):
    rid = uuid.uuid4()
    responses_import_text(survey=survey, text=csv_text(csv_row(rid)))
    problems = _problems(
        survey, csv_text(csv_row(), csv_row(rid, answers=("dissatisfied", "satisfied", "satisfied")))
    )
    assert problems == [f"第 3 行，列 income：{rid} 已存储，但内容不同（income, roads, water）"]
    assert Response.objects.count() == 1, "the good first row must not be stored either"


def test_an_id_twice_in_one_file_with_the_same_content_is_one_response(survey):
    """Two exports that overlap, put together: importing them one after the other skipped the
    overlap, importing them as one file refused it."""
    rid = uuid.uuid4()
    result = responses_import_text(survey=survey, text=csv_text(csv_row(rid), csv_row(), csv_row(rid)))
    assert (result.created, result.skipped, result.repeated) == (2, 1, 1)
    assert Response.objects.filter(id=rid).count() == 1 and Response.objects.count() == 2
    again = responses_import_text(survey=survey, text=csv_text(csv_row(rid), csv_row(rid)))
    assert (again.created, again.skipped, again.repeated) == (0, 2, 1)


def test_it_refuses_an_id_twice_in_one_file_with_other_content(survey):
    rid = uuid.uuid4()
    problems = _problems(
        survey, csv_text(csv_row(rid), csv_row(), csv_row(rid, answers=("dissatisfied", "satisfied", "")))
    )
    assert problems == [
        f"第 4 行，列 income：{rid} 与第 2 行的 response_id 相同，但内容不同（income, roads, water）"
    ]
    assert Response.objects.count() == 0


def test_it_names_line_and_column_of_an_unknown_option(survey):
    problems = _problems(survey, csv_text(csv_row(), csv_row(answers=("satisfied", "very_happy", ""))))
    assert len(problems) == 1
    assert problems[0].startswith(
        "第 3 行，列 roads：未知选项代码 'very_happy'；应为 satisfied, basically_satisfied"
    )
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        # A name typed for its code, as on a paper tally (满意 for satisfied), Chinese or English.
        (csv_row(answers=("满意", "", "")), "income", "未知选项代码 '满意'；应填代码 satisfied（满意）"),
        (csv_row(village="东村"), "village", "未知村（社区）代码 '东村'；应填代码 east（东村）"),
        (csv_row(group="村民群众"), "group", "未知受访群体代码 '村民群众'；应填代码 villager（村民群众）"),
        (csv_row(age_band="18–44岁"), "age_band", "未知年龄段代码 '18–44岁'；应填代码 18-44（18–44岁）"),
        # The code with spaces around it or in capitals.
        (
            csv_row(answers=(" Satisfied", "", "")),
            "income",
            "未知选项代码 ' Satisfied'；应填代码 satisfied（满意）",
        ),
    ],
)
def test_a_name_or_a_miswritten_code_is_told_the_code_it_stands_for(survey, row, column, message):
    assert _problems(survey, csv_text(row)) == [f"第 2 行，列 {column}：{message}"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (csv_row(village="north"), "village", "未知村（社区）代码 'north'"),
        (csv_row(group="tourist"), "group", "未知受访群体代码 'tourist'"),
        (csv_row(age_band="12-17"), "age_band", "未知年龄段代码 '12-17'"),
        (csv_row("not-a-uuid"), "response_id", "'not-a-uuid' 不是有效的 UUID"),
        (csv_row(submitted_at="yesterday"), "submitted_at", "'yesterday' 不是 ISO 8601 时间"),
        # Python's ISO reading stops at a NUL at the end: this was taken as 09:30.
        (
            csv_row(submitted_at="2024-11-02T09:30:00\x00"),
            "submitted_at",
            "'2024-11-02T09:30:00\\x00' 不是 ISO 8601 时间",
        ),
        # Valid ISO 8601, but past the years a database stores once in UTC.
        (
            csv_row(submitted_at="9999-12-31T23:59:59-12:00"),
            "submitted_at",
            "'9999-12-31T23:59:59-12:00' 超出可存储的时间范围",
        ),
        (csv_row(submitted_at="0001-01-01T00:00:00"), "submitted_at", "'0001-01-01T00:00:00' 超出可存储"),
        (csv_row(village=""), "village", "群体 villager 按村抽样，必须填写村（社区）"),
        (csv_row(group="staff", age_band=""), "village", "群体 staff 不按村抽样，村（社区）应留空"),
        (csv_row(group="staff", village=""), "age_band", "群体 staff 不按年龄段抽样，年龄段应留空"),
        (csv_row(group=""), "group", "受访群体不能为空"),
    ],
)
def test_it_rejects_a_bad_cell_naming_line_and_column(survey, row, column, message):
    problems = _problems(survey, csv_text(csv_row(), row))
    assert len(problems) == 1
    assert problems[0].startswith(f"第 3 行，列 {column}：{message}")
    assert Response.objects.count() == 0


def test_it_rejects_a_wrong_header(survey):
    problems = _problems(
        survey, "id,village,group,age_band,submitted_at,income,roads,water\n" + csv_row() + "\n"
    )
    assert problems[0].startswith("第 1 行：表头前五列应为 response_id,village,group,age_band,submitted_at")


def test_it_rejects_an_unknown_or_missing_item_column(survey):
    header = HEADER.replace("water", "waterr")
    problems = _problems(survey, header + "\n" + csv_row() + "\n")
    assert problems[0].startswith("第 1 行，列 waterr：未知题目代码 'waterr'")
    assert problems[1] == "第 1 行：缺少题目列：water"


def test_it_rejects_a_row_with_the_wrong_number_of_cells(survey):
    problems = _problems(survey, csv_text(csv_row() + ",extra"))
    assert problems == ["第 2 行：应有 8 列，实际 9 列"]


def test_a_header_ending_in_a_comma_names_the_empty_column(survey):
    problems = _problems(survey, HEADER + ",\n" + csv_row() + ",\n")
    assert problems == ["第 1 行：第 9 列的表头是空的（行末多了一个逗号？）"]


@pytest.mark.parametrize("cells_after", ["", ",,,"], ids=["too-few-cells", "right-number-of-cells"])
def test_a_quote_left_open_is_named_rather_than_the_lines_it_swallowed(survey, cells_after):
    """The quote takes the next lines into one cell; whether the record then has the right number
    of cells or not, the error names the quote and the lines, not a "code" made of those lines."""
    opened = csv_row().rsplit(",", 1)[0] + ',"dont_know' + cells_after
    problems = _problems(survey, csv_text(opened, csv_row(), csv_row()))
    assert problems == ["第 2 行：有个引号没有闭合，把第 2 至 4 行读成了一条答卷"]
    assert not Response.objects.exists()


def test_a_quote_left_open_in_a_long_file_is_named_on_its_own_line(survey):
    """Left open early in a long file, the quote swallows the rest until the cell passes the csv
    module's limit (131,072 characters): its English error ("field larger than field limit")
    was said, on the line where the reader gave up — hundreds of lines past the quote."""
    rows = [csv_row() for _ in range(3000)]
    rows[4] = rows[4].rsplit(",", 1)[0] + ',"dont_know'
    problems = _problems(survey, csv_text(*rows))
    assert problems == [
        "第 6 行：一格超过 131072 个字符：多半是这一行有个引号没有闭合，把后面的内容读成了一格"
    ]
    assert not Response.objects.exists()
    # Left open in the header, the same, on line 1.
    closed = "\n".join(csv_row() for _ in range(3000))
    problems = _problems(survey, HEADER.replace(",income", ',"income', 1) + "\n" + closed + "\n")
    assert problems == [
        "第 1 行：一格超过 131072 个字符：多半是这一行有个引号没有闭合，把后面的内容读成了一格"
    ]


def test_a_comment_may_hold_new_lines(survey):
    text = HEADER + ",comment\n" + csv_row() + ',"第一行\n第二行"\n' + csv_row() + ",\n"
    assert responses_import_text(survey=survey, text=text).created == 2


def test_a_comment_is_held_to_the_rules_of_every_other_way_in_naming_its_line(survey):
    """A file's comment had no limit, where the phone's, the API's and paper entry's are 2000
    characters; and one with a NUL character stored on SQLite and failed on PostgreSQL."""
    rows = [csv_row() + ",希望修路", csv_row() + "," + "长" * 2001, csv_row() + ",路灯\x00坏了"]
    problems = _problems(survey, HEADER + ",comment\n" + "\n".join(rows) + "\n")
    assert problems == [
        "第 3 行，列 comment：意见建议最多 2000 字",
        "第 4 行，列 comment：意见建议中有空字符（NUL），无法保存",
    ]
    assert not Response.objects.exists()
    assert (
        responses_import_text(
            survey=survey, text=HEADER + ",comment\n" + csv_row() + "," + "长" * 2000 + "\n"
        ).created
        == 1
    )


def test_it_reads_a_byte_order_mark_and_a_time_without_offset_as_beijing_time(survey):
    rid = uuid.uuid4()
    responses_import_text(
        survey=survey, text="\ufeff" + csv_text(csv_row(rid, submitted_at="2024-11-02 09:30"))
    )
    assert Response.objects.get(id=rid).submitted_at.isoformat() == "2024-11-02T01:30:00+00:00"


def test_a_file_with_only_a_header_stores_nothing(survey):
    result = responses_import_text(survey=survey, text=HEADER + "\n")
    assert result.created == 0


def test_an_empty_file_is_an_error(survey):
    assert _problems(survey, "") == ["第 1 行：文件是空的，缺少表头"]


def test_it_refuses_an_id_that_belongs_to_another_survey(survey):
    from tests.factories import make_survey

    other = make_survey("other-2024")
    rid = uuid.uuid4()
    responses_import_text(survey=other, text=csv_text(csv_row(rid)))
    assert _problems(survey, csv_text(csv_row(rid))) == [f"第 2 行，列 response_id：{rid} 已属于另一项调查"]


def test_imported_responses_get_their_quality_flags(survey):
    # The 东村 villagers 18–44 quota is 3: the fourth and fifth rows arrive over it.
    rows = [csv_row(submitted_at=f"2024-11-02T09:3{k}:00+08:00") for k in range(5)]
    responses_import_text(survey=survey, text=csv_text(*rows))
    flagged = [r for r in Response.objects.all() if any(f["code"] == "over_quota" for f in r.flags)]
    assert len(flagged) == 2


def test_a_file_with_more_problems_than_are_listed_says_where_checking_stopped(survey):
    rows = [csv_row(uuid.uuid4(), village="nowhere") for _ in range(80)]
    with pytest.raises(ResponseImportError) as refused:
        responses_import_text(survey=survey, text=csv_text(*rows))
    message = str(refused.value)
    assert len(refused.value.problems) == 50
    assert message.endswith("只列出前 50 个问题：第 51 行之后没有检查，改正后请再导入一次。")
    assert not Response.objects.exists()


def test_a_header_with_more_problems_than_are_listed_is_cut_as_the_rows_are(survey):
    """A header of 100,000 unknown columns printed 100,000 lines."""
    header = HEADER + "," + ",".join(f"x{i}" for i in range(1000))
    with pytest.raises(ResponseImportError) as refused:
        responses_import_text(survey=survey, text=header + "\n" + csv_row() + "\n")
    assert len(refused.value.problems) == 50
    assert str(refused.value).endswith("只列出前 50 个问题：第 1 行之后没有检查，改正后请再导入一次。")


def test_a_file_with_exactly_fifty_problems_lists_them_all_without_a_note(survey):
    rows = [csv_row(uuid.uuid4(), village="nowhere") for _ in range(50)]
    with pytest.raises(ResponseImportError) as refused:
        responses_import_text(survey=survey, text=csv_text(*rows))
    assert "只列出前" not in str(refused.value)
