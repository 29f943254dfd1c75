from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.localized import localized
from surveys.management.commands._common import SurveyCommand, get_survey
from surveys.services.survey_copy import survey_copy


class Command(SurveyCommand):
    help = gettext_lazy(
        "复制调查为新年度或另一个乡镇的调查：问卷、计分方案、群体、年龄段、村与配额，代码不变；不复制答卷。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help=_("原调查代码，如 daligang-2020"))
        parser.add_argument("slug", help=_("新调查代码，如 daligang-2021"))
        parser.add_argument("--year", type=int, required=True, help=_("新年度，如 2021"))
        parser.add_argument("--title", help=_("新调查名称；不填则把原名称中的年度换成新年度"))
        parser.add_argument(
            "--title-en",
            help=_("新调查英文名称（给了 --title 而不填时留空，英文页面用中文名称）"),
        )
        parser.add_argument("--organisation", help=_("被评价单位（复制给另一个乡镇时填写）"))
        parser.add_argument(
            "--organisation-en",
            help=_("被评价单位英文名称（换了被评价单位而不填时留空，英文报告用中文名称）"),
        )
        parser.add_argument(
            "--without-villages", action="store_true", help=_("不复制村（社区）及按村的配额（另一个乡镇用）")
        )
        parser.add_argument("--invitations", action="store_true", help=_("同时生成新的邀请链接"))

    def handle(
        self,
        *args,
        source,
        slug,
        year,
        title,
        title_en,
        organisation,
        organisation_en,
        without_villages,
        invitations,
        **options,
    ):
        try:
            survey = survey_copy(
                source=get_survey(source),
                slug=slug,
                year=year,
                title=title,
                title_en=title_en,
                organisation=organisation,
                organisation_en=organisation_en,
                include_villages=not without_villages,
                issue_invitations=invitations,
            )
        except ValidationError as exc:
            raise CommandError(_("；").join(exc.messages)) from None
        self.stdout.write(
            _("已复制为 %(slug)s（%(title)s），状态为草稿。")
            % {"slug": survey.slug, "title": localized(survey)}
        )
