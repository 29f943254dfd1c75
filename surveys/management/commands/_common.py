"""What the survey commands share: a survey looked up by its code, and the language they speak.

Every command here speaks Chinese, and English with `--lang en` (its messages and errors; `report`
and `score` also write their documents in that language). Output meant for programs — CSV, JSON,
file names — keeps its codes whatever the language.
"""

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from survey_site.language import CHOICES as LANGUAGE_CHOICES
from surveys.models import Survey


class SurveyCommand(BaseCommand):
    """A command with `--lang zh|en` (Chinese by default) that runs in that language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--lang", choices=["en", "zh"], help="输出语言：zh（中文，默认）或 en（英文）")
        return parser

    def execute(self, *args, **options):
        # Without --lang the language in force stays: Chinese from the shell, the caller's when
        # one command calls another (`demo` → `import_responses`).
        lang = options.get("lang")
        with translation.override(LANGUAGE_CHOICES[lang]) if lang else nullcontext():
            return super().execute(*args, **options)


def get_survey(slug: str) -> Survey:
    try:
        return Survey.objects.get(slug=slug)
    except Survey.DoesNotExist:
        known = ", ".join(Survey.objects.values_list("slug", flat=True)) or _("（无）")
        raise CommandError(
            _("没有代码为 %(slug)r 的调查。已有：%(known)s") % {"slug": slug, "known": known}
        ) from None
