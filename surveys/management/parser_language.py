"""The survey commands' usage errors and help in the command's language: Chinese, or English with
`--lang en`.

argparse writes its own messages (a missing argument, an invalid choice, an unrecognised
argument, a value of the wrong type) through the gettext functions it imported at start-up,
`argparse._` and `argparse.ngettext`, which look nowhere but the process's default domain. While a
survey command's parser parses, `speaking()` puts the Chinese of each message in their place
(its English, argparse's own words, is in locale/en like every other message). The language has
to be read from the arguments before argparse has parsed them: the error may come first.
"""

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext_lazy

from survey_site.language import CHOICES

# argparse's message → its Chinese, the msgid (only those a user of a survey command can meet);
# in their own context, as some (选项) mean something else elsewhere.
MESSAGES = {
    "usage: ": pgettext_lazy("命令行", "用法："),
    "positional arguments": pgettext_lazy("命令行", "位置参数"),
    "options": pgettext_lazy("命令行", "选项"),
    "show this help message and exit": pgettext_lazy("命令行", "显示此帮助信息并退出"),
    "argument %(argument_name)s: %(message)s": pgettext_lazy("命令行", "参数 %(argument_name)s：%(message)s"),
    "the following arguments are required: %s": pgettext_lazy("命令行", "缺少必需的参数：%s"),
    "one of the arguments %s is required": pgettext_lazy("命令行", "参数 %s 须给出其中一个"),
    "unrecognized arguments: %s": pgettext_lazy("命令行", "无法识别的参数：%s"),
    "invalid choice: %(value)r (choose from %(choices)s)": pgettext_lazy(
        "命令行", "无效的选项 %(value)r（可选：%(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": pgettext_lazy("命令行", "无效的 %(type)s 值：%(value)r"),
    "expected one argument": pgettext_lazy("命令行", "需要一个值"),
    "expected at most one argument": pgettext_lazy("命令行", "最多需要一个值"),
    "expected at least one argument": pgettext_lazy("命令行", "至少需要一个值"),
    "not allowed with argument %s": pgettext_lazy("命令行", "不能与参数 %s 同时使用"),
    "ignored explicit argument %r": pgettext_lazy("命令行", "不接受值 %r"),
    "ambiguous option: %(option)s could match %(matches)s": pgettext_lazy(
        "命令行", "有歧义的选项：%(option)s 可以是 %(matches)s"
    ),
    "unexpected option string: %s": pgettext_lazy("命令行", "意外的选项：%s"),
}


def _gettext(message: str) -> str:
    return str(MESSAGES[message]) if message in MESSAGES else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return ngettext("需要 %s 个值", "需要 %s 个值", n)
    return singular if n == 1 else plural


@contextmanager
def speaking() -> Iterator[None]:
    """argparse's messages in the active language while the block runs (then argparse's own)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def argv_language(args: Sequence[str]) -> str | None:
    """The Django language `--lang` asks for among the command's arguments (`--lang en`,
    `--lang=en`; the last one counts, as in argparse), or None without one or with a wrong one."""
    chosen = None
    for position, arg in enumerate(args):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if name != "--lang":
            continue
        if not equals:
            value = args[position + 1] if position + 1 < len(args) else ""
        chosen = CHOICES.get(value)
    return chosen


def in_language(language: str | None):
    """The block runs in that language, or in the one in force when None."""
    return translation.override(language) if language else nullcontext()


def refusal(message: str) -> str:
    """How a command's refusal reads on one line: `错误：…` or `Error: …`."""
    return gettext("错误：%(message)s") % {"message": message}


class LanguageParser(CommandParser):
    """Django's CommandParser, speaking the language `--lang` asks for.

    On the command line a usage error is one line on stderr, `错误：…` like any other refusal,
    and the exit status is 2 (argparse's); through call_command it is a CommandError.
    """

    def parse_args(self, args=None, namespace=None):
        # parse_args itself refuses arguments left over, after parse_known_args has returned.
        with in_language(argv_language(args or [])), speaking():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with in_language(argv_language(args or [])), speaking():
            return super().parse_known_args(args, namespace)

    def format_usage(self):
        with speaking():
            return super().format_usage()

    def format_help(self):
        with speaking():
            return super().format_help()

    def error(self, message):
        if self.called_from_command_line:
            self.exit(2, refusal(message) + "\n")
        raise CommandError(refusal(message))
