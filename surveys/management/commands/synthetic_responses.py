from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.selectors import survey_catalog
from surveys.synthetic import write_synthetic_csv


class Command(SurveyCommand):
    help = gettext_lazy("生成可复现的合成演示答卷 CSV（仅用于演示与测试，并非真实调查数据）。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument(
            "--seed", type=int, default=2020, help=_("随机数种子（默认 2020）：同一种子生成同样的答卷")
        )
        parser.add_argument(
            "--per-village", type=int, default=20, help=_("每个村的村民份数（默认 20，依次分到各年龄段）")
        )
        parser.add_argument("--staff", type=int, default=40, help=_("工作人员份数（默认 40）"))
        parser.add_argument("--deputies", type=int, default=20, help=_("人大代表份数（默认 20）"))
        parser.add_argument("-o", "--output", help=_("输出文件；省略则写到标准输出"))

    def handle(self, *args, slug, seed, per_village, staff, deputies, output, **options):
        catalog = survey_catalog(get_survey(slug))
        kwargs = {"seed": seed, "per_village": per_village, "staff": staff, "deputies": deputies}
        with output_file(output or "-") as out:
            count = write_synthetic_csv(catalog, out, **kwargs)
        self.stderr.write(_("生成 %(n)d 份合成答卷。") % {"n": count})
