import codecs
import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import stats
from surveys.json_input import NotJSON, json_read
from surveys.localized import language
from surveys.management.commands._common import SurveyCommand, cannot_read, get_survey, input_file
from surveys.scoring import METHODS, score_document, score_text
from surveys.services.publish import published_document


def read_scheme_file(path: str) -> dict:
    """The scheme in a JSON file: UTF-8, a byte order mark before it read past (Windows Notepad
    saved UTF-8 with one until 2019); other text (GBK, Notepad's "ANSI" on a Chinese Windows)
    refused naming the line, broken JSON naming the line and column and why (json_read)."""
    try:
        with input_file(path, binary=True) as stream:
            raw = stream.read()
    except OSError as exc:
        raise cannot_read(path, exc) from None
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            _(
                "%(file)s 第 %(line)d 行：不是 UTF-8 编码的文字；请另存为 UTF-8 编码（记事本：“另存为”，编码选“UTF-8”）"
            )
            % {"file": path, "line": raw[: bom + exc.start].count(b"\n") + 1}
        ) from None
    try:
        return json_read(text)
    except NotJSON as exc:
        if exc.line is None:
            raise CommandError(
                _("%(file)s：不是有效的 JSON（%(why)s）") % {"file": path, "why": exc.problem}
            ) from None
        raise CommandError(
            _("%(file)s 第 %(line)d 行第 %(column)d 列：不是有效的 JSON（%(why)s）")
            % {"file": path, "line": exc.line, "column": exc.column, "why": exc.problem}
        ) from None


class Command(SurveyCommand):
    help = gettext_lazy("计算并输出调查的满意度得分（JSON 或文字说明）。--scheme 只用于试算，不保存。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("--scheme", help=_("计分方案 JSON 文件（试算，不保存）"))
        parser.add_argument(
            "--format",
            choices=["json", "text"],
            default="json",
            help=_("输出格式：json（默认）或 text（文字说明）"),
        )
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="taylor",
            help=_("标准误的算法：taylor（泰勒线性化，默认）或 bootstrap（自助法）"),
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help=_("已发布的调查也按当前数据计算（默认输出发布时冻结的得分文档）"),
        )

    def handle(self, *args, slug, scheme, format, method, fresh, **options):
        lang = language()  # --lang (surveys/management/commands/_common.py)
        survey = get_survey(slug)
        scheme_data = read_scheme_file(scheme) if scheme else None
        # A published survey's score is the one published, as the API and the report command give it.
        frozen = None if fresh or scheme_data else published_document(survey, method=method, lang=lang)
        if frozen is not None and format == "json":
            self.stdout.write(json.dumps(frozen, ensure_ascii=False, indent=2))
            return
        if frozen is not None:
            self.stderr.write(
                _("注意：该调查已发布。以下文字按当前数据计算；发布时冻结的得分文档请用 --format json。")
            )
        try:
            if format == "text":
                self.stdout.write(
                    score_text(survey, scheme_data=scheme_data, method=method, lang=lang), ending=""
                )
            else:
                document = score_document(survey, scheme_data=scheme_data, method=method, lang=lang)
                self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        except stats.SchemeError as exc:
            lines = [
                f"  {field}: {message}" for field, messages in exc.errors.items() for message in messages
            ]
            raise CommandError(_("计分方案有误：") + "\n" + "\n".join(lines)) from None
