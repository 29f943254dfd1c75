"""{{ village|localized }}: a survey part's name in the page's language (surveys/localized.py)."""

from django import template

from surveys.localized import localized as _localized

register = template.Library()


@register.filter
def localized(obj) -> str:
    return _localized(obj)
