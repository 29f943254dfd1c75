from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.models import Invitation
from surveys.paper.pdf import paper_form_pdf
from surveys.respond.posters import PosterFontMissing, print_families
from surveys.services.paper import MAX_PRINT, paper_sheets_print


class Command(SurveyCommand):
    help = gettext_lazy("为一个邀请（村 × 群体）编号并打印纸质问卷（A4 PDF，每份带编号和二维码）。")

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("--invitation", required=True, help=_("邀请码（见 invitations 命令）"))
        parser.add_argument(
            "--count", type=int, required=True, help=_("份数（1 至 %(max)s）") % {"max": MAX_PRINT}
        )
        parser.add_argument("-o", "--output", required=True, help=_("输出的 PDF 文件"))

    def run_from_argv(self, argv):
        # A token may begin with "-" (the invitations command listed "-6ny6hgx9fM"): argparse
        # took it for an option and said --invitation needs a value. Taken as the value here.
        argv = list(argv)
        options = self.create_parser(argv[0], argv[1])._option_string_actions  # -o, --count, -h…
        for i, arg in enumerate(argv[:-1]):
            value = argv[i + 1]
            if arg == "--invitation" and value.startswith("-") and value.split("=")[0] not in options:
                argv[i : i + 2] = [f"--invitation={value}"]
                break
        super().run_from_argv(argv)

    def handle(self, *args, slug, invitation, count, output, **options):
        survey = get_survey(slug)
        try:
            chosen = Invitation.objects.select_related("group", "village", "survey").get(
                survey=survey, token=invitation
            )
        except Invitation.DoesNotExist:
            raise CommandError(
                _("调查 %(slug)s 没有邀请码 %(token)r（用 invitations %(slug)s 查看）。")
                % {"slug": slug, "token": invitation}
            ) from None
        if not 1 <= count <= MAX_PRINT:
            raise CommandError(_("--count 应为 1 至 %(n)d。") % {"n": MAX_PRINT})
        try:
            print_families()  # before numbering: no sheets are numbered that cannot be printed
        except PosterFontMissing as error:
            raise CommandError(str(error)) from None
        sheets = []
        try:
            # The PDF's path is checked before numbering: no sheets are numbered that cannot be written.
            with output_file(output, binary=True) as stream:
                sheets = paper_sheets_print(invitation=chosen, count=count)
                stream.write(paper_form_pdf(sheets))
        except CommandError as refused:
            if not sheets:
                raise
            # Only a write that fails at the end (a full disk) comes here: the numbers are taken.
            raise CommandError(
                _("%(refusal)s（已编号 %(first)s 至 %(last)s，未能打印）")
                % {"refusal": refused, "first": sheets[0].number, "last": sheets[-1].number}
            ) from None
        self.stdout.write(
            _("已编号 %(n)d 份：%(first)s 至 %(last)s，写入 %(file)s。")
            % {"n": len(sheets), "first": sheets[0].number, "last": sheets[-1].number, "file": output}
        )
