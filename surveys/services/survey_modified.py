"""A survey marked modified when one of its parts is edited on a page of its own.

Everything cached of a survey's questionnaire and scores is keyed by the survey's modification
time: the per-process state (surveys/survey_state.py) and the score document (surveys/scoring.py,
kept a day). The survey's own admin page saves the survey with its inlines; a village or a quota
edited on its own admin page (renaming a placeholder village, for one) did not, and the score API
and the downloads kept the old name for up to a day.
"""

from collections.abc import Iterable

from django.utils import timezone

from surveys.models import Survey


def survey_mark_modified(*, survey_ids: Iterable[int | None]) -> None:
    ids = {pk for pk in survey_ids if pk is not None}
    if ids:
        Survey.objects.filter(pk__in=ids).update(updated_at=timezone.now())
