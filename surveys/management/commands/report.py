from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from surveys.localized import language
from surveys.management.commands._common import SurveyCommand, get_survey
from surveys.reports import FORMATS, render_report
from surveys.reports.data import report_data
from surveys.services.publish import published_report


class Command(SurveyCommand):
    help = "写出评价报告（xlsx、pdf、csv 或 SPSS sav）。已发布的调查写出发布时冻结的文件。"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("-o", "--output", required=True, help="输出文件（- 表示标准输出）")
        parser.add_argument("--fresh", action="store_true", help="已发布的调查也按当前数据重新生成")

    def handle(self, *args, slug, format, output, fresh, **options):
        lang = language()  # --lang (surveys/management/commands/_common.py)
        survey = get_survey(slug)
        published = None if fresh or survey.status != survey.Status.PUBLISHED else published_report(survey)
        frozen = published.file(format, lang) if published is not None else b""
        if frozen:
            body, data_hash, what = frozen, published.data_hash, _("已发布报告")
        else:
            data = report_data(survey, language=lang)
            body, data_hash, what = render_report(data, format), data.data_hash, _("报告")
        if output == "-":
            self.stdout.buffer.write(body) if hasattr(self.stdout, "buffer") else self.stdout.write(
                body.decode()
            )
            return
        try:
            Path(output).write_bytes(body)
        except OSError as exc:
            raise CommandError(
                _("无法写入 %(file)s：%(why)s") % {"file": output, "why": exc.strerror}
            ) from None
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
