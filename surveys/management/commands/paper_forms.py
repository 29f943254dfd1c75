from django.core.management.base import BaseCommand, CommandError

from surveys.management.commands._common import get_survey
from surveys.models import Invitation
from surveys.paper.pdf import paper_form_pdf
from surveys.respond.posters import PosterFontMissing, cjk_family
from surveys.services.paper import MAX_PRINT, paper_sheets_print


class Command(BaseCommand):
    help = "为一个邀请（村 × 群体）编号并打印纸质问卷（A4 PDF，每份带编号和二维码）。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="调查代码，如 daligang-2020")
        parser.add_argument("--invitation", required=True, help="邀请码（见 invitations 命令）")
        parser.add_argument("--count", type=int, required=True, help=f"份数（1 至 {MAX_PRINT}）")
        parser.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")

    def handle(self, *args, slug, invitation, count, output, **options):
        survey = get_survey(slug)
        try:
            chosen = Invitation.objects.select_related("group", "village", "survey").get(
                survey=survey, token=invitation
            )
        except Invitation.DoesNotExist:
            raise CommandError(
                f"调查 {slug} 没有邀请码 {invitation!r}（用 invitations {slug} 查看）。"
            ) from None
        if not 1 <= count <= MAX_PRINT:
            raise CommandError(f"--count 应为 1 至 {MAX_PRINT}。")
        try:
            cjk_family()  # before numbering: no sheets are numbered that cannot be printed
        except PosterFontMissing as error:
            raise CommandError(str(error)) from None
        sheets = paper_sheets_print(invitation=chosen, count=count)
        pdf = paper_form_pdf(sheets)
        with open(output, "wb") as stream:
            stream.write(pdf)
        self.stdout.write(
            f"已编号 {len(sheets)} 份：{sheets[0].number} 至 {sheets[-1].number}，写入 {output}。"
        )
