"""Publishing a survey's report: its figures and files frozen, downloadable byte for byte later."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from surveys.localized import localized
from surveys.models import PublishedReport, Survey
from surveys.permissions import can_publish
from surveys.reports import FORMATS, render_report
from surveys.reports.data import ReportData, report_data
from surveys.scoring import SchemeBroken, score_document
from surveys.services.survey_status import survey_set_status


def report_publish(*, survey: Survey, user: User) -> PublishedReport:
    """Freeze the report as it is now and mark the survey published (closed surveys whose
    questionnaire has items, options and groups only).

    The score document, the scheme, the hash of the included responses and every download are
    stored, in Chinese and in English (both read in the same transaction, so their figures are
    the same); afterwards the downloads serve these, whatever happens to the responses.
    """
    if not can_publish(user, survey):
        raise PermissionDenied(_("只有这项调查的评价人员或管理员可以发布报告。"))
    if survey.status != Survey.Status.CLOSED:
        raise ValidationError(
            _("只有已截止的调查可以发布；“%(title)s”目前为%(status)s。")
            % {"title": localized(survey), "status": survey.get_status_display()},
            code="status",
        )
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != Survey.Status.CLOSED:
            raise ValidationError(_("这项调查刚刚已被发布或重新开放。"), code="status")
        # Status first, so the files say 已发布; the report reads the data inside this transaction.
        # (A questionnaire missing its items, options or groups is refused there, nothing stored;
        # so is a saved scheme that does not fit the questionnaire, below.)
        survey_set_status(survey=locked, status=Survey.Status.PUBLISHED)
        try:
            data = report_data(locked, use_cache=False)
            english = report_data(locked, use_cache=False, language="en")
        except SchemeBroken as exc:
            # Refused as a missing part is: nothing stored, the administrator told what to fix
            # (of the survey as it still is: `locked` already says published).
            raise ValidationError(str(SchemeBroken(survey, exc.errors)), code="scheme") from None
        published = PublishedReport.objects.create(
            survey=locked,
            created_by=user,
            created_at=locked.published_at,
            data_hash=data.data_hash,
            scheme=data.document["scheme"],
            score=data.document,
            score_en=english.document,
            **_files(data),
            **{f"{fmt}_en": body for fmt, body in _files(english).items()},
        )
    survey.status, survey.published_at = locked.status, locked.published_at
    return published


def _files(data: ReportData) -> dict[str, bytes]:
    return {fmt: render_report(data, fmt) for fmt in FORMATS}


def published_report(survey: Survey) -> PublishedReport | None:
    """The survey's latest published report, or None."""
    return PublishedReport.objects.filter(survey=survey).order_by("-created_at", "-pk").first()


def published_document(survey: Survey, *, method: str, lang: str) -> dict | None:
    """The score document frozen when the survey was published, if that is what is asked for
    (its method; a publication made before English reports existed has only its Chinese one)."""
    if survey.status != Survey.Status.PUBLISHED:
        return None
    published = published_report(survey)
    document = published.document(lang) if published is not None else None
    if not document or document.get("composite", {}).get("method") != method:
        return None
    return document


def score_document_shown(survey: Survey, *, method: str = "taylor", lang: str = "zh", live: bool = False):
    """The score document the API and the commands give, and whether it is the frozen one: a
    published survey's as published (in the method and language asked for, where frozen), unless
    `live` asks for today's data; any other survey's computed now."""
    frozen = None if live else published_document(survey, method=method, lang=lang)
    if frozen is not None:
        return frozen, True
    return score_document(survey, method=method, lang=lang), False
