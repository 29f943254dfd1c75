"""Moving a survey through draft → open → closed → published."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.localized import localized
from surveys.models import Survey
from surveys.scoring import missing_named, questionnaire_missing
from surveys.selectors import survey_catalog

S = Survey.Status
ALLOWED = {
    S.DRAFT: {S.OPEN},
    S.OPEN: {S.CLOSED},
    S.CLOSED: {S.OPEN, S.PUBLISHED},
    S.PUBLISHED: set(),
}


def survey_set_status(*, survey: Survey, status: str) -> Survey:
    current = S(survey.status)
    target = S(status)
    if target == current:
        return survey
    if target not in ALLOWED[current]:
        allowed = _("、").join(str(s.label) for s in ALLOWED[current]) or _("无")
        raise ValidationError(
            _("“%(title)s”目前为%(current)s，不能改为%(target)s（可改为：%(allowed)s）。")
            % {
                "title": localized(survey),
                "current": current.label,
                "target": target.label,
                "allowed": allowed,
            }
        )
    if target in (S.OPEN, S.PUBLISHED):
        # Opened, respondents would get a questionnaire without questions and the score a 500;
        # published, there would be no score to freeze (its items, options or groups deleted since
        # it was opened). Refused before anything is stored, naming what to add.
        missing = questionnaire_missing(survey_catalog(survey))
        if missing:
            refusal = (
                _("“%(title)s”的问卷还缺少%(parts)s，不能开始收集：请先在调查页补齐。")
                if target == S.OPEN
                else _("“%(title)s”的问卷还缺少%(parts)s，不能发布：请先在管理后台的调查页补齐。")
            )
            raise ValidationError(
                refusal % {"title": localized(survey), "parts": missing_named(missing)}, code="incomplete"
            )
    survey.status = target
    fields = ["status", "updated_at"]
    if target in (S.OPEN, S.CLOSED):  # when collection stopped: the late answers' deadline
        survey.closed_at = timezone.now() if target == S.CLOSED else None
        fields.append("closed_at")
    if target == S.PUBLISHED:
        survey.published_at = timezone.now()
        fields.append("published_at")
    survey.save(update_fields=fields)
    return survey
