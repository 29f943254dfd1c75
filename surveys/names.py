"""The name fields of a survey and its parts: stored on one line (stats/text.py `one_line`).

`NameField` is the models' field for every name (titles, organisations, dimensions, items,
options, groups, age bands, villages, in Chinese and English): whatever writes one — an admin
form, a service, a copy, an import, a restored backup — stores the name with its tabs, line
breaks and zero-width characters cleaned away. Its form field does the same before the form
checks it, so that a name of nothing but such characters is refused as empty, and the admin
shows what will be stored.
"""

from __future__ import annotations

from django import forms
from django.db import models

from stats.text import one_line


class NameFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if isinstance(value, str) else value


class NameField(models.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        # Also what is saved without a form (services, copies, imports): cleaned here once.
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = one_line(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})

    def deconstruct(self):
        # The column is a plain CharField's: migrations see one, and nothing is migrated.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
