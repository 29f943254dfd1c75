from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from surveys.backup import BackupInvalid, survey_restore_read
from surveys.management.commands._common import SurveyCommand, cannot_read, input_file
from surveys.models import Response


class Command(SurveyCommand):
    help = gettext_lazy(
        "从 backup_survey 的备份文件恢复一项调查（全部或全不）。同代码的调查已存在时拒绝恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("backup_survey 写出的 JSON 文件"))

    def handle(self, *args, file, **options):
        try:
            with input_file(file, encoding="utf-8-sig") as stream:  # a byte order mark read past
                survey = survey_restore_read(stream=stream)
        except BackupInvalid as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise cannot_read(file, exc) from None
        count = Response.objects.filter(survey=survey).count()
        restored = ngettext("%(slug)s 已恢复：%(n)d 份答卷。", "%(slug)s 已恢复：%(n)d 份答卷。", count)
        self.stderr.write(restored % {"slug": survey.slug, "n": count})
