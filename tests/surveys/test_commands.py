import csv
import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from surveys.models import Invitation, Quota, Response, Survey
from tests.factories import csv_row, csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def daligang(db):
    call_command("loaddata", "daligang-2020", verbosity=0)
    return Survey.objects.get(slug="daligang-2020")


def test_the_fixture_holds_the_2020_survey_of_the_contract(daligang):
    assert daligang.title == "桃江县大栗港镇人民政府 2020年度部门社会公众满意度问卷调查"
    assert list(daligang.dimension_set.values_list("code", flat=True)) == [
        "economy",
        "ecology",
        "safety",
        "governance",
    ]
    items = daligang.item_set.order_by("dimension__order", "order").values_list("code", flat=True)
    assert list(items) == [
        "income", "jobs", "air", "water", "sanitation", "housing", "public_security",
        "rule_of_law", "work_style", "service_quality", "rectification", "integrity",
    ]  # fmt: skip
    options = daligang.option_set.values_list("code", "label", "points")
    assert list(options) == [
        ("satisfied", "满意", 100), ("basically_satisfied", "基本满意", 80),
        ("dissatisfied", "不满意", 0), ("dont_know", "不了解", None),
    ]  # fmt: skip
    assert daligang.village_set.count() == 17
    assert daligang.village_set.filter(is_placeholder=True).count() == 4
    assert daligang.village_set.get(code="huanglifu").name == "黄栗洑村"
    assert list(daligang.group_set.values_list("code", flat=True)) == ["villager", "staff", "deputy"]
    assert list(daligang.ageband_set.values_list("code", flat=True)) == ["18-29", "30-44", "45-59", "60+"]
    assert daligang.scheme["option_points"] == {
        "satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None
    }  # fmt: skip
    assert daligang.scheme["dimension_weights"] == {
        d: 0.25 for d in ["economy", "ecology", "safety", "governance"]
    }
    assert daligang.scheme["group_weights"] is None


def test_the_fixture_quotas_are_twenty_villagers_a_village_and_forty_staff(daligang):
    villager_quota = Quota.objects.filter(survey=daligang, group__code="villager")
    assert villager_quota.count() == 17 * 4
    assert sum(villager_quota.values_list("target", flat=True)) == 17 * 20
    assert Quota.objects.get(survey=daligang, group__code="staff").target == 40


def test_loading_the_fixture_twice_changes_nothing(daligang):
    call_command("loaddata", "daligang-2020", verbosity=0)
    assert Quota.objects.count() == 69 and Invitation.objects.count() == 19


def test_invitations_prints_one_link_per_village_plus_staff_and_deputies(daligang, capsys):
    call_command("invitations", "daligang-2020")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 19
    villagers = [r for r in rows if r["group"] == "villager"]
    assert sorted(r["village"] for r in villagers) == sorted(
        daligang.village_set.values_list("code", flat=True)
    )
    assert {(r["village"], r["group"]) for r in rows if r["group"] != "villager"} == {
        ("", "staff"),
        ("", "deputy"),
    }
    for row in rows:
        assert row["url"] == f"http://127.0.0.1:8000/s/{row['token']}/"


def test_invitations_issue_adds_links_for_a_new_village_only(daligang, capsys):
    daligang.village_set.create(code="newvillage", name="新村", order=18)
    call_command("invitations", "daligang-2020", "--issue")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 20 and [r["village"] for r in rows].count("newvillage") == 1


def test_the_synthetic_set_is_deterministic_and_imports_as_synthetic(daligang, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    call_command("synthetic_responses", "daligang-2020", "-o", str(a))
    call_command("synthetic_responses", "daligang-2020", "-o", str(b))
    assert a.read_bytes() == b.read_bytes()
    call_command("import_responses", "daligang-2020", str(a), "--synthetic")
    assert Response.objects.filter(source="synthetic").count() == 17 * 20 + 40 + 20


def test_the_committed_synthetic_file_is_what_the_generator_makes(daligang, tmp_path, settings):
    out = tmp_path / "s.csv"
    call_command("synthetic_responses", "daligang-2020", "-o", str(out))
    committed = settings.BASE_DIR / "fixtures" / "daligang-2020-synthetic.csv"
    assert out.read_bytes() == committed.read_bytes()


def test_import_command_reports_counts(survey, tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_text(csv_text(csv_row(), csv_row()), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path))
    call_command("import_responses", survey.slug, str(path))
    assert capsys.readouterr().out.splitlines() == [
        "新增 2 份，跳过已存在 0 份。",
        "新增 0 份，跳过已存在 2 份。",
    ]


def test_import_command_says_how_many_lines_repeated_an_earlier_one(survey, tmp_path, capsys):
    rid, other = uuid.uuid4(), uuid.uuid4()
    path = tmp_path / "joined.csv"
    path.write_text(csv_text(csv_row(rid), csv_row(other), csv_row(rid), csv_row(other)), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path))
    call_command("import_responses", survey.slug, str(path), "--lang", "en")
    assert capsys.readouterr().out.splitlines() == [
        "新增 2 份，跳过已存在 0 份。",
        "文件中 2 行与前面某行的 response_id 和内容都相同，按同一份答卷只计一次。",
        "0 added, 2 already stored and skipped.",
        "2 lines repeat earlier lines of the file (same response_id, same content): "
        "each response is counted once.",
    ]
    assert Response.objects.count() == 2


def test_import_command_fails_naming_the_file_line_and_column(survey, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(csv_row(), csv_row(answers=("satisfied", "yes", ""))), encoding="utf-8")
    with pytest.raises(CommandError, match=r"未导入任何答卷：\n第 3 行，列 roads：未知选项代码 'yes'"):
        call_command("import_responses", survey.slug, str(path))
    assert Response.objects.count() == 0


def test_import_command_names_an_unknown_survey(db, tmp_path):
    with pytest.raises(CommandError, match="没有代码为 'nowhere' 的调查"):
        call_command("import_responses", "nowhere", str(tmp_path / "x.csv"))


def test_with_lang_en_the_commands_speak_english(survey, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(csv_row(), csv_row(answers=("satisfied", "yes", ""))), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_responses", survey.slug, str(bad), "--lang", "en")
    assert str(refused.value) == (
        f"{bad}: no response was imported:\nline 3, column roads: unknown code 'yes' (Option); "
        "expected one of satisfied, basically_satisfied, dissatisfied, dont_know"
    )
    with pytest.raises(
        CommandError, match="^There is no survey with the code 'nowhere'. There are: hill-2024$"
    ):
        call_command("import_responses", "nowhere", str(bad), "--lang", "en")

    good = tmp_path / "good.csv"
    good.write_text(csv_text(csv_row()), encoding="utf-8")
    call_command("import_responses", survey.slug, str(good), "--lang", "en")
    call_command("import_responses", survey.slug, str(good))  # and Chinese again without it
    assert capsys.readouterr().out.splitlines() == [
        "1 added, 0 already stored and skipped.",
        "新增 0 份，跳过已存在 1 份。",
    ]
    assert Response.objects.count() == 1


def test_import_command_rejects_a_file_that_is_not_utf8(survey, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(csv_text(csv_row(village="东村")).encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        call_command("import_responses", survey.slug, str(path))


def test_a_file_saved_by_excel_in_gbk_is_refused_naming_its_line_column_and_the_way_out(survey, tmp_path):
    path = tmp_path / "excel.csv"
    rows = [csv_row(uuid.uuid4()), csv_row(uuid.uuid4(), village="东村")]
    path.write_bytes(csv_text(*rows).replace("\n", "\r\n").encode("gbk"))
    with pytest.raises(CommandError) as refused:
        call_command("import_responses", survey.slug, str(path))
    message = str(refused.value)
    assert "未导入任何答卷" in message
    assert "第 3 行，列 village：不是 UTF-8 编码" in message
    assert "GBK" in message and "CSV UTF-8" in message
    with pytest.raises(CommandError, match="line 3, column village: not UTF-8: it looks like Excel's"):
        call_command("import_responses", survey.slug, str(path), "--lang", "en")
    assert Response.objects.count() == 0


def test_a_generated_thousand_responses_import_once(survey, tmp_path):
    rows = [csv_row(uuid.uuid4(), village=("east", "west")[k % 2]) for k in range(1000)]
    path = tmp_path / "thousand.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path))
    call_command("import_responses", survey.slug, str(path))
    assert Response.objects.count() == 1000


def test_a_thousand_row_file_with_one_bad_cell_stores_nothing(survey, tmp_path):
    rows = [csv_row(uuid.uuid4()) for _ in range(1000)]
    rows[499] = csv_row(uuid.uuid4(), answers=("satisfied", "satisfied", "sattisfied"))
    path = tmp_path / "one-bad.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    with pytest.raises(CommandError, match=r"第 501 行，列 water：未知选项代码 'sattisfied'"):
        call_command("import_responses", survey.slug, str(path))
    assert Response.objects.count() == 0


def test_a_copy_whose_id_repeats_with_other_content_is_refused(survey, tmp_path):
    rows = [csv_row(uuid.uuid4()) for _ in range(1000)]
    path = tmp_path / "good.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    call_command("import_responses", survey.slug, str(path))
    changed = rows[:]
    changed[10] = changed[10].replace("satisfied,basically_satisfied", "dissatisfied,basically_satisfied", 1)
    changed.append(csv_row(uuid.uuid4()))
    path.write_text(csv_text(*changed), encoding="utf-8")
    with pytest.raises(CommandError, match=r"第 12 行，列 income：.* 已存储，但内容不同（income）"):
        call_command("import_responses", survey.slug, str(path))
    assert Response.objects.count() == 1000
