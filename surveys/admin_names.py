"""Names for the admin's boxes that Django leaves unnamed, so that a screen reader landing on one
says what it is (WCAG 4.1.2; checked by axe in tests/browser/test_axe.py).

Django names a box by its <label>; two kinds of box have none (Django ticket #36509):
- a box in a table row: the survey page's tables of parts, and a list's editable column
  (a village's name, a quota's target, a link's 启用) — the field's name is in the column's
  header only: named "题目 2：维度", "东村 · 村民群众 · 18–44岁：目标份数";
- the date and the time of a date-and-time field (a link's 开始时间): one label for two boxes:
  named "开始时间（日期）" and "开始时间（时间）".
"""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext


def _box(widget: forms.Widget) -> forms.Widget:
    # The admin wraps a choice of a related row (an item's dimension) in its "+" links; the
    # wrapper's attrs are another form's (RelatedFieldWidgetWrapper.__deepcopy__), the box's its own.
    return getattr(widget, "widget", widget)


def boxes_named(form: forms.BaseForm, row: str) -> None:
    """Names each visible box of a form drawn as a table row: "<row>：<field>"."""
    for field in form.fields.values():
        box = _box(field.widget)
        if not box.is_hidden:
            box.attrs["aria-label"] = gettext("%(row)s：%(field)s") % {
                "row": row,
                "field": capfirst(field.label or ""),
            }


def date_and_time_named(field: forms.Field | None) -> forms.Field | None:
    """Names the two boxes of a date-and-time field after the field."""
    if field is not None and isinstance(field.widget, forms.SplitDateTimeWidget):
        date, time = field.widget.widgets
        label = capfirst(field.label or "")
        date.attrs["aria-label"] = gettext("%(field)s（日期）") % {"field": label}
        time.attrs["aria-label"] = gettext("%(field)s（时间）") % {"field": label}
    return field


class DateAndTimeNamedMixin:
    """For a ModelAdmin whose pages have date-and-time fields."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return date_and_time_named(super().formfield_for_dbfield(db_field, request, **kwargs))


class ListBoxesNamedMixin:
    """For a ModelAdmin with `list_editable`: each box of the list is named by its row's object."""

    def row_named(self, obj) -> str:
        return str(obj)

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        row_named = self.row_named

        class Named(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                boxes_named(form, row_named(form.instance))

        return Named
