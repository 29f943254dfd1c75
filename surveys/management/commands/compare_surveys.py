import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from stats.compare import compare_documents, same_scoring
from stats.explain import f2
from surveys.management.commands._common import SurveyCommand, get_survey
from surveys.services.publish import score_document_shown


def _document(slug: str, *, fresh: bool) -> dict:
    """The survey's score document: the one frozen at publication, as the evaluator page, the API
    and `score` give it (the page compares these), unless `fresh` asks for today's data."""
    return score_document_shown(get_survey(slug), live=fresh)[0]


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
            choices=["json", "text"],
            default="text",
            help=_("输出格式：text（默认，文字说明）或 json"),
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help=_("已发布的调查也按当前数据计算（默认用发布时冻结的得分文档）"),
        )

    def handle(self, *args, base, current, format, fresh, **options):
        documents = _document(base, fresh=fresh), _document(current, fresh=fresh)
        comparison = compare_documents(*documents).to_dict()
        if format == "json":
            self.stdout.write(
                json.dumps({"base": base, "current": current, **comparison}, ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(
            _("%(current)s 相对于 %(base)s（差值 = 本期 − 基期；两期为独立样本，标准误 = √(se₁² + se₂²)）")
            % {"current": current, "base": base}
        )
        rows = [comparison["composite"], *comparison["dimensions"], *comparison["items"]]
        difference, se = pgettext("比较", "差值"), pgettext("比较", "标准误")
        for row in rows:
            ci = row["ci95"]
            span = f"[{f2(ci[0])}, {f2(ci[1])}]" if ci else "—"
            self.stdout.write(
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
                    self.stdout.write("  " + sentence % {"kind": _kind(kind), "codes": ", ".join(codes)})
        if not same_scoring(*documents):
            self.stdout.write(
                _(
                    "两项调查的计分方案（选项分值或权重）不同：差值有一部分来自方案的变化，而不只是受访者评价的变化。"
                )
            )
