from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.management.commands._common import get_survey
from surveys.reports import FORMATS, render_report
from surveys.reports.data import report_data
from surveys.services.publish import published_report


class Command(BaseCommand):
    help = "写出评价报告（xlsx、pdf、csv 或 SPSS sav）。已发布的调查写出发布时冻结的文件。"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("-o", "--output", required=True, help="输出文件（- 表示标准输出）")
        parser.add_argument("--fresh", action="store_true", help="已发布的调查也按当前数据重新生成")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="报告语言，默认中文")

    def handle(self, *args, slug, format, output, fresh, lang, **options):
        survey = get_survey(slug)
        published = None if fresh or survey.status != survey.Status.PUBLISHED else published_report(survey)
        frozen = published.file(format, lang) if published is not None else b""
        if frozen:
            body, data_hash, what = frozen, published.data_hash, "已发布报告"
        else:
            data = report_data(survey, language=lang)
            body, data_hash, what = render_report(data, format), data.data_hash, "报告"
        if output == "-":
            self.stdout.buffer.write(body) if hasattr(self.stdout, "buffer") else self.stdout.write(
                body.decode()
            )
            return
        try:
            Path(output).write_bytes(body)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        self.stderr.write(
            f"{survey.slug} {what} {format}：{len(body)} 字节 → {output}（数据摘要 {data_hash[:16]}…）"
        )
