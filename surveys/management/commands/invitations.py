import csv
import sys

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.management.commands._common import SurveyCommand, get_survey
from surveys.models import Invitation
from surveys.services.invitations import invitations_issue


class Command(SurveyCommand):
    help = gettext_lazy("列出调查的邀请链接（CSV：village,group,token,url）。")
    # Data commands skip Django's system checks (they load every URL module, a second of start-up
    # for nothing here); `manage.py check`, `migrate` and the server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("--issue", action="store_true", help=_("先为缺少邀请链接的村和群体生成链接"))
        parser.add_argument("--all", action="store_true", help=_("也列出已停用的链接"))

    def handle(self, *args, slug, issue, all, **options):
        survey = get_survey(slug)
        if issue:
            created = invitations_issue(survey=survey)
            self.stderr.write(_("新生成 %(n)d 个邀请链接。") % {"n": len(created)})
        invitations = Invitation.objects.filter(survey=survey).select_related("village", "group")
        if not all:
            invitations = invitations.filter(is_active=True)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["village", "group", "token", "url"])
        for invitation in invitations:
            village = invitation.village.code if invitation.village else ""
            writer.writerow([village, invitation.group.code, invitation.token, invitation.url])
