"""Who may do what with a survey.

Three roles, all on Django's own users:

- administrators are superusers: every survey, every action;
- staff (SurveyMembership role "staff") collect and review the surveys they are members of:
  progress, flagged responses, exclude / re-include, the audit log;
- evaluators (role "evaluator") read the scores, the downloads, the progress and the audit log of
  their surveys, and change nothing.

Any of them may make an API token, which reads (never writes) what its owner may read.

Scores are for evaluators and administrators only: staff can exclude responses, and people who
can exclude should not watch the score move while they do it.

A user who is not a member of a survey is told it does not exist (404), never that it is
forbidden (403), so survey slugs do not leak between towns. A member who lacks the role for an
action gets 403.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from surveys.models import Survey, SurveyMembership

STAFF = SurveyMembership.Role.STAFF
EVALUATOR = SurveyMembership.Role.EVALUATOR
_ROLES_CACHE = "_survey_roles"


def is_administrator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def surveys_visible_to(user: User | AnonymousUser) -> QuerySet[Survey]:
    """The surveys a user may open at all: every one for administrators, their own for members."""
    if is_administrator(user):
        return Survey.objects.all()
    if not (user.is_authenticated and user.is_active):
        return Survey.objects.none()
    return Survey.objects.filter(surveymembership__user=user).distinct()


def _remember(user, survey: Survey, roles: frozenset[str]) -> None:
    cache = getattr(user, _ROLES_CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _ROLES_CACHE, cache)
    cache[survey.pk] = roles


def survey_roles(user: User | AnonymousUser, survey: Survey) -> frozenset[str]:
    """The user's roles on the survey, looked up once per user object (one query)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cache = getattr(user, _ROLES_CACHE, {})
    if survey.pk not in cache:
        roles = frozenset(
            SurveyMembership.objects.filter(user=user, survey=survey).values_list("role", flat=True)
        )
        _remember(user, survey, roles)
    return getattr(user, _ROLES_CACHE)[survey.pk]


def surveys_listed_for(user: User | AnonymousUser) -> list[Survey]:
    """surveys_visible_to, newest first, with the user's roles on each looked up at once (one
    query more, not one per survey), so that the checks below cost nothing for any of them."""
    surveys = list(surveys_visible_to(user).order_by("-year", "slug"))
    roles: dict[int, set[str]] = {}
    if user.is_authenticated and user.is_active:
        memberships = SurveyMembership.objects.filter(user=user, survey__in=surveys)
        for survey_id, role in memberships.values_list("survey_id", "role"):
            roles.setdefault(survey_id, set()).add(role)
    for survey in surveys:
        _remember(user, survey, frozenset(roles.get(survey.pk, ())))
    return surveys


def survey_get_for(user: User | AnonymousUser, slug: str) -> Survey:
    """The survey with this slug if the user may see it, else Http404 — in one query.

    Members' roles come with it, so the checks below cost nothing more.
    """
    if is_administrator(user):
        try:
            return Survey.objects.get(slug=slug)
        except Survey.DoesNotExist:
            raise Http404(_("没有这项调查。")) from None
    if not (user.is_authenticated and user.is_active):
        raise Http404(_("没有这项调查。"))
    memberships = list(SurveyMembership.objects.filter(user=user, survey__slug=slug).select_related("survey"))
    if not memberships:
        raise Http404(_("没有这项调查。"))
    survey = memberships[0].survey
    _remember(user, survey, frozenset(m.role for m in memberships))
    return survey


def can_view_progress(user: User | AnonymousUser, survey: Survey) -> bool:
    return is_administrator(user) or bool(survey_roles(user, survey) & {STAFF, EVALUATOR})


def can_review(user: User | AnonymousUser, survey: Survey) -> bool:
    """Exclude and re-include responses."""
    return is_administrator(user) or STAFF in survey_roles(user, survey)


def can_read_scores(user: User | AnonymousUser, survey: Survey) -> bool:
    """Scores and the evaluator's downloads (xlsx, pdf, csv)."""
    return is_administrator(user) or EVALUATOR in survey_roles(user, survey)


def can_publish(user: User | AnonymousUser, survey: Survey) -> bool:
    """Freeze and publish the report: the evaluators who sign it, and administrators."""
    return can_read_scores(user, survey)


def can_read_audit(user: User | AnonymousUser, survey: Survey) -> bool:
    return can_view_progress(user, survey)


def may_have_api_token(user: User | AnonymousUser) -> bool:
    """An API token (read-only, surveys/api/authentication.py) reads what its owner may read:
    administrators, and any member of a survey — an evaluator's tools the score and downloads,
    a staff member's the collection progress (a county's own screen, a script)."""
    if is_administrator(user):
        return True
    return bool(
        user.is_authenticated and user.is_active and SurveyMembership.objects.filter(user=user).exists()
    )


class _SurveyPermission(BasePermission):
    """Object permission on a Survey.

    Use in a view that looks the survey up with `survey_get_for(request.user, slug)` (404 for
    outsiders) and then calls `self.check_object_permissions(request, survey)` (403 for members
    without the role). Override `rule` in a subclass for another action.
    """

    message = gettext_lazy("您在这项调查中没有这项权限。")

    @staticmethod
    def rule(user, survey: Survey) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return self.rule(request.user, obj)


class CanViewProgress(_SurveyPermission):
    rule = staticmethod(can_view_progress)


class CanReview(_SurveyPermission):
    rule = staticmethod(can_review)


class CanReadScores(_SurveyPermission):
    rule = staticmethod(can_read_scores)
