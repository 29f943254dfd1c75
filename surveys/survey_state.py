"""What a submission needs to know about its survey, remembered briefly in each process.

The catalog of codes, the current questionnaire version and the quotas take a dozen queries to
load and change only when an administrator edits the survey. Each process keeps them for a
short while, keyed by the survey's id, creation and modification times: the admin saves the
survey whenever its questionnaire changes (its inlines live on the survey's page), which gives a
new key at once; an edit made behind the admin's back (a script, the shell) is seen within
`TTL_SECONDS`.
"""

import time
from dataclasses import dataclass

from surveys.models import QuestionnaireVersion, Quota, Survey
from surveys.selectors import SurveyCatalog, survey_catalog
from surveys.services.questionnaire import questionnaire_version_current

TTL_SECONDS = 30
_MAX_SURVEYS = 256


@dataclass(frozen=True)
class SurveyState:
    catalog: SurveyCatalog
    version: QuestionnaireVersion
    quotas: tuple[Quota, ...]


_memo: dict[tuple, tuple[float, SurveyState]] = {}


def survey_state(survey: Survey) -> SurveyState:
    key = (survey.pk, survey.created_at, survey.updated_at)
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    state = SurveyState(
        catalog=survey_catalog(survey),
        version=questionnaire_version_current(survey=survey),
        quotas=tuple(Quota.objects.filter(survey=survey).select_related("group", "village", "age_band")),
    )
    if len(_memo) >= _MAX_SURVEYS:
        _memo.clear()
    _memo[key] = (now + TTL_SECONDS, state)
    return state


def survey_state_forget() -> None:
    """Forget everything (tests that edit a questionnaire behind the admin's back)."""
    _memo.clear()
