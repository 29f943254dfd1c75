"""Admin actions and page for questionnaire authoring: copy a survey, export and import XLSForm.

Mixed into `SurveyAdmin` (surveys/admin.py); the work is done by the services, these only ask
for what the services need and show what they say.
"""

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from surveys.localized import localized
from surveys.models import Survey
from surveys.names import NameFormField
from surveys.services.survey_copy import survey_copy, with_year
from surveys.xlsform import XLSFormError, survey_export_xlsform, survey_import_xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SurveyCopyForm(forms.Form):
    slug = forms.SlugField(label=_("新调查代码"), max_length=80, help_text=_("如 daligang-2021"))
    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=9999)
    title = NameFormField(label=_("调查名称"), max_length=200)
    title_en = NameFormField(label=_("英文名称"), max_length=200, required=False)
    organisation = NameFormField(label=_("被评价单位"), max_length=200)
    organisation_en = NameFormField(label=_("被评价单位英文名称"), max_length=200, required=False)
    include_villages = forms.BooleanField(
        label=_("复制村（社区）及按村的配额"), required=False, help_text=_("复制给另一个乡镇时取消勾选。")
    )
    issue_invitations = forms.BooleanField(label=_("同时生成邀请链接"), required=False)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Survey.objects.filter(slug=slug).exists():
            raise ValidationError(_("这个代码已被使用，请换一个。"))
        return slug


class XLSFormImportForm(forms.Form):
    file = forms.FileField(label=_("XLSForm 工作簿（.xlsx）"))
    slug = forms.SlugField(
        label=_("调查代码"), max_length=80, required=False, help_text=_("留空则用 settings 表的 form_id。")
    )
    year = forms.IntegerField(
        label=_("年度"),
        min_value=1900,
        max_value=9999,
        required=False,
        help_text=_("留空则用 settings 表的 year。"),
    )


class SurveyAuthoringMixin:
    """Actions "复制为新年度调查" and "导出 XLSForm", and the page "从 XLSForm 导入"."""

    change_list_template = "admin/surveys/survey/authoring_change_list.html"

    @admin.action(description=_("复制为新年度调查"), permissions=["add"])
    def copy_survey(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一项调查进行复制。"), messages.WARNING)
            return None
        source = queryset.get()
        if "apply" in request.POST:
            form = SurveyCopyForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    survey = survey_copy(source=source, **data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    self.message_user(
                        request,
                        _("已复制为“%(title)s”（%(slug)s），状态为草稿。")
                        % {"title": localized(survey), "slug": survey.slug},
                    )
                    return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[survey.pk]))
        else:
            year = source.year + 1
            slug = with_year(source.slug, source.year, year)
            form = SurveyCopyForm(
                initial={
                    "slug": slug if slug != source.slug else f"{source.slug}-copy",
                    "year": year,
                    "title": with_year(source.title, source.year, year),
                    "title_en": with_year(source.title_en, source.year, year),
                    "organisation": source.organisation,
                    "organisation_en": source.organisation_en,
                    "include_villages": True,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("复制为新年度调查"),
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/surveys/survey/copy_survey.html", context)

    @admin.action(description=_("导出 XLSForm"), permissions=["view"])
    def export_xlsform(self, request, queryset):
        surveys = list(queryset)
        if len(surveys) == 1:
            response = HttpResponse(survey_export_xlsform(survey=surveys[0]), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{surveys[0].slug}.xlsx"'
            return response
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for survey in surveys:
                archive.writestr(f"{survey.slug}.xlsx", survey_export_xlsform(survey=survey))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="xlsform.zip"'
        return response

    def get_urls(self):
        own = [
            path(
                "import-xlsform/",
                self.admin_site.admin_view(self.import_xlsform_view),
                name="surveys_survey_import_xlsform",
            )
        ]
        return own + super().get_urls()

    def import_xlsform_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        form = XLSFormImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = survey_import_xlsform(
                    source=data["file"], slug=data["slug"] or None, year=data["year"]
                )
            except XLSFormError as exc:
                problems = [str(p) for p in exc.problems]
            else:
                survey = result.survey
                self.message_user(
                    request,
                    _("已导入“%(title)s”（%(slug)s），状态为草稿。")
                    % {"title": localized(survey), "slug": survey.slug},
                )
                for warning in result.warnings:
                    self.message_user(
                        request, _("提示：%(warning)s") % {"warning": warning}, messages.WARNING
                    )
                return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[survey.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("从 XLSForm 导入问卷"),
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/surveys/survey/import_xlsform.html", context)
