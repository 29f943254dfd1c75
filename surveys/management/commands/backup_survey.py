from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.backup import survey_backup_write
from surveys.management.commands._common import SurveyCommand, get_survey, output_file


class Command(SurveyCommand):
    help = gettext_lazy(
        "把一项调查整体备份为一个 JSON 文件（问卷、抽样设计、邀请链接、问卷版本、答卷、审核与审计记录）。格式见 surveys/backup.py。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("-o", "--output", required=True, help=_("备份文件（- 表示标准输出）"))
        parser.add_argument(
            "--with-members", action="store_true", help=_("包括调查成员（工作人员、评价人员的用户名与角色）")
        )
        reports = parser.add_mutually_exclusive_group()
        reports.add_argument(
            "--with-reports",
            action="store_true",
            default=None,
            dest="reports",
            help=_("包括已发布的报告（含冻结的下载文件）；已发布的调查默认包括"),
        )
        reports.add_argument(
            "--without-reports", action="store_false", dest="reports", help=_("不包括已发布的报告")
        )

    def handle(self, *args, slug, output, with_members, reports, **options):
        survey = get_survey(slug)
        with output_file(output) as stream:
            survey_backup_write(survey=survey, stream=stream, members=with_members, reports=reports)
        if output == "-":
            return
        self.stderr.write(_("%(slug)s 已备份 → %(file)s") % {"slug": survey.slug, "file": output})
