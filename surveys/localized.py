"""The name of a survey's part (village, group, age band, item, option, dimension, the survey's
title) in the page's language: its English field (`name_en`, `label_en`, `text_en`, `title_en`;
each model has one, beside the Chinese field its NAME_FIELD names) when English is wanted and the
survey has filled it in, else the Chinese. Those models' str() is `localized(self)`: the active
language's name, so that the admin and every form list them in the page's language; whatever
must stay Chinese whatever the page (posters, paper sheets, stored flag texts) asks for it
with `english=False`.

The response exports (contract §3) keep codes; the score document and the evaluator's reports
use these names only when English is asked for explicitly (`?lang=en`, `--lang en`), and are
Chinese otherwise, whatever the language of the page that links to them.
"""

from django.utils import translation

ENGLISH_FIELDS = ("name_en", "label_en", "text_en", "title_en")


def english_wanted(english: bool | None = None) -> bool:
    """`english` when given; by default, whether English is the active language."""
    return translation.get_language() == "en" if english is None else english


def language(english: bool | None = None) -> str:
    """ "en" or "zh": the short code of the language wanted (documents, texts tables, ?lang=)."""
    return "en" if english_wanted(english) else "zh"


def named(part: dict, field: str, *, english: bool | None = None) -> str:
    """A name in a questionnaire version's definition (`text`, `name`, `label`): its `…_en`
    when English is wanted and it has one, else the Chinese — as `localized` does for models."""
    return (english_wanted(english) and part.get(f"{field}_en")) or part[field]


def localized(obj, *, english: bool | None = None) -> str:
    """`english`: whether English is wanted; by default, whether it is the active language."""
    if obj is None:
        return ""
    if english_wanted(english):
        for field in ENGLISH_FIELDS:
            value = getattr(obj, field, "")
            if value:
                return value
    name_field = getattr(obj, "NAME_FIELD", None)
    return getattr(obj, name_field) if name_field else str(obj)


def fallback_lang(obj, *, english: bool | None = None) -> str:
    """ "zh-Hans" where `localized(obj, english=english)` gives the Chinese name although English
    is wanted (the survey has no English name for it), else "": the value of the lang attribute
    that marks such a name as Chinese on an English page, for a screen reader to read it with its
    Chinese voice (WCAG 3.1.2)."""
    if obj is None or not english_wanted(english):
        return ""
    return "" if any(getattr(obj, field, "") for field in ENGLISH_FIELDS) else "zh-Hans"


def organisation(survey, *, english: bool | None = None) -> str:
    """The evaluated body (被评价单位) in the language wanted, as `localized` gives names."""
    return (english_wanted(english) and survey.organisation_en) or survey.organisation


def place(invitation, *, english: bool | None = None) -> str:
    """Where an invitation's answers come from: "village · group" (the group alone where it is
    not sampled by village), in the language wanted; Invitation's str() is the Chinese."""
    return " · ".join(localized(part, english=english) for part in place_parts(invitation))


def place_parts(invitation) -> tuple:
    """The village and group an invitation's answers come from, or its group alone where that is
    not sampled by village."""
    return (invitation.village, invitation.group) if invitation.village_id else (invitation.group,)
