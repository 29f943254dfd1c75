import unicodedata

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.localized import localized, place
from surveys.management.commands._common import SurveyCommand
from surveys.models import Survey
from surveys.reports.fonts import prepare as report_fonts_prepare
from surveys.services.members import survey_member_add
from surveys.synthetic import synthetic_comments_add

DEMO_PASSWORD = "manyidu-demo-2020"
SYNTHETIC = "fixtures/daligang-2020-synthetic.csv"


def _columns(text: str) -> int:
    """How many terminal columns the text takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Command(SurveyCommand):
    help = gettext_lazy(
        "准备演示环境：建表、载入 daligang-2020 调查与合成演示答卷、创建演示账号（可重复执行）。"
    )

    def handle(self, *args, **options):
        from django.conf import settings

        call_command("migrate", verbosity=0)
        call_command("loaddata", "daligang-2020", verbosity=0)
        call_command("import_responses", "daligang-2020", str(settings.BASE_DIR / SYNTHETIC), "--synthetic")
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(
                username="admin", defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
        survey = Survey.objects.get(slug="daligang-2020")
        synthetic_comments_add(survey)  # so that the 意见建议 page shows what it is for
        survey_member_add(survey=survey, username="staff", role="staff", password=DEMO_PASSWORD)
        survey_member_add(survey=survey, username="evaluator", role="evaluator", password=DEMO_PASSWORD)
        report_fonts_prepare()  # the PDF report's font, cut once now rather than on the first download
        invitation = survey.invitation_set.filter(is_active=True).select_related("village", "group").first()
        base = settings.PUBLIC_BASE_URL
        account = _("账号 %(user)s / %(password)s（%(role)s）")
        links = [
            (_("首页"), f"{base}/"),
            (
                _("管理后台"),
                f"{base}/admin/   "
                + account % {"user": "admin", "password": DEMO_PASSWORD, "role": _("管理员")},
            ),
            (
                _("收集进度"),
                f"{base}/staff/{survey.slug}/   "
                + account % {"user": "staff", "password": DEMO_PASSWORD, "role": _("工作人员")},
            ),
            (
                _("评价结果"),
                f"{base}/evaluate/{survey.slug}/   "
                + account % {"user": "evaluator", "password": DEMO_PASSWORD, "role": _("评价人员")},
            ),
            (_("答卷示例"), _("%(url)s（%(place)s）") % {"url": invitation.url, "place": place(invitation)}),
            (_("接口文档"), f"{base}/api/v1/docs/"),
            (_("邀请链接"), f"python manage.py invitations {survey.slug}"),
        ]
        heading = [
            _("演示调查：%(title)s（%(status)s）")
            % {"title": localized(survey), "status": survey.get_status_display()},
            _("其中的答卷是合成演示数据，并非真实调查结果。"),
        ]
        width = max(12, *(_columns(label) + 2 for label, _value in links))
        lines = [
            "",
            *heading,
            *(f"  {label}{' ' * (width - _columns(label))}{value}" for label, value in links),
            "",
        ]
        self.stdout.write("\n".join(lines))
