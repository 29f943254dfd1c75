from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from surveys.management.commands._common import SurveyCommand, cannot_read, get_survey, input_file
from surveys.services.response_import import ResponseImportError, encoding_problem, responses_import


class Command(SurveyCommand):
    help = gettext_lazy("导入答卷 CSV（全部成功或全部不导入；已存在且内容相同的答卷跳过）。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("file", help=_("答卷 CSV 文件（UTF-8，含表头）"))
        parser.add_argument(
            "--synthetic", action="store_true", help=_("标记为合成演示数据（仅用于演示与测试）")
        )
        parser.add_argument(
            "--source",
            choices=["import", "paper"],
            default="import",
            help=_(
                "答卷来源：import（文件导入，默认）或 paper（纸质问卷批量录入的表格，response_id 用问卷上二维码的编号）"
            ),
        )

    def handle(self, *args, slug, file, synthetic, source="import", **options):
        survey = get_survey(slug)
        source = "synthetic" if synthetic else source
        try:
            with input_file(file, encoding="utf-8-sig") as stream:
                result = responses_import(survey=survey, stream=stream, source=source)
        except UnicodeDecodeError:
            with open(file, "rb") as raw:
                problem = encoding_problem(raw.read())
            raise CommandError(_("%(file)s 未导入任何答卷：") % {"file": file} + f"\n{problem}") from None
        except ResponseImportError as exc:
            raise CommandError(_("%(file)s 未导入任何答卷：") % {"file": file} + f"\n{exc}") from None
        except OSError as exc:  # a read that fails half-way (a disk error, a file that went away)
            raise cannot_read(file, exc) from None
        self.stdout.write(
            _("新增 %(created)d 份，跳过已存在 %(skipped)d 份。")
            % {"created": result.created, "skipped": result.skipped - result.repeated}
        )
        if result.repeated:
            self.stdout.write(
                ngettext(
                    "文件中 %(n)d 行与前面某行的 response_id 和内容都相同，按同一份答卷只计一次。",
                    "文件中 %(n)d 行与前面某行的 response_id 和内容都相同，按同一份答卷只计一次。",
                    result.repeated,
                )
                % {"n": result.repeated}
            )
