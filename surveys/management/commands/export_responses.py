from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.exports import responses_csv_lines
from surveys.management.commands._common import SurveyCommand, get_survey, output_file


class Command(SurveyCommand):
    help = gettext_lazy("导出答卷 CSV（与 import_responses 的格式相同）。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("-o", "--output", help=_("输出文件；省略则写到标准输出"))
        parser.add_argument(
            "--with-comments", action="store_true", help=_("在最后加一列 comment（意见建议）；导入时同样可读")
        )
        parser.add_argument(
            "--included-only",
            action="store_true",
            help=_("只导出计入得分的答卷（不含已剔除的）：报告的数据摘要即由这些答卷算得"),
        )

    def handle(self, *args, slug, output, with_comments, included_only, **options):
        survey = get_survey(slug)
        with output_file(output or "-") as out:
            out.writelines(
                responses_csv_lines(survey, with_comments=with_comments, included_only=included_only)
            )
