from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from surveys.management.commands._common import SurveyCommand, get_survey, output_file, output_folder
from surveys.models import Invitation
from surveys.respond.posters import (
    PosterFontMissing,
    poster_filename,
    poster_pdf,
    poster_png,
    poster_text,
    posters_pdf,
    print_families,
)


class Command(SurveyCommand):
    help = gettext_lazy("为调查的每个启用的邀请链接生成 A4 海报（PNG 与 PDF：村、群体、二维码和链接）。")

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("-o", "--output", default="posters", help=_("输出目录（默认 posters/）"))
        parser.add_argument("--all", action="store_true", help=_("也为已停用的链接生成"))
        parser.add_argument(
            "--pdf",
            metavar=_("文件"),
            help=_("把全部海报合成一个 PDF 文件（每页一张，便于一次打印），代替输出目录"),
        )

    def handle(self, *args, slug, output, all, pdf, **options):
        survey = get_survey(slug)
        invitations = Invitation.objects.filter(survey=survey).select_related("survey", "village", "group")
        if not all:
            invitations = invitations.filter(is_active=True)
        if not invitations:
            raise CommandError(
                _("调查 %(slug)s 没有邀请链接；请先运行 invitations %(slug)s --issue。") % {"slug": slug}
            )
        try:
            print_families()  # before the folder is made
        except PosterFontMissing as exc:
            raise CommandError(str(exc)) from None
        if pdf:
            with output_file(pdf, binary=True) as stream:
                stream.write(posters_pdf([poster_text(invitation) for invitation in invitations]))
            n = len(invitations)
            said = ngettext(
                "已把 %(n)d 张海报合成一个 PDF（每页一张）：%(file)s",
                "已把 %(n)d 张海报合成一个 PDF（每页一张）：%(file)s",
                n,
            )
            self.stderr.write(said % {"n": n, "file": pdf})
            return
        folder = output_folder(output)
        for invitation in invitations:
            text = poster_text(invitation)
            for kind, render in (("png", poster_png), ("pdf", poster_pdf)):
                with output_file(str(folder / poster_filename(invitation, kind)), binary=True) as stream:
                    stream.write(render(text))
        self.stderr.write(
            _("已生成 %(n)d 张海报（PNG 与 PDF）：%(folder)s") % {"n": len(invitations), "folder": folder}
        )
