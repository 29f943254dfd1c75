"""A per-survey data token: anything cached from a survey's responses is keyed by it.

Reviews, imports, paper entry and restores replace the token once their transaction commits, so
cached scores are never served for data that has changed, and no hot row in the database is
updated. A web submission, which only adds a row, does not write here: the score cache's key also
holds the survey's response count and latest arrival (surveys/scoring.py), which keeps the
busiest path free of a cache write.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from surveys.models import Survey


def _key(survey_id: int) -> str:
    return f"survey-data-token:{survey_id}"


def survey_data_token(survey: Survey) -> str:
    token = cache.get(_key(survey.pk))
    if token is None:
        token = uuid.uuid4().hex
        # add(), not set(): if another process made one meanwhile, use theirs.
        if not cache.add(_key(survey.pk), token, timeout=None):
            token = cache.get(_key(survey.pk)) or token
    return token


def survey_data_changed(survey: Survey) -> None:
    survey_id = survey.pk
    transaction.on_commit(lambda: cache.set(_key(survey_id), uuid.uuid4().hex, timeout=None))
