import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from stats.compare import compare_documents, same_scoring
from stats.explain import f2
from surveys.localized import language
from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.models import Survey
from surveys.reports.comparison import comparison_pdf, comparison_table, comparison_xlsx
from surveys.services.publish import score_document_shown

FILES = {"pdf": comparison_pdf, "xlsx": comparison_xlsx}  # the evaluator page's two downloads


def _document(survey: Survey, *, fresh: bool, lang: str = "zh") -> dict:
    """The survey's score document: the one frozen at publication, as the evaluator page, the API
    and `score` give it (the page compares these), unless `fresh` asks for today's data."""
    return score_document_shown(survey, lang=lang, live=fresh)[0]


def _kind(kind: str) -> str:
    return {"dimensions": _("维度"), "items": _("题目")}.get(kind, kind)


class Command(SurveyCommand):
    help = gettext_lazy("比较两项共用代码的调查（如 2019 与 2020 年）：差值、差值的标准误与 95% 置信区间。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("base", help=_("基期调查代码，如 daligang-2019"))
        parser.add_argument("current", help=_("本期调查代码，如 daligang-2020"))
        parser.add_argument(
            "--format",
            choices=["json", "text", "pdf", "xlsx"],
            default="text",
            help=_("输出格式：text（默认，文字说明）、json，或评价页的下载：pdf（比较报告）、xlsx（比较表）"),
        )
        parser.add_argument("-o", "--output", default="-", help=_("输出文件（- 表示标准输出，默认）"))
        parser.add_argument(
            "--fresh",
            action="store_true",
            help=_("已发布的调查也按当前数据计算（默认用发布时冻结的得分文档）"),
        )

    def handle(self, *args, base, current, format, fresh, output, **options):
        surveys = get_survey(base), get_survey(current)
        if format in FILES:
            self.write_file(*surveys, format, fresh, output)
            return
        documents = [_document(survey, fresh=fresh) for survey in surveys]
        comparison = compare_documents(*documents).to_dict()
        if format == "json":
            lines = [
                json.dumps({"base": base, "current": current, **comparison}, ensure_ascii=False, indent=2)
            ]
        else:
            lines = self.text(base, current, documents, comparison)
        if output == "-":
            for line in lines:
                self.stdout.write(line)
            return
        with output_file(output) as stream:
            stream.write("".join(line + "\n" for line in lines))

    def write_file(self, base: Survey, current: Survey, format: str, fresh: bool, output: str) -> None:
        """The evaluator page's download (PDF report or Excel sheet) of the same comparison, in
        the command's language (--lang)."""
        lang = language()
        with output_file(output, binary=True) as stream:
            documents = [_document(survey, fresh=fresh, lang=lang) for survey in (base, current)]
            body = FILES[format](current, base, comparison_table(*documents))
            stream.write(body)
        if output != "-":
            self.stderr.write(_("%(n)d 字节 → %(file)s") % {"n": len(body), "file": output})

    def text(self, base: str, current: str, documents, comparison: dict) -> list[str]:
        lines = [
            _("%(current)s 相对于 %(base)s（差值 = 本期 − 基期；两期为独立样本，标准误 = √(se₁² + se₂²)）")
            % {"current": current, "base": base}
        ]
        rows = [comparison["composite"], *comparison["dimensions"], *comparison["items"]]
        difference, se = pgettext("比较", "差值"), pgettext("比较", "标准误")
        for row in rows:
            ci = row["ci95"]
            span = f"[{f2(ci[0])}, {f2(ci[1])}]" if ci else "—"
            lines.append(
                f"  {row['code']:<16} {f2(row['a']):>7} → {f2(row['b']):>7}  {difference} {f2(row['difference']):>6}"
                f"  {se} {f2(row['se'])}  95% CI {span}"
            )
        only = [
            (comparison["only_in_a"], _("仅基期有的%(kind)s：%(codes)s")),
            (comparison["only_in_b"], _("仅本期有的%(kind)s：%(codes)s")),
        ]
        for by_kind, sentence in only:
            for kind, codes in by_kind.items():
                if codes:
                    lines.append("  " + sentence % {"kind": _kind(kind), "codes": ", ".join(codes)})
        if not same_scoring(*documents):
            lines.append(
                _(
                    "两项调查的计分方案（选项分值或权重）不同：差值有一部分来自方案的变化，而不只是受访者评价的变化。"
                )
            )
        return lines
