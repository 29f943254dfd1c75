"""JSON typed into the admin (a survey's 计分方案) that does not parse says where and why
(surveys/json_input.py): Django's own field said only "输入一个有效的JSON。"."""

import json

from django import forms
from django.core.exceptions import ValidationError

from surveys.json_input import NotJSON, json_read


def json_explained(text: str):
    """`text` parsed, or a ValidationError that names the line, the column and the problem."""
    try:
        return json_read(text)
    except NotJSON as exc:
        raise ValidationError(exc.sentence(), code="invalid") from None


class ExplainedJSONField(forms.JSONField):
    """forms.JSONField whose parse errors say where and why (json_explained), shown one entry a
    line (Django wrote the whole scheme on one line, and "null" for none)."""

    def bound_data(self, data, initial):
        # A form sent back with an error (here or elsewhere) shows the text as it was typed.
        if self.disabled or data is None:
            return super().bound_data(data, initial)
        return forms.fields.InvalidJSONInput(data)

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value  # as typed
        if value is None:
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value):
        if not self.disabled and isinstance(value, str) and value not in self.empty_values:
            json_explained(value)
        return super().to_python(value)
