"""The admin's search-as-you-type account box, without its 500 on a value that is not an id.

Django's AutocompleteSelect draws the chosen option by looking it up with the posted value
(`filter(id__in=[value])`): a value that is not a number ('abc', '1e400' — a mangled form, an
address with `?user=abc`) raises ValueError there, after the form has said the choice is not
valid, and the page was a 500 instead of the form with its error. Values the key cannot read are
left out of that look-up: the box shows nothing chosen, the field its error.

Empty, the box said nothing to a screen reader either: select2 names it by the text it shows,
which Django leaves blank (axe, tests/browser/test_axe.py). It shows what to do: "用户：输入以查找".
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext


class ReadableAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        key = self.field.target_field  # the referenced key (the account's id)
        readable = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            readable.append(item)
        return super().optgroups(name, readable, attr)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = gettext("%(field)s：输入以查找") % {
            "field": capfirst(self.field.verbose_name)
        }
        return attrs


class ReadableAutocompleteMixin:
    """A ModelAdmin whose autocomplete_fields draw with ReadableAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ReadableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
