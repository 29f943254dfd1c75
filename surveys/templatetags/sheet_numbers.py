"""Paper sheet numbers ("1-0001-4") kept on one line wherever a text names them."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As surveys.services.paper.sheet_number writes them: survey, sequence, check digit.
SHEET_NUMBER = re.compile(r"(?<![\w-])\d+-\d+-\d(?![\w-])")


@register.filter
def unbroken_sheet_numbers(text) -> SafeString:
    """The text, escaped, with each sheet number in a span.sheet-number, which never breaks at
    its hyphens (a phone broke "1-0001-4" into "1-0001-" and "4")."""
    escaped = conditional_escape(text)
    return mark_safe(SHEET_NUMBER.sub(lambda m: f'<span class="sheet-number">{m.group()}</span>', escaped))
