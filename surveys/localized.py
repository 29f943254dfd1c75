"""The name of a survey's part (village, group, age band, item, dimension, the survey's title) in
the page's language: its English field (`name_en`, `label_en`, `text_en`, `title_en`) when English
is active and the survey has filled it in, else the Chinese.

Only for what is shown on a page: exports, reports and the score document keep the Chinese
names, whatever the language of the request that made them.
"""

from django.utils import translation

ENGLISH_FIELDS = ("name_en", "label_en", "text_en", "title_en")


def localized(obj) -> str:
    if obj is None:
        return ""
    if translation.get_language() == "en":
        for field in ENGLISH_FIELDS:
            value = getattr(obj, field, "")
            if value:
                return value
    return str(obj)
