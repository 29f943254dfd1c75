from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from surveys.models import Survey
from surveys.services.members import survey_member_add

DEMO_PASSWORD = "manyidu-demo-2020"
SYNTHETIC = "fixtures/daligang-2020-synthetic.csv"


class Command(BaseCommand):
    help = "准备演示环境：建表、载入 daligang-2020 调查与合成演示答卷、创建演示账号（可重复执行）。"

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
        survey_member_add(survey=survey, username="staff", role="staff", password=DEMO_PASSWORD)
        survey_member_add(survey=survey, username="evaluator", role="evaluator", password=DEMO_PASSWORD)
        invitation = survey.invitation_set.filter(is_active=True).select_related("village", "group").first()
        base = settings.PUBLIC_BASE_URL
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"演示调查：{survey.title}（{survey.get_status_display()}）",
                    "其中的答卷是合成演示数据，并非真实调查结果。",
                    f"  首页        {base}/",
                    f"  管理后台    {base}/admin/   账号 admin / {DEMO_PASSWORD}（管理员）",
                    f"  收集进度    {base}/staff/{survey.slug}/   账号 staff / {DEMO_PASSWORD}（工作人员）",
                    f"  评价结果    {base}/evaluate/{survey.slug}/   账号 evaluator / {DEMO_PASSWORD}（评价人员）",
                    f"  答卷示例    {invitation.url}（{invitation}）",
                    f"  接口文档    {base}/api/v1/docs/",
                    f"  邀请链接    python manage.py invitations {survey.slug}",
                    "",
                ]
            )
        )
