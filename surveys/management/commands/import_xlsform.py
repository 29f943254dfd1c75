from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.localized import localized
from surveys.management.commands._common import SurveyCommand, cannot_read, input_file
from surveys.xlsform import XLSFormError, survey_import_xlsform


class Command(SurveyCommand):
    help = gettext_lazy("从 XLSForm 工作簿（.xlsx）导入问卷，新建一项草稿调查（全部成功或全部不导入）。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("XLSForm 工作簿（survey、choices、settings 表）"))
        parser.add_argument("--slug", help=_("调查代码；不填则用 settings 表的 form_id"))
        parser.add_argument("--year", type=int, help=_("年度；不填则用 settings 表的 year"))
        parser.add_argument("--invitations", action="store_true", help=_("同时生成邀请链接"))

    def handle(self, *args, file, slug, year, invitations, **options):
        try:
            with input_file(file, binary=True) as stream:
                result = survey_import_xlsform(
                    source=stream, slug=slug, year=year, issue_invitations=invitations
                )
        except XLSFormError as exc:
            raise CommandError(_("%(file)s 未导入：") % {"file": file} + f"\n{exc}") from None
        except OSError as exc:
            raise cannot_read(file, exc) from None
        for warning in result.warnings:
            self.stderr.write(_("提示：%(warning)s") % {"warning": warning})
        survey = result.survey
        self.stdout.write(
            _("已导入 %(slug)s（%(title)s）：%(dimensions)d 个维度，%(items)d 道题，状态为草稿。")
            % {
                "slug": survey.slug,
                "title": localized(survey),
                "dimensions": survey.dimension_set.count(),
                "items": survey.item_set.count(),
            }
        )
