from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.localized import language
from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.reports import FORMATS, render_report
from surveys.reports.data import report_data
from surveys.services.publish import published_report


class Command(SurveyCommand):
    help = gettext_lazy("写出评价报告（xlsx、pdf、csv 或 SPSS sav）。已发布的调查写出发布时冻结的文件。")

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("--format", choices=FORMATS, required=True, help=_("文件格式"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件（- 表示标准输出）"))
        parser.add_argument("--fresh", action="store_true", help=_("已发布的调查也按当前数据重新生成"))

    def handle(self, *args, slug, format, output, fresh, **options):
        lang = language()  # --lang (surveys/management/commands/_common.py)
        survey = get_survey(slug)
        if output == "-":
            body, _data_hash, _what = self.report(survey, format, lang, fresh)
            self.stdout.buffer.write(body) if hasattr(self.stdout, "buffer") else self.stdout.write(
                body.decode()
            )
            return
        with output_file(output, binary=True) as stream:  # its path checked before the report is made
            body, data_hash, what = self.report(survey, format, lang, fresh)
            stream.write(body)
        self.stderr.write(
            _("%(slug)s %(what)s %(format)s：%(n)d 字节 → %(file)s（数据摘要 %(hash)s…）")
            % {
                "slug": survey.slug,
                "what": what,
                "format": format,
                "n": len(body),
                "file": output,
                "hash": data_hash[:16],
            }
        )

    def report(self, survey, format: str, lang: str, fresh: bool) -> tuple[bytes, str, str]:
        """The report's bytes, its data hash and what it is (the published one, or made now)."""
        published = None if fresh or survey.status != survey.Status.PUBLISHED else published_report(survey)
        frozen = published.file(format, lang) if published is not None else b""
        if frozen:
            return frozen, published.data_hash, _("已发布报告")
        data = report_data(survey, language=lang)
        return render_report(data, format), data.data_hash, _("报告")
