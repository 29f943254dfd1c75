from django.core.management.base import BaseCommand, CommandError

from surveys.xlsform import XLSFormError, survey_import_xlsform


class Command(BaseCommand):
    help = "从 XLSForm 工作簿（.xlsx）导入问卷，新建一项草稿调查（全部成功或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSForm 工作簿（survey、choices、settings 表）")
        parser.add_argument("--slug", help="调查代码；不填则用 settings 表的 form_id")
        parser.add_argument("--year", type=int, help="年度；不填则用 settings 表的 year")
        parser.add_argument("--invitations", action="store_true", help="同时生成邀请链接")

    def handle(self, *args, file, slug, year, invitations, **options):
        try:
            with open(file, "rb") as stream:
                result = survey_import_xlsform(
                    source=stream, slug=slug, year=year, issue_invitations=invitations
                )
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {file}") from None
        except XLSFormError as exc:
            raise CommandError(f"{file} 未导入：\n{exc}") from None
        for warning in result.warnings:
            self.stderr.write(f"提示：{warning}")
        survey = result.survey
        self.stdout.write(
            f"已导入 {survey.slug}（{survey.title}）：{survey.dimension_set.count()} 个维度，"
            f"{survey.item_set.count()} 道题，状态为草稿。"
        )
