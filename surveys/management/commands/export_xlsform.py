from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.management.commands._common import SurveyCommand, get_survey, output_file
from surveys.xlsform import survey_export_xlsform


class Command(SurveyCommand):
    help = gettext_lazy(
        "把调查的问卷导出为 XLSForm 工作簿（.xlsx），可用 pyxform/ODK/KoboToolbox 打开，也可再导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("调查代码，如 daligang-2020"))
        parser.add_argument("-o", "--output", required=True, help=_("输出文件，如 daligang-2020.xlsx"))

    def handle(self, *args, slug, output, **options):
        survey = get_survey(slug)
        with output_file(output, binary=True) as stream:
            stream.write(survey_export_xlsform(survey=survey))
        if output == "-":
            return
        self.stdout.write(_("已写出 %(file)s") % {"file": output})
