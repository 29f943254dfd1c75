"""What the survey commands share: a survey looked up by its code, the language they speak, and
how they behave in a shell when something goes wrong.

Every command here speaks Chinese, and English with `--lang en` (its help, Django's own options'
included, its messages and errors; `report` and `score` also write their documents in that
language). Output meant for programs — CSV, JSON, file names — keeps its codes whatever the
language.

Exit statuses: 0 done; 1 refused (`错误：…` on stderr; files are checked before the work, so a
refusal leaves what is stored as it was); 2 a usage error (same form,
surveys/management/parser_language.py); 141 the reader of the output went away (`… | head -1`),
quietly, as a program killed by SIGPIPE.
"""

import errno
import os
import secrets
import select
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, SystemCheckError, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey_site.language import CHOICES as LANGUAGE_CHOICES
from surveys.management.parser_language import LanguageParser, argv_language, in_language, refusal, speaking
from surveys.models import Survey

BROKEN_PIPE_STATUS = 128 + signal.SIGPIPE

# The help of the options Django gives every command (by their dest), which Django writes in
# English only: here in Chinese, and in English (Django's own words, in locale/en) with --lang en.
DJANGO_OPTIONS_HELP = {
    "version": gettext_lazy("显示程序的版本号并退出。"),
    "verbosity": gettext_lazy("输出的详细程度：0 最少，1 正常，2 详细，3 非常详细"),
    "settings": gettext_lazy(
        "设置模块的 Python 路径，如 “myproject.settings.main”；不填则用环境变量 DJANGO_SETTINGS_MODULE。"
    ),
    "pythonpath": gettext_lazy("加到 Python 路径里的目录，如 “/home/djangoprojects/myproject”。"),
    "traceback": gettext_lazy("出现 CommandError 时显示完整的调用栈。"),
    "no_color": gettext_lazy("输出不加颜色。"),
    "force_color": gettext_lazy("输出一律加颜色。"),
    "skip_checks": gettext_lazy("跳过系统检查。"),
}


class SurveyCommand(BaseCommand):
    """A command with `--lang zh|en` (Chinese by default) that runs in that language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        with speaking():  # argparse's own texts (`-h`'s help, the groups' titles) are written now
            parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser and has no hook for another class; LanguageParser adds
        # behaviour only (no state of its own), so the parser Django built becomes one.
        parser.__class__ = LanguageParser
        parser.description = str(self.help) if self.help else None  # argparse wants a str, not a lazy one
        for action in parser._actions:
            if action.dest in DJANGO_OPTIONS_HELP:
                action.help = str(DJANGO_OPTIONS_HELP[action.dest])
        parser.add_argument("--lang", choices=["en", "zh"], help=_("输出语言：zh（中文，默认）或 en（英文）"))
        return parser

    def execute(self, *args, **options):
        # Without --lang the language in force stays: Chinese from the shell, the caller's when
        # one command calls another (`demo` → `import_responses`).
        lang = options.get("lang")
        with in_language(LANGUAGE_CHOICES[lang] if lang else None):
            try:
                return super().execute(*args, **options)
            except Exception as exc:
                # A survey saved halfway, or whose saved scheme does not fit its questionnaire,
                # cannot be scored: say what is wrong and where to fix it, not a traceback.
                # (Imported here: the scoring engine is numpy and scipy, which most commands
                # never load.)
                from surveys.scoring import QuestionnaireIncomplete, SchemeBroken

                if isinstance(exc, QuestionnaireIncomplete | SchemeBroken):
                    raise CommandError(str(exc)) from None
                raise

    def run_from_argv(self, argv):
        """Django's, with a refusal printed as `错误：…` in the command's language rather than
        `CommandError: …`, and a reader of the output that went away ending the command quietly."""
        with in_language(argv_language(argv[2:])):
            self._called_from_command_line = True
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            try:
                self.execute(*args, **cmd_options)
                sys.stdout.flush()  # what is still buffered goes now, while a closed pipe can be told apart
            except CommandError as exc:
                if options.traceback:
                    raise
                if isinstance(exc, SystemCheckError):  # formats itself
                    self.stderr.write(str(exc), lambda x: x)
                else:
                    self.stderr.write(refusal(str(exc)))
                sys.exit(exc.returncode)
            except BrokenPipeError as exc:
                if not _closed_pipe(sys.stdout) and not _closed_pipe(sys.stderr):
                    raise  # a broken pipe of something else (a socket…) is a real error
                # The command's half-read queries (export_responses streams its rows) end now,
                # while their database connection is still open.
                traceback.clear_frames(exc.__traceback__)
                _quiet_after_broken_pipe()
                sys.exit(BROKEN_PIPE_STATUS)
            finally:
                with suppress(ImproperlyConfigured):  # settings not set up
                    connections.close_all()


def _closed_pipe(stream) -> bool:
    """Whether the stream is a pipe (or socket) whose reader has gone."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(event & (select.POLLERR | select.POLLHUP) for _fd, event in poller.poll(0))


def _quiet_after_broken_pipe() -> None:
    """Point the closed streams at /dev/null: Python flushes them once more on its way out and
    would print the broken pipe it meets there."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        if _closed_pipe(stream):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


def get_survey(slug: str) -> Survey:
    try:
        return Survey.objects.get(slug=slug)
    except Survey.DoesNotExist:
        known = ", ".join(Survey.objects.values_list("slug", flat=True)) or _("（无）")
        raise CommandError(
            _("没有代码为 %(slug)r 的调查。已有：%(known)s") % {"slug": slug, "known": known}
        ) from None


# ---------------------------------------------------------------------------------------------
# Files: checked before the work, refused with the path and the reason
# ---------------------------------------------------------------------------------------------


def _not_a_folder(path: str) -> str:
    """The part of the path that is a file where a folder should be."""
    for part in [*reversed(Path(path).parents), Path(path)]:
        if part.exists() and not part.is_dir():
            return str(part)
    return path


def _reason(path: str, exc: OSError, *, writing: bool) -> str:
    if exc.errno == errno.ENOENT:
        if writing:
            return _("文件夹 %(folder)s 不存在") % {"folder": os.path.dirname(path) or "."}
        return _("文件不存在")
    if exc.errno == errno.EISDIR:
        return _("这是一个文件夹，不是文件")
    if exc.errno == errno.ENOTDIR:
        return _("%(part)s 是文件，不是文件夹") % {"part": _not_a_folder(path)}
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("没有写入权限") if writing else _("没有读取权限")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("磁盘已满")
    if exc.errno == errno.EROFS:
        return _("文件系统只读")
    return exc.strerror or str(exc)


def cannot_write(path: str, exc: OSError) -> CommandError:
    """The refusal for an output that cannot be written, e.g. `无法写入 out/a.csv：文件夹 out 不存在`."""
    return CommandError(
        _("无法写入 %(file)s：%(why)s") % {"file": path, "why": _reason(path, exc, writing=True)}
    )


def cannot_read(path: str, exc: OSError) -> CommandError:
    """The refusal for an input that cannot be read, e.g. `无法读取 a.csv：文件不存在`."""
    return CommandError(
        _("无法读取 %(file)s：%(why)s") % {"file": path, "why": _reason(path, exc, writing=False)}
    )


def input_file(path: str, *, binary: bool = False, encoding: str = "utf-8") -> IO:
    """The command's input file, open, or its refusal (missing, a folder, not readable)."""
    try:
        if binary:
            return open(path, "rb")
        return open(path, encoding=encoding, newline="")
    except OSError as exc:
        raise cannot_read(path, exc) from None


@contextmanager
def output_file(path: str, *, binary: bool = False) -> Iterator[IO]:
    """The command's output file, opened before its work: a path that cannot be written is
    refused at once, with its reason. `-` is standard output.

    The block writes to a new file beside it, which takes the path's place only when the block
    ends without error: a refusal on the way (and a disk that fills up) leaves whatever the path
    held as it was. A device or a pipe (/dev/stdout, a fifo) is written in place.
    """
    if path == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    mode = "wb" if binary else "w"
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    given = Path(path)
    temporary = None
    try:
        if given.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if given.exists() and not given.is_file():
            stream = open(given, mode, **text)
        else:
            target = given.resolve()  # through a symbolic link: the file it points to is replaced
            if target.exists() and not os.access(target, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
            temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            if target.exists():  # a backup kept private stays private
                os.fchmod(fd, stat.S_IMODE(target.stat().st_mode))
            stream = open(fd, mode, **text)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        yield stream
        stream.close()
        if temporary is not None:
            os.replace(temporary, target)
    except BaseException as exc:
        with suppress(OSError):
            stream.close()
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


def output_folder(path: str) -> Path:
    """The command's output folder, made if missing (its parent must exist), or its refusal."""
    folder = Path(path)
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
        folder.mkdir(exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # writable (a read-only disk refuses root too)
            pass
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return folder
