import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

import stats
from surveys.localized import language
from surveys.management.commands._common import SurveyCommand, get_survey
from surveys.scoring import METHODS, score_document, score_text


def read_scheme_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except FileNotFoundError:
        raise CommandError(_("找不到计分方案文件 %(file)s") % {"file": path}) from None
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("%(file)s 第 %(line)d 行第 %(column)d 列：不是有效的 JSON（%(why)s）")
            % {"file": path, "line": exc.lineno, "column": exc.colno, "why": exc.msg}
        ) from None


class Command(SurveyCommand):
    help = "计算并输出调查的满意度得分（JSON 或文字说明）。--scheme 只用于试算，不保存。"
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--scheme", help="计分方案 JSON 文件（试算，不保存）")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--method", choices=METHODS, default="taylor", help="标准误方法")

    def handle(self, *args, slug, scheme, format, method, **options):
        lang = language()  # --lang (surveys/management/commands/_common.py)
        survey = get_survey(slug)
        scheme_data = read_scheme_file(scheme) if scheme else None
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
