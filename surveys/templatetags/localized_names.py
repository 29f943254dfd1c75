"""{{ village|localized }}: a survey part's name in the page's language (surveys/localized.py);
{{ flag|flag_reason }}: a data-quality flag's reason in it (surveys/services/quality.py);
{{ code|flag_label }}: a kind of flag's short name in it;
{{ part|percent_of:whole }}: a share as people read it ("12%", "<1%");
{{ survey|organisation }}: the survey's evaluated body in it;
{{ invitation|place }}: where an invitation's answers come from ("village · group") in it."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from stats.explain import chinese_runs, has_chinese
from stats.text import rounded
from surveys.localized import english_wanted
from surveys.localized import localized as _localized
from surveys.localized import organisation as _organisation
from surveys.localized import place as _place
from surveys.services.quality import flag_label as _flag_label
from surveys.services.quality import flag_reason as _flag_reason

register = template.Library()


@register.filter
def localized(obj) -> str:
    return _localized(obj)


@register.filter
def flag_reason(flag: dict) -> str:
    """{{ flag|flag_reason }}: a data-quality flag's reason in the page's language."""
    return _flag_reason(flag, english=english_wanted())


@register.filter
def flag_label(code: str) -> str:
    """{{ code|flag_label }}: a kind of data-quality flag's short name in the page's language."""
    return _flag_label(code)


@register.filter
def percent_of(part: int, whole: int) -> str:
    """{{ part|percent_of:whole }}: the share in whole percent, rounded half up; "<1%" for a share
    that is not none but rounds to none, and ">99%" for one short of all that rounds to all."""
    if not whole:
        return "—"
    share = 100 * part / whole
    if 0 < share < 0.5:
        return "<1%"
    if 99.5 <= share < 100:
        return ">99%"
    return f"{rounded(share, 0)}%"


@register.filter
def organisation(survey) -> str:
    """The survey's evaluated body in the page's language."""
    return _organisation(survey)


@register.filter
def place(invitation) -> str:
    """An invitation's village and group in the page's language."""
    return _place(invitation)


@register.filter
def unbroken_ranges(text: str) -> str:
    """An age band such as "18–29岁" never broken after its dash (a word joiner follows it): a narrow
    column heading breaks elsewhere ("60岁及 / 以上") or not at all."""
    return str(text).replace("–", "–\u2060")


@register.filter
def chinese_lang(text) -> str:
    """' lang="zh-Hans"' for an element holding `text` on an English page where the text is
    Chinese (a survey's own name with no English, or a frozen score document's), else "": a screen
    reader then reads it with its Chinese voice (WCAG 3.1.2). Use inside the opening tag:
    <th{{ item.name|chinese_lang }}>."""
    if not english_wanted() or not has_chinese(str(text)):
        return ""
    return mark_safe(' lang="zh-Hans"')


@register.filter
def chinese_spans(text) -> str:
    """The text with each of its Chinese runs in <span lang="zh-Hans"> on an English page, where
    it mixes English words and a survey's Chinese names ("道路 (roads) = …", an option 不满意 in
    an item's answer shares): only the names are read with the Chinese voice (WCAG 3.1.2).
    Elsewhere the text as it is, escaped."""
    text = str(text)
    if not english_wanted() or not has_chinese(text):
        return conditional_escape(text)
    return mark_safe(
        "".join(
            format_html('<span lang="zh-Hans">{}</span>', part) if chinese else conditional_escape(part)
            for part, chinese in chinese_runs(text)
        )
    )
