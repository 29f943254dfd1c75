"""The questionnaire as respondents see it, frozen into versions."""

import hashlib
import json

from django.db import IntegrityError, transaction

from surveys.models import QuestionnaireVersion, Survey


def questionnaire_definition(survey: Survey) -> dict:
    """The survey's current questionnaire as plain data, in display order."""
    return {
        "dimensions": [
            {"code": d.code, "name": d.name, "name_en": d.name_en}
            for d in survey.dimension_set.order_by("order", "code")
        ],
        "items": [
            {"code": i.code, "dimension": i.dimension.code, "text": i.text, "text_en": i.text_en}
            for i in survey.item_set.select_related("dimension").order_by(
                "dimension__order", "dimension__code", "order", "code"
            )
        ],
        "options": [
            {"code": o.code, "label": o.label, "label_en": o.label_en, "points": o.points}
            for o in survey.option_set.order_by("order", "code")
        ],
    }


def _digest(definition: dict) -> str:
    canonical = json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def questionnaire_version_current(*, survey: Survey) -> QuestionnaireVersion:
    """The version matching the questionnaire as it is now, made on first use.

    Any edit to texts, codes or order gives a new digest and so a new version; responses
    already stored keep pointing at the version they were answered on.
    """
    definition = questionnaire_definition(survey)
    digest = _digest(definition)
    version = QuestionnaireVersion.objects.filter(survey=survey, digest=digest).first()
    if version is not None:
        return version
    for _attempt in range(5):
        try:
            # A savepoint, so that losing the race to a concurrent request leaves the
            # caller's transaction usable; the loser then finds the winner's row.
            with transaction.atomic():
                number = QuestionnaireVersion.objects.filter(survey=survey).count() + 1
                return QuestionnaireVersion.objects.create(
                    survey=survey, number=number, digest=digest, definition=definition
                )
        except IntegrityError:
            version = QuestionnaireVersion.objects.filter(survey=survey, digest=digest).first()
            if version is not None:
                return version
    raise RuntimeError(f"could not record a questionnaire version for {survey.slug}")
