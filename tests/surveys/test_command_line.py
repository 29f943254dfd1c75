"""The survey commands in a shell, when something goes wrong: a reader that goes away (`| head -1`),
a usage error, a refusal — each in the command's language (Chinese, or English with --lang en),
one line on stderr, and the exit status a script can test (README, "Commands").

The shell tests run manage.py in a subprocess on their own SQLite database in a temporary folder
(never DATABASE_URL: PostgreSQL is not theirs to use)."""

import argparse
import errno
import gettext
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.utils import translation

from surveys.management.commands._common import SurveyCommand
from surveys.management.commands.score import Command as ScoreCommand
from surveys.management.parser_language import argv_language
from surveys.models import Invitation, PaperSheet, Response, Survey

SLUG = "daligang-2020"


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]


def shell_env(data_dir) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "survey_site.settings",
        "SURVEY_DATA_DIR": str(data_dir),
        "PYTHONIOENCODING": "utf-8",
    }


def manage(data_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        manage_command(*args),
        env=shell_env(data_dir),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A database of its own with the 2020 survey and its 400 synthetic responses."""
    folder = tmp_path_factory.mktemp("manage")
    synthetic = str(settings.BASE_DIR / "fixtures" / "daligang-2020-synthetic.csv")
    for args in (
        ["migrate", "-v", "0"],
        ["loaddata", SLUG, "-v", "0"],
        ["import_responses", SLUG, synthetic],
    ):
        done = manage(folder, *args)
        assert done.returncode == 0, done.stderr
    return folder


# ---------------------------------------------------------------- a reader that goes away


@pytest.mark.parametrize(
    "args",
    [
        ["export_responses", SLUG],
        ["score", SLUG],
        ["report", SLUG, "--format", "csv", "-o", "-"],
        ["invitations", SLUG],
    ],
    ids=["export_responses", "score", "report", "invitations"],
)
def test_a_closed_output_pipe_ends_the_command_quietly_with_status_141(data_dir, args):
    process = subprocess.Popen(
        manage_command(*args),
        env=shell_env(data_dir),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader goes away before the command has written anything
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=180) == 141
    assert stderr == ""  # no traceback, no "Exception ignored"


def test_head_takes_the_first_line_of_an_export_and_the_command_ends_with_141(data_dir):
    # The export (about 90 KB) is more than the pipe holds and head reads once: the command
    # meets the closed pipe while it still has rows to write.
    script = f"set -o pipefail; {' '.join(manage_command('export_responses', SLUG))} | head -1"
    done = subprocess.run(
        ["bash", "-c", script],
        env=shell_env(data_dir),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert done.stdout.startswith("response_id,village,group,age_band,submitted_at,income,")
    assert done.stdout.count("\n") == 1
    assert (done.returncode, done.stderr) == (141, "")


def test_a_command_whose_output_is_read_to_the_end_still_ends_with_0(data_dir):
    done = manage(data_dir, "invitations", SLUG)
    assert done.returncode == 0 and done.stdout.startswith("village,group,token,url\n")


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (["score"], "错误：缺少必需的参数：slug", "Error: the following arguments are required: slug"),
        (
            ["report", SLUG, "--format", "doc", "-o", "r.doc"],
            "错误：参数 --format：无效的选项 'doc'（可选：'xlsx', 'pdf', 'csv', 'sav'）",
            "Error: argument --format: invalid choice: 'doc' (choose from 'xlsx', 'pdf', 'csv', 'sav')",
        ),
        (
            ["score", SLUG, "--colour"],
            "错误：无法识别的参数：--colour",
            "Error: unrecognized arguments: --colour",
        ),
        (
            ["paper_forms", SLUG, "--invitation", "t", "--count", "ten", "-o", "p.pdf"],
            "错误：参数 --count：无效的 int 值：'ten'",
            "Error: argument --count: invalid int value: 'ten'",
        ),
    ],
    ids=["missing", "choice", "unrecognised", "type"],
)
def test_a_usage_error_is_one_line_in_the_commands_language_with_status_2(tmp_path, args, chinese, english):
    zh = manage(tmp_path, *args)
    en = manage(tmp_path, *args, "--lang", "en")
    assert (zh.returncode, zh.stdout, zh.stderr) == (2, "", chinese + "\n")
    assert (en.returncode, en.stdout, en.stderr) == (2, "", english + "\n")


def test_lang_counts_when_argparse_stops_before_reaching_it(tmp_path):
    done = manage(tmp_path, "score", "--method", "jackknife", "--lang=en", SLUG)
    assert done.stderr == (
        "Error: argument --method: invalid choice: 'jackknife' (choose from 'taylor', 'bootstrap')\n"
    )


def test_a_refusal_is_one_line_in_the_commands_language_with_status_1(data_dir):
    zh = manage(data_dir, "score", "daligang-2021")
    en = manage(data_dir, "score", "daligang-2021", "--lang", "en")
    assert (zh.returncode, zh.stderr) == (1, "错误：没有代码为 'daligang-2021' 的调查。已有：daligang-2020\n")
    assert (en.returncode, en.stderr) == (
        1,
        "Error: There is no survey with the code 'daligang-2021'. There are: daligang-2020\n",
    )


@pytest.mark.django_db
def test_call_command_raises_the_usage_error_in_the_commands_language():
    with pytest.raises(CommandError) as chinese:
        call_command("score", SLUG, "--method", "jackknife")
    with pytest.raises(CommandError) as english:
        call_command("score", SLUG, "--method", "jackknife", "--lang", "en")
    assert str(chinese.value) == "错误：参数 --method：无效的选项 'jackknife'（可选：'taylor', 'bootstrap'）"
    assert str(english.value) == (
        "Error: argument --method: invalid choice: 'jackknife' (choose from 'taylor', 'bootstrap')"
    )
    # argparse speaks its own language again afterwards, to other programs in the process.
    assert (argparse._, argparse.ngettext) == (gettext.gettext, gettext.ngettext)


def test_the_help_is_headed_in_the_language_in_force():
    chinese = ScoreCommand().create_parser("manage.py", "score").format_help()
    with translation.override("en"):
        english = ScoreCommand().create_parser("manage.py", "score").format_help()
    assert (
        chinese.startswith("用法：manage.py score")
        and "位置参数" in chinese
        and "显示此帮助信息并退出" in chinese
    )
    assert english.startswith("usage: manage.py score") and "positional arguments" in english


def survey_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app == "surveys")


@pytest.mark.parametrize("name", survey_commands())
def test_every_option_is_explained_in_the_commands_language(name):
    """Django's own options too (--verbosity, --settings…), which Django explains in English only."""
    command = load_command_class("surveys", name)
    assert isinstance(command, SurveyCommand)
    with translation.override("zh-hans"):
        chinese = command.create_parser("manage.py", name)
    with translation.override("en"):
        english = command.create_parser("manage.py", name)
        english_help = english.format_help()
    assert has_chinese(chinese.description) and not has_chinese(english.description)
    for zh, en in zip(chinese._actions, english._actions, strict=True):
        assert zh.help and has_chinese(zh.help), (name, zh.dest, zh.help)
        assert en.help and not has_chinese(en.help), (name, en.dest, en.help)
    assert not has_chinese(english_help)


def test_help_in_a_shell_follows_lang(tmp_path):
    zh = manage(tmp_path, "paper_forms", "--help")
    en = manage(tmp_path, "paper_forms", "--help", "--lang", "en")
    assert zh.returncode == en.returncode == 0
    assert "--count COUNT         份数（1 至 1000）" in zh.stdout
    assert "--verbosity {0,1,2,3}\n                        输出的详细程度" in zh.stdout
    assert "--count COUNT         Number of sheets (1 to 1000)" in en.stdout
    assert not has_chinese(en.stdout)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.mark.parametrize(
    ("args", "language"),
    [
        (["x", "--lang", "en"], "en"),
        (["--lang=en", "x"], "en"),
        (["--lang", "en", "--lang", "zh"], "zh-hans"),
        (["x", "--", "--lang", "en"], None),
        (["x", "--lang", "fr"], None),
        (["x", "--lang"], None),
        (["x"], None),
    ],
)
def test_the_language_is_read_from_the_arguments_before_they_are_parsed(args, language):
    assert argv_language(args) == language


# ---------------------------------------------------------------- files


def writing(survey_slug: str, path: str) -> dict[str, list[str]]:
    """Each command that writes a file, with its output at the path."""
    return {
        "export_responses": ["export_responses", survey_slug, "-o", path],
        "synthetic_responses": ["synthetic_responses", survey_slug, "-o", path],
        "backup_survey": ["backup_survey", survey_slug, "-o", path],
        "export_xlsform": ["export_xlsform", survey_slug, "-o", path],
        "report": ["report", survey_slug, "--format", "csv", "-o", path],
        "paper_forms": [
            "paper_forms",
            survey_slug,
            "--invitation",
            f"{survey_slug}-east",
            "--count",
            "2",
            "-o",
            path,
        ],
        "posters": ["posters", survey_slug, "-o", path],
    }


WRITERS = list(writing("s", "p"))
# What each writer does before it writes (module.name in surveys/management/commands).
WORK = [
    "export_responses.responses_csv_lines",
    "synthetic_responses.write_synthetic_csv",
    "backup_survey.survey_backup_write",
    "export_xlsform.survey_export_xlsform",
    "report.report_data",
    "paper_forms.paper_sheets_print",
    "posters.poster_text",
]


def refusal_of(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(refused.value)


def stored() -> tuple:
    """What the database holds that a command could add to."""
    return (
        Survey.objects.count(),
        Response.objects.count(),
        PaperSheet.objects.count(),
        Invitation.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("command", WRITERS)
def test_a_writer_refuses_an_output_folder_that_does_not_exist_before_its_work(
    survey, tmp_path, monkeypatch, command
):
    for work in WORK:  # the work itself would fail the test: the refusal must come first
        monkeypatch.setattr(f"surveys.management.commands.{work}", _work_done)
    path = str(tmp_path / "missing" / "out.file")
    before = stored()
    message = refusal_of(*writing(survey.slug, path)[command])
    assert message == f"无法写入 {path}：文件夹 {tmp_path / 'missing'} 不存在"
    assert stored() == before
    assert list(tmp_path.iterdir()) == []


def _work_done(*args, **kwargs):
    raise AssertionError("the command did its work before checking its output")


@pytest.mark.django_db
def test_the_refusal_is_english_with_lang_en(survey, tmp_path):
    message = refusal_of("export_responses", survey.slug, "-o", str(tmp_path), "--lang", "en")
    assert message == f"Cannot write {tmp_path}: it is a folder, not a file"
    message = refusal_of("report", survey.slug, "--format", "csv", "-o", "/dev/full", "--lang", "en")
    assert message == "Cannot write /dev/full: the disk is full"


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["export_responses", "report", "backup_survey", "paper_forms"])
def test_a_writer_refuses_a_folder_as_its_output_file(survey, tmp_path, command):
    before = stored()
    assert refusal_of(*writing(survey.slug, str(tmp_path))[command]) == (
        f"无法写入 {tmp_path}：这是一个文件夹，不是文件"
    )
    assert stored() == before


@pytest.mark.django_db
def test_posters_refuse_a_file_where_their_folder_should_be(survey, tmp_path):
    (tmp_path / "posters").write_text("not a folder")
    path = str(tmp_path / "posters")
    assert refusal_of("posters", survey.slug, "-o", path) == f"无法写入 {path}：{path} 是文件，不是文件夹"


@pytest.mark.django_db
def test_a_file_where_a_folder_of_the_path_should_be_is_named(survey, tmp_path):
    (tmp_path / "out").write_text("a file")
    path = str(tmp_path / "out" / "a.csv")
    assert refusal_of("export_responses", survey.slug, "-o", path) == (
        f"无法写入 {path}：{tmp_path / 'out'} 是文件，不是文件夹"
    )


@pytest.mark.django_db
def test_a_full_disk_is_named(survey):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    assert refusal_of("export_responses", survey.slug, "-o", "/dev/full") == "无法写入 /dev/full：磁盘已满"


@pytest.mark.django_db
def test_a_folder_without_permission_to_write_is_refused_before_numbering_sheets(
    survey, tmp_path, monkeypatch
):
    real_open = os.open

    def denied(path, *args, **kwargs):  # as for a folder of another user (the tests may run as root)
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    path = str(tmp_path / "sheets.pdf")
    args = writing(survey.slug, path)["paper_forms"]
    assert refusal_of(*args) == f"无法写入 {path}：没有写入权限"
    assert refusal_of(*args, "--lang", "en") == f"Cannot write {path}: permission to write it is denied"
    assert not PaperSheet.objects.exists()


@pytest.mark.django_db
def test_a_refusal_after_the_output_was_opened_leaves_the_file_there_as_it_was(survey, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise CommandError("做不出来")

    monkeypatch.setattr("surveys.management.commands.report.render_report", refused)
    kept = tmp_path / "report.csv"
    kept.write_text("上次的报告")
    assert refusal_of("report", survey.slug, "--format", "csv", "-o", str(kept)) == "做不出来"
    assert kept.read_text() == "上次的报告"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no half-written file left beside it


@pytest.mark.django_db
def test_a_written_file_replaces_the_old_one_and_keeps_its_permissions(survey, tmp_path):
    backup = tmp_path / "hill.json"
    backup.write_text("old")
    backup.chmod(0o600)
    call_command("backup_survey", survey.slug, "-o", str(backup), stderr=io.StringIO())
    assert json.loads(backup.read_text())["survey"] == survey.slug
    assert backup.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["hill.json"]


def reading(survey_slug: str, path: str) -> dict[str, list[str]]:
    """Each command that reads a file, with its input at the path."""
    return {
        "import_responses": ["import_responses", survey_slug, path],
        "import_xlsform": ["import_xlsform", path, "--slug", "river-2024"],
        "restore_survey": ["restore_survey", path],
        "score": ["score", survey_slug, "--scheme", path],
    }


READERS = list(reading("s", "p"))


@pytest.mark.django_db
@pytest.mark.parametrize("command", READERS)
def test_a_reader_refuses_a_missing_file_and_a_folder_and_stores_nothing(survey, tmp_path, command):
    before = stored()
    missing = str(tmp_path / "missing.file")
    assert refusal_of(*reading(survey.slug, missing)[command]) == f"无法读取 {missing}：文件不存在"
    assert refusal_of(*reading(survey.slug, str(tmp_path))[command]) == (
        f"无法读取 {tmp_path}：这是一个文件夹，不是文件"
    )
    english = refusal_of(*reading(survey.slug, missing)[command], "--lang", "en")
    assert english == f"Cannot read {missing}: there is no such file"
    assert stored() == before


@pytest.mark.django_db
def test_a_file_without_permission_to_read_is_refused(survey, tmp_path, monkeypatch):
    import surveys.management.commands._common as common

    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(common, "open", denied, raising=False)
    path = str(tmp_path / "answers.csv")
    assert refusal_of("import_responses", survey.slug, path) == f"无法读取 {path}：没有读取权限"


def test_a_reason_the_commands_do_not_know_is_the_systems():
    from surveys.management.commands._common import cannot_read, cannot_write

    assert str(cannot_write("a.csv", OSError(errno.EROFS, "Read-only file system"))) == (
        "无法写入 a.csv：文件系统只读"
    )
    assert str(cannot_read("a.csv", OSError(errno.EIO, "Input/output error"))) == (
        "无法读取 a.csv：Input/output error"
    )


def test_a_refused_output_is_one_line_with_status_1_in_the_shell(data_dir, tmp_path):
    path = str(tmp_path / "missing" / "a.csv")
    zh = manage(data_dir, "export_responses", SLUG, "-o", path)
    en = manage(data_dir, "export_responses", SLUG, "-o", path, "--lang", "en")
    assert (zh.returncode, zh.stdout, zh.stderr) == (
        1,
        "",
        f"错误：无法写入 {path}：文件夹 {tmp_path / 'missing'} 不存在\n",
    )
    assert (en.returncode, en.stderr) == (
        1,
        f"Error: Cannot write {path}: the folder {tmp_path / 'missing'} does not exist\n",
    )


def test_paper_forms_takes_a_token_that_begins_with_a_dash(data_dir, tmp_path):
    """The invitations command listed "-6ny6hgx9fM"; `paper_forms … --invitation -6ny6hgx9fM`
    answered that --invitation needs a value."""
    made = manage(
        data_dir,
        "shell",
        "-c",
        "from surveys.models import Invitation, Survey, Village, Group; "
        f"s = Survey.objects.get(slug='{SLUG}'); "
        "Invitation.objects.create(survey=s, token='-6ny6hgx9fM', "
        "village=Village.objects.get(survey=s, code='zhujia'), group=Group.objects.get(survey=s, code='villager'))",
    )
    assert made.returncode == 0, made.stderr
    out = tmp_path / "sheets.pdf"
    done = manage(
        data_dir, "paper_forms", SLUG, "--invitation", "-6ny6hgx9fM", "--count", "1", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    missing = manage(data_dir, "paper_forms", SLUG, "--invitation", "--count", "1", "-o", str(out))
    assert missing.returncode != 0 and "--invitation" in missing.stderr  # still: it needs a value


def test_new_invitation_tokens_do_not_begin_with_a_dash(monkeypatch):
    from surveys.models import new_token

    drawn = iter(["-6ny6hgx9fM", "--Zq0aa1bb2", "k6ny6hgx9fM"])
    monkeypatch.setattr("secrets.token_urlsafe", lambda n: next(drawn))
    assert new_token() == "k6ny6hgx9fM"
