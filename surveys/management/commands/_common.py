"""What the survey commands share: a survey looked up by its code, the language they speak, and
how they behave in a shell when something goes wrong.

Every command here speaks Chinese, and English with `--lang en` (its messages and errors; `report`
and `score` also write their documents in that language). Output meant for programs — CSV, JSON,
file names — keeps its codes whatever the language.

Exit statuses: 0 done; 1 refused (`错误：…` on stderr, nothing stored changed); 2 a usage
error (same form, surveys/management/parser_language.py); 141 the reader of the output went away
(`… | head -1`), quietly, as a program killed by SIGPIPE.
"""

import os
import select
import signal
import sys
import traceback
from contextlib import suppress

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, SystemCheckError, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _

from survey_site.language import CHOICES as LANGUAGE_CHOICES
from surveys.management.parser_language import LanguageParser, argv_language, in_language, refusal, speaking
from surveys.models import Survey

BROKEN_PIPE_STATUS = 128 + signal.SIGPIPE


class SurveyCommand(BaseCommand):
    """A command with `--lang zh|en` (Chinese by default) that runs in that language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        with speaking():  # argparse's own texts (`-h`'s help, the groups' titles) are written now
            parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser and has no hook for another class; LanguageParser adds
        # behaviour only (no state of its own), so the parser Django built becomes one.
        parser.__class__ = LanguageParser
        parser.add_argument("--lang", choices=["en", "zh"], help="输出语言：zh（中文，默认）或 en（英文）")
        return parser

    def execute(self, *args, **options):
        # Without --lang the language in force stays: Chinese from the shell, the caller's when
        # one command calls another (`demo` → `import_responses`).
        lang = options.get("lang")
        with in_language(LANGUAGE_CHOICES[lang] if lang else None):
            return super().execute(*args, **options)

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
