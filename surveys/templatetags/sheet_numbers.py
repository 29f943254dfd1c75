"""Paper sheet numbers ("1-0001-4") kept on one line wherever a text names them."""

import re

from django import template
from django.utils.safestring import SafeData, SafeString, mark_safe

from surveys.templatetags.localized_names import chinese_spans

register = template.Library()

# As surveys.services.paper.sheet_number writes them: survey, sequence, check digit.
SHEET_NUMBER = re.compile(r"(?<![\w-])\d+-\d+-\d(?![\w-])")


def _sheet_number(match: re.Match) -> SafeString:
    return mark_safe(f'<span class="sheet-number">{match.group()}</span>')


@register.filter
def unbroken_sheet_numbers(text) -> SafeString:
    """The text, escaped, with each sheet number in a span.sheet-number, which never breaks at
    its hyphens (a phone broke "1-0001-4" into "1-0001-" and "4"). On an English page the
    Chinese it names (a user's name, "resolved by 老张") is marked lang="zh-Hans" as well
    (WCAG 3.1.2): a message stays plain text, the page marks it."""
    if isinstance(text, SafeData):  # already HTML: only its numbers kept whole
        return mark_safe(SHEET_NUMBER.sub(_sheet_number, text))
    text = str(text)
    parts, end = [], 0
    for number in SHEET_NUMBER.finditer(text):
        parts += [chinese_spans(text[end : number.start()]), _sheet_number(number)]
        end = number.end()
    parts.append(chinese_spans(text[end:]))
    return mark_safe("".join(parts))  # each part escaped by chinese_spans
