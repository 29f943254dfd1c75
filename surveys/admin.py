"""The admin, for staff who are not programmers: Chinese, English when chosen (?lang=en).

Once a survey has responses, codes cannot change and items, options, dimensions and groups
cannot be deleted: stored answers refer to them. Texts can still be corrected; that makes a
new questionnaire version, and earlier responses keep the version they were answered on.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

import stats
from stats.explain import warning_shown
from surveys.admin_authoring import SurveyAuthoringMixin
from surveys.admin_autocomplete import ReadableAutocompleteMixin
from surveys.admin_json import ExplainedJSONField
from surveys.admin_names import DateAndTimeNamedMixin, ListBoxesNamedMixin, boxes_named
from surveys.admin_points import points_edited, scheme_points_follow
from surveys.admin_weights import (
    DimensionWeightForm,
    GroupWeightForm,
    ItemWeightForm,
    RowWeights,
    WeightedFormSetMixin,
    WeightedInlineMixin,
)
from surveys.audit import ACTION_LABELS, action_label
from surveys.localized import english_wanted, language, localized
from surveys.models import (
    AgeBand,
    AuditEntry,
    Dimension,
    Group,
    Invitation,
    Item,
    Option,
    PaperSheet,
    PublishedReport,
    QuestionnaireVersion,
    Quota,
    Response,
    Survey,
    SurveyMembership,
    Village,
)
from surveys.scoring import scheme_completed, survey_scheme_broken, survey_scheme_completed
from surveys.selectors_progress import quota_clashes
from surveys.services.invitations import invitations_issue
from surveys.services.publish import report_publish
from surveys.services.quality import flag_reason
from surveys.services.survey_delete import survey_delete, survey_delete_refusal
from surveys.services.survey_modified import survey_mark_modified
from surveys.services.survey_status import survey_set_status


class AdminLoginForm(AdminAuthenticationForm):
    """A survey's staff member or evaluator who signs in here is told where to go, rather than
    Django's "enter a correct staff account username and password" (the password was right)."""

    def confirm_login_allowed(self, user):
        if user.is_active and not user.is_staff:
            raise ValidationError(
                format_html(
                    gettext(
                        "“{username}”不是管理员账号，不能进入管理后台。工作人员和评价人员请从"
                        '<a href="{url}">我的调查</a>进入；问卷、村（社区）、配额和邀请链接由管理员在这里维护。'
                    ),
                    username=user.get_username(),
                    url=reverse("staff-surveys"),
                ),
                code="not_administrator",
            )
        super().confirm_login_allowed(user)


admin.site.login_form = AdminLoginForm


def _is_published(survey: Survey | None) -> bool:
    return survey is not None and survey.status == Survey.Status.PUBLISHED


def _has_responses(survey: Survey | None) -> bool:
    return survey is not None and survey.pk is not None and Response.objects.filter(survey=survey).exists()


class PartFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        # Django's says "请修改code的重复数据", with the field's English name.
        if "code" in unique_check:
            return gettext("%(part)s的代码有重复：同一项调查中每个代码只能用一次。") % {
                "part": self.model._meta.verbose_name
            }
        return super().get_unique_error_message(unique_check)

    def add_fields(self, form, index):
        # Each box named by its row ("维度 2：名称"; "新维度：名称" on the row "add another" copies).
        super().add_fields(form, index)
        part = self.model._meta.verbose_name
        if index is None:
            row = gettext("新%(part)s") % {"part": str(part).lower()}  # "New age band"
        else:
            row = gettext("%(part)s %(number)d") % {"part": capfirst(part), "number": index + 1}
        boxes_named(form, row)


class LockedOnceAnsweredInline(admin.TabularInline):
    """Codes are frozen and rows cannot be deleted once the survey has responses."""

    extra = 0
    formset = PartFormSet

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if _has_responses(obj) else ()

    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        # A published survey's points, populations and texts are what its frozen report used;
        # changing them would move only the live figures, silently.
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            not _has_responses(obj) and not _is_published(obj) and super().has_delete_permission(request, obj)
        )


class WeightedPartFormSet(WeightedFormSetMixin, PartFormSet):
    pass


# The 权重 column of the dimensions, items and groups: the scheme's weights, set in the rows
# (surveys/admin_weights.py).
class DimensionInline(WeightedInlineMixin, LockedOnceAnsweredInline):
    model = Dimension
    form = DimensionWeightForm
    formset = WeightedPartFormSet
    fields = ("order", "code", "name", "name_en", "weight")
    weights_note = _(
        "维度的权重：综合得分是各维度得分按权重的加权平均。权重按比例计算，不必加起来等于 1"
        "（0.5 与 0.5，和 1 与 1 一样）；每个维度都要填，填 0 则不计入综合得分。"
    )


class ItemInline(WeightedInlineMixin, LockedOnceAnsweredInline):
    model = Item
    form = ItemWeightForm
    formset = WeightedPartFormSet
    fields = ("order", "code", "dimension", "text", "text_en", "weight")
    # As the questionnaire asks them (surveys.services.questionnaire): an item's 顺序 is its place
    # in its dimension, so ordered by it alone the rows of different dimensions interleaved.
    ordering = ("dimension__order", "dimension__code", "order", "code")
    weights_note = _(
        "维度内权重：维度得分是它的各题得分按这个权重的加权平均，按比例计算；留空即 1（各题一样重）。"
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the dimensions of the survey being edited.
        if db_field.name == "dimension":
            survey_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Dimension.objects.filter(survey_id=survey_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OptionInline(LockedOnceAnsweredInline):
    model = Option
    fields = ("order", "code", "label", "label_en", "points")


class GroupFormSet(WeightedFormSetMixin, PartFormSet):
    def clean(self):
        """A group's sampling switched once it has responses or paper sheets, or links or
        quotas made for the old sampling, is refused by Group.clean, on its 按村抽样 box: in a
        table cell that narrow a phone shows the reason a few characters a line. The reason goes
        above the table, at the page's width; the box keeps a pointer to it (for good once
        answered, until the links and quotas are deleted otherwise)."""
        pointers = {
            "by_village_answered": gettext("不能再改，原因见本表上方。"),
            "by_village_links": gettext("暂不能改，原因见本表上方。"),
        }
        refusals = []
        for form in self.forms:
            for code, pointer in pointers.items():
                if form.has_error("by_village", code=code):
                    refusals += form.errors.pop("by_village")
                    form.add_error("by_village", pointer)
        try:
            super().clean()  # two rows with one code, say
        except ValidationError as exc:
            raise ValidationError(refusals + exc.error_list) from None
        if refusals:
            raise ValidationError(refusals)


class GroupInline(WeightedInlineMixin, LockedOnceAnsweredInline):
    model = Group
    form = GroupWeightForm
    formset = GroupFormSet
    fields = ("order", "code", "name", "name_en", "by_village", "population", "weight")
    weights_note = _(
        "受访群体的权重：填写时，每道题先在各群体内平均，再按群体权重加权（如村民群众 0.6、政府工作人员 0.2、"
        "人大代表 0.2）。全部留空则不按群体加权，所有答卷一起平均。要么每个群体都填，要么都留空。"
    )


class AgeBandInline(LockedOnceAnsweredInline):
    model = AgeBand
    fields = ("order", "code", "label", "label_en")


class SurveyForm(forms.ModelForm):
    def clean_scheme(self):
        data = self.cleaned_data.get("scheme")
        if data in (None, "", {}):
            return None
        if not isinstance(data, dict):
            raise ValidationError(
                _('计分方案应为 JSON 对象，如 {"dimension_weights": {"economy": 0.5, …}}。')
            )
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "scheme" in self.fields:
            self.fields["scheme"].help_text = _(
                "选项分值、维度权重、题目权重、群体权重、最小单元格人数（JSON）。留空则用各选项的默认分值、"
                "维度等权。维度、题目和受访群体的权重也可以在下方各表的“权重”列中修改，与这里是同一组数。"
            )

    def clean(self):
        """The scheme is checked as the score will read it, against the questionnaire as this
        page is about to store it (a dimension or an option added, changed or deleted in the
        rows below): one that does not fit would otherwise be stored, or left behind by the
        questionnaire, and break every score page."""
        cleaned = super().clean()
        self.notes = []
        if "scheme" not in self.fields or self.has_error("scheme"):
            return cleaned  # a published survey's (read-only), or JSON that does not parse
        data = cleaned.get("scheme")
        formsets = getattr(self.instance, "_inline_formsets", None)
        parts = _questionnaire_after(formsets)
        if parts is False:
            return cleaned  # the rows have errors of their own, shown with them
        # The weights typed in the rows of the dimension, item and group tables: the scheme
        # follows them (surveys/admin_weights.py).
        weights = RowWeights(formsets)
        data = weights.followed(data, self.initial.get("scheme"))
        if weights.conflicts():
            self.add_error("scheme", weights.conflicts())
        if data is None:
            cleaned["scheme"] = None
            return cleaned
        try:
            # An option's default points edited below: the scheme's points follow where they
            # were the default's, and the administrator is told which points count
            # (surveys/admin_points.py).
            data, points_notes = scheme_points_follow(data, points_edited(formsets))
            if parts is None:
                cleaned["scheme"] = survey_scheme_completed(self.instance, data)
            else:
                cleaned["scheme"] = scheme_completed(data, **parts)
            self.notes = points_notes + weights.notes
        except stats.SchemeError as exc:
            # The engine words each problem "中文（English）": the page's language only. Those
            # about a table's weights changed in its cells are said above that table.
            shown = {key: [warning_shown(m, language()) for m in found] for key, found in exc.errors.items()}
            on_json = weights.place(shown)
            if on_json:
                self.add_error("scheme", on_json)
        return cleaned


def _questionnaire_after(formsets) -> dict | None | bool:
    """The codes of the questionnaire as the survey page's rows will store them, for
    `scoring.scheme_completed`; None without the rows (the stored questionnaire counts), False
    when a row has errors."""
    if not formsets:
        return None
    by_model = {formset.model: formset for formset in formsets}
    if not all(model in by_model for model in (Dimension, Item, Option, Group)):
        return None
    if not all(formset.is_valid() for formset in formsets):
        return False

    def kept(model):
        formset = by_model[model]
        forms_kept = [
            form
            for form in formset.forms
            if not (formset.can_delete and formset._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]

        def value(form, name):
            return form.cleaned_data.get(name, getattr(form.instance, name, None))

        return sorted(
            ((value(f, "order") or 0, value(f, "code"), f) for f in forms_kept), key=lambda r: r[:2]
        ), value

    dimensions, _value = kept(Dimension)
    items, value = kept(Item)
    options, _value = kept(Option)
    groups, _value = kept(Group)
    # An item's dimension by the code its row will store (changed, say), not the code stored.
    dimension_code = {form.instance.pk: code for _order, code, form in dimensions if form.instance.pk}
    item_dimension = {}
    for _order, code, form in items:
        dimension = value(form, "dimension")
        item_dimension[code] = (
            dimension_code.get(dimension.pk, dimension.code) if dimension is not None else ""
        )
    # The dimensions in the items' order, then any without items (as scoring orders them).
    dimension_codes = list(dict.fromkeys(d for d in item_dimension.values() if d))
    dimension_codes += [code for _order, code, _form in dimensions if code not in dimension_codes]
    return {
        "option_points": {code: value(form, "points") for _order, code, form in options},
        "dimension_codes": dimension_codes,
        "item_dimension": item_dimension,
        "group_codes": [code for _order, code, _form in groups],
    }


@admin.register(Survey)
class SurveyAdmin(SurveyAuthoringMixin, admin.ModelAdmin):
    form = SurveyForm
    formfield_overrides = {models.JSONField: {"form_class": ExplainedJSONField}}  # the scheme: where, why
    list_display = ("name", "slug", "year", "status", "response_count", "published_at")
    list_filter = ("status", "year")
    search_fields = ("title", "slug", "organisation")
    readonly_fields = ("status", "closed_at", "published_at", "created_at", "updated_at")
    fields = (
        "title",
        "title_en",
        "slug",
        "organisation",
        "organisation_en",
        "year",
        "status",
        "allow_shared_device",
        "late_grace_hours",
        "scheme",
        "closed_at",
        "published_at",
        "created_at",
        "updated_at",
    )
    inlines = [DimensionInline, ItemInline, OptionInline, GroupInline, AgeBandInline]
    actions = [
        "open_survey",
        "close_survey",
        "publish_survey",
        "issue_invitations",
        "copy_survey",
        "export_xlsform",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_responses=Count("response"))

    @admin.display(description=_("调查名称"), ordering="title")
    def name(self, obj):
        return localized(obj)  # the English title on English pages, where there is one

    @admin.display(description=_("答卷数"), ordering="_responses")
    def response_count(self, obj):
        return obj._responses

    def get_inlines(self, request, obj):
        # An item names its dimension, which a new survey has not saved yet: items come after.
        inlines = super().get_inlines(request, obj)
        return [i for i in inlines if i is not ItemInline] if obj is None else inlines

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":
            self.message_user(
                request,
                gettext(
                    "先填写调查信息和维度、答案选项、受访群体、年龄段，点“保存并继续编辑”；"
                    "保存后再添加题目（每道题选择一个已保存的维度）和计分方案。"
                ),
                messages.INFO,
            )
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page an error about the survey's scheme sends the administrator to says, on
        # opening, what does not fit (the scheme field itself only says it on saving).
        if request.method == "GET":
            survey = self.get_object(request, object_id)
            broken = survey_scheme_broken(survey) if survey is not None else None
            if broken is not None:
                if broken.frozen:
                    fix = broken.remedy()
                elif survey.scheme:
                    fix = gettext("请改正下方的“计分方案”后保存。")
                else:
                    fix = gettext("请改正下方答案选项的“默认分值”后保存。")
                self.message_user(request, f"{broken.summary()}{fix}", messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fields(self, request, obj=None):
        # A new survey has no dimensions or options yet to weigh: its scheme is set once saved.
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "scheme"] if obj is None else fields

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if _has_responses(obj):
            fields = (*fields, "slug")
        if _is_published(obj):
            fields = (*fields, "scheme")  # frozen with the published report, as the API says
        return fields

    # Deleting a survey: its parts PROTECT one another (an item its dimension, an invitation its
    # group), so Django's own deletion refused every survey with an item or a link, saying the
    # administrator lacked a permission. A survey nothing was collected for is deleted with its
    # parts (surveys/services/survey_delete.py); any other is refused saying why.
    delete_confirmation_template = "admin/surveys/survey/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/surveys/survey/delete_selected_confirmation.html"
    SURVEY_PARTS = (Dimension, Item, Option, Group, AgeBand, Village, Quota, Invitation)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for level, note in getattr(form, "notes", ()):
            self.message_user(request, note, level)

    def _create_formsets(self, request, obj, change):
        # The rows go with the survey's form, whose scheme is checked against them (SurveyForm).
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        obj._inline_formsets = formsets
        return formsets, inline_instances

    def get_deleted_objects(self, objs, request):
        refusals = [refusal for survey in objs if (refusal := survey_delete_refusal(survey))]
        if refusals:
            return [], {}, set(), refusals
        deleted, counts = [], {}
        for survey in objs:
            parts = []
            for model in self.SURVEY_PARTS:
                rows = list(model.objects.filter(survey=survey))
                if rows:
                    name = model._meta.verbose_name_plural
                    counts[name] = counts.get(name, 0) + len(rows)
                    parts += [f"{capfirst(model._meta.verbose_name)}: {row}" for row in rows]
            deleted += [f"{capfirst(self.model._meta.verbose_name)}: {localized(survey)}", parts]
        counts[self.model._meta.verbose_name_plural] = len(objs)
        return deleted, counts, set(), []

    def delete_model(self, request, obj):
        survey_delete(survey=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for survey in queryset:
                survey_delete(survey=survey)

    def _move(self, request, queryset, status):
        for survey in queryset:
            try:
                survey_set_status(survey=survey, status=status)
            except ValidationError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("“%(title)s”现为%(status)s。")
                    % {"title": localized(survey), "status": survey.get_status_display()},
                )

    @admin.action(description=_("开始收集（开放作答）"))
    def open_survey(self, request, queryset):
        self._move(request, queryset, Survey.Status.OPEN)

    @admin.action(description=_("截止收集"))
    def close_survey(self, request, queryset):
        self._move(request, queryset, Survey.Status.CLOSED)

    @admin.action(description=_("发布结果（冻结数据）"))
    def publish_survey(self, request, queryset):
        # Through the same service as the evaluators' page: the figures and downloads are frozen
        # with the status, or the "published" files would be rendered anew from later data.
        for survey in queryset:
            try:
                published = report_publish(survey=survey, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, exc.messages[0] if hasattr(exc, "messages") else str(exc), messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    gettext("“%(title)s”已发布。数字与下载文件已冻结（数据摘要 %(digest)s…）。")
                    % {"title": localized(survey), "digest": published.data_hash[:16]},
                )

    @admin.action(description=_("为缺少链接的村和群体生成邀请链接"))
    def issue_invitations(self, request, queryset):
        for survey in queryset:
            created = invitations_issue(survey=survey)
            self.message_user(
                request,
                ngettext(
                    "“%(title)s”新生成 %(count)d 个邀请链接。",
                    "“%(title)s”新生成 %(count)d 个邀请链接。",
                    len(created),
                )
                % {"title": localized(survey), "count": len(created)},
            )


class PartOfItsSurvey:
    """A part of a survey edited on its own admin page (or in its list) marks the survey modified,
    so that nothing cached of the survey keeps the part as it was (surveys/services/survey_modified.py)."""

    def save_model(self, request, obj, form, change):
        before = form.initial.get("survey") if change else None  # the survey it was moved from
        super().save_model(request, obj, form, change)
        survey_mark_modified(survey_ids=[obj.survey_id, before])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        survey_mark_modified(survey_ids=[obj.survey_id])

    def delete_queryset(self, request, queryset):
        surveys = list(queryset.values_list("survey_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        survey_mark_modified(survey_ids=surveys)


@admin.register(Village)
class VillageAdmin(ListBoxesNamedMixin, PartOfItsSurvey, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "survey", "is_placeholder", "order")
    list_display_links = ("code",)
    list_editable = ("name", "name_en", "is_placeholder")
    list_filter = ("survey", "is_placeholder")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("survey", "code") if obj is not None and _has_responses(obj.survey) else ()

    def has_delete_permission(self, request, obj=None):
        used = obj is not None and Response.objects.filter(village=obj).exists()
        return not used and super().has_delete_permission(request, obj)


class PartsNamedWithTheirSurvey:
    """Villages, groups and age bands listed as "朱家村（daligang-2021）": two years' surveys
    have parts of the same name."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("village", "group", "age_band"):
            field.queryset = field.queryset.select_related("survey").order_by("survey__slug", "order", "code")
            field.label_from_instance = lambda part: (
                gettext("%(part)s（%(survey)s）")
                % {
                    "part": localized(part),
                    "survey": part.survey.slug,
                }
            )
        return field


@admin.register(Quota)
class QuotaAdmin(ListBoxesNamedMixin, PartOfItsSurvey, PartsNamedWithTheirSurvey, admin.ModelAdmin):
    list_display = ("__str__", "survey", "village", "group", "age_band", "target")
    list_editable = ("target",)
    list_filter = ("survey", "group", "age_band", "village")
    list_select_related = ("survey", "village", "group", "age_band")
    list_per_page = 100

    def row_named(self, obj) -> str:
        return obj.cell_name  # not str(obj): its target, which the box changes

    # A quota the finer quotas inside it add up to more than is kept (the finer ones may be the
    # plan), but said on saving: the planned sample then counts their sum, not its target.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request._quota_surveys = {*getattr(request, "_quota_surveys", ()), obj.survey_id}

    def _warn_of_clashes(self, request) -> None:
        for survey_id in sorted(getattr(request, "_quota_surveys", ())):
            for clash in quota_clashes(survey_id):
                self.message_user(request, clash.message(), messages.WARNING)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        self._warn_of_clashes(request)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        self._warn_of_clashes(request)
        return response


@admin.register(Invitation)
class InvitationAdmin(
    ListBoxesNamedMixin, DateAndTimeNamedMixin, PartsNamedWithTheirSurvey, admin.ModelAdmin
):
    list_display = (
        "__str__",
        "survey",
        "token",
        "link",
        "poster",
        "single_use",
        "is_active",
        "opens_at",
        "closes_at",
    )
    list_filter = ("survey", "group", "is_active")
    list_editable = ("is_active",)
    list_select_related = ("survey", "village", "group")
    search_fields = ("token", "village__name", "note")
    readonly_fields = ("link",)
    actions = ["deactivate"]

    @admin.display(description=_("链接"))
    def link(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.url) if obj.pk else "-"

    @admin.display(description=_("海报"))
    def poster(self, obj):
        if not obj.pk:
            return "-"
        png = reverse("respond-poster-png", args=[obj.token])
        pdf = reverse("respond-poster-pdf", args=[obj.token])
        return format_html('<a href="{}" target="_blank">PNG</a> · <a href="{}">PDF</a>', png, pdf)

    # A link with responses or printed paper sheets cannot go (they PROTECT it); Django said a
    # superuser lacked the permission to delete responses. Said here as it is, with the way out.
    delete_confirmation_template = "admin/surveys/survey/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/surveys/survey/delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request):
        refusals = []
        for invitation in objs:
            responses = Response.objects.filter(invitation=invitation).count()
            sheets = PaperSheet.objects.filter(invitation=invitation).count()
            if responses or sheets:
                refusals.append(
                    gettext(
                        "邀请链接“%(link)s”已有 %(responses)d 份答卷、印过 %(sheets)d 份纸质问卷，不能删除："
                        "不再使用时请用“停用所选链接”。"
                    )
                    % {"link": invitation, "responses": responses, "sheets": sheets}
                )
        if refusals:
            return [], {}, set(), refusals
        return super().get_deleted_objects(objs, request)

    @admin.action(description=_("停用所选链接"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(
            request,
            ngettext("已停用 %(count)d 个邀请链接。", "已停用 %(count)d 个邀请链接。", count)
            % {"count": count},
        )


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("id", "survey", "village", "group", "age_band", "source", "submitted_at", "excluded")
    list_filter = ("survey", "source", "group", "excluded", "village")
    list_select_related = ("survey", "village", "group", "age_band")
    search_fields = ("id",)
    date_hierarchy = "received_at"
    # Every field as stored, but the quality flags as their reasons in the page's language.
    fields = readonly_fields = [
        f.name if f.name != "flags" else "flag_reasons" for f in Response._meta.fields
    ]

    @admin.display(description=_("数据质量标记"))
    def flag_reasons(self, obj):
        reasons = ((flag_reason(flag, english=english_wanted()),) for flag in obj.flags)
        return format_html_join("", "<p>{}</p>", reasons) or "-"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Responses are never deleted; staff exclude them with a reason instead.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "survey", "number", "created_at")
    list_filter = ("survey",)
    readonly_fields = ("survey", "number", "digest", "definition", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyMembership)
class SurveyMembershipAdmin(ReadableAutocompleteMixin, admin.ModelAdmin):
    """Who works on which survey: staff collect and review, evaluators read scores."""

    list_display = ("user", "survey", "role")
    list_filter = ("survey", "role")
    list_select_related = ("user", "survey")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written by the services only and never edited: shown, not changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditActionFilter(admin.SimpleListFilter):
    """The actions by their names, not the codes the services write."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(ACTION_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "survey", "user", "action_name", "response", "reason")
    list_filter = ("survey", AuditActionFilter)
    list_select_related = ("survey", "user", "response")
    search_fields = ("reason", "response__id")
    date_hierarchy = "at"

    @admin.display(description=_("操作"), ordering="action")
    def action_name(self, obj):
        return action_label(obj.action)


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin):
    list_display = ("survey", "created_at", "created_by", "data_hash")
    list_filter = ("survey",)
    list_select_related = ("survey", "created_by")
    exclude = ("xlsx", "pdf", "csv", "sav")


@admin.register(PaperSheet)
class PaperSheetAdmin(ReadOnlyAdmin):
    list_display = ("number", "survey", "invitation", "response_id", "printed_at")
    list_filter = ("survey",)
    list_select_related = ("survey", "invitation__group", "invitation__village")
    search_fields = ("number", "response_id")


# Users and groups: Django's pages, with their permissions named in the page's language.
import surveys.admin_accounts  # noqa: E402, F401

# The yes/no icons of every admin page, described in the page's language.
import surveys.admin_boolean  # noqa: E402, F401
