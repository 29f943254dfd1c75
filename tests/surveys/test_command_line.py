"""The survey commands in a shell, when something goes wrong: a reader that goes away (`| head -1`),
a usage error, a refusal — each in the command's language (Chinese, or English with --lang en),
one line on stderr, and the exit status a script can test (README, "Commands").

The shell tests run manage.py in a subprocess on their own SQLite database in a temporary folder
(never DATABASE_URL: PostgreSQL is not theirs to use)."""

import argparse
import gettext
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from surveys.management.commands.score import Command as ScoreCommand
from surveys.management.parser_language import argv_language

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
