from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.selectors import SurveyCatalog, survey_catalog
from surveys.synthetic import (
    survey_quota_rows,
    synthetic_ids_elsewhere,
    synthetic_plan,
    synthetic_rows,
    write_synthetic_csv,
)

# The 2020 demo's groups not sampled by village, as the older options name them.
SHORTHANDS = {"staff": "staff", "deputies": "deputy"}


class Command(SurveyCommand):
    help = gettext_lazy(
        "生成可复现的合成演示答卷 CSV（仅用于演示与测试，并非真实调查数据）：按调查自己的受访群体、"
        "村（社区）、年龄段和答案选项，份数按配额（没有配额的每村或每个群体 20 份）。"
    )
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument(
            "--seed", type=int, help=_("随机数种子（默认为调查的年度，如 2020）：同一种子生成同样的答卷")
        )
        parser.add_argument(
            "--per-village",
            type=int,
            help=_("按村抽样的群体每村份数，依次分到各年龄段（默认按配额；没有配额的村 20 份）"),
        )
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            metavar=_("代码=份数"),
            help=_("不按村抽样的群体的份数，如 --group staff=40，可重复（默认按配额；没有配额的 20 份）"),
        )
        parser.add_argument("--staff", type=int, help=_("同 --group staff=N（演示调查的政府工作人员）"))
        parser.add_argument("--deputies", type=int, help=_("同 --group deputy=N（演示调查的人大代表）"))
        parser.add_argument("-o", "--output", help=_("输出文件；省略则写到标准输出"))

    def handle(self, *args, slug, seed, per_village, group, staff, deputies, output, **options):
        catalog = survey_catalog(get_survey(slug))
        if per_village is not None and per_village < 0:
            raise CommandError(_("--per-village 应为 0 或正整数：%(n)d") % {"n": per_village})
        given = list(group)
        for option, number in (("staff", staff), ("deputies", deputies)):
            if number is not None:
                given.append(f"{SHORTHANDS[option]}={number}")
        plan = synthetic_plan(
            catalog,
            survey_quota_rows(catalog.survey),
            per_village=per_village,
            per_group=_counts(catalog, given),
        )
        seed = catalog.survey.year if seed is None else seed
        rows = list(synthetic_rows(catalog, plan, seed=seed))
        taken = synthetic_ids_elsewhere(catalog.survey, [row[0] for row in rows])
        if taken:
            slugs = ", ".join(sorted(set(taken.values())))
            raise CommandError(
                _(
                    "种子 %(seed)d 生成的答卷中有 %(n)d 份的编号已属于调查 %(slugs)s（它的合成答卷用了同一种子）："
                    "请用 --seed 换一个种子"
                )
                % {"seed": seed, "n": len(taken), "slugs": slugs}
            )
        with output_file(output or "-") as out:
            count = write_synthetic_csv(catalog, out, rows)
        self.stderr.write(_("生成 %(n)d 份合成答卷。") % {"n": count})


def _counts(catalog: SurveyCatalog, given: list[str]) -> dict[str, int]:
    """{group code: responses} from `--group CODE=N` (and --staff, --deputies), each checked."""
    counts = {}
    for text in given:
        code, equals, number = text.partition("=")
        code = code.strip()
        if not equals or not code or not number.strip().isdigit():
            raise CommandError(
                _("--group 应写作 代码=份数（份数为 0 或正整数），如 staff=40：%(text)r") % {"text": text}
            )
        chosen = catalog.groups.get(code)
        if chosen is None:
            raise CommandError(
                _("调查 %(slug)s 没有受访群体 %(code)r；应为 %(codes)s 之一")
                % {"slug": catalog.survey.slug, "code": code, "codes": ", ".join(catalog.groups)}
            )
        if chosen.by_village:
            raise CommandError(
                _("受访群体 %(code)r 按村抽样：其每村份数用 --per-village 设") % {"code": code}
            )
        counts[code] = int(number)
    return counts
