"""What a submission needs to know about its survey, remembered briefly in each process.

The catalog of codes, the current questionnaire version and the quotas take a dozen queries to
load and change only when an administrator edits the survey. Each process keeps them for a
short while, keyed by the survey's id, creation and modification times: the admin saves the
survey whenever its questionnaire changes (its inlines live on the survey's page), and marks it
modified when a village or a quota is edited on its own page (surveys/services/survey_modified.py),
which gives a new key at once; an edit made behind the admin's back (a script, the shell) is seen
within `TTL_SECONDS`.
"""

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS

from surveys.compiled_query import CompiledQuery
from surveys.models import AgeBand, Group, Invitation, QuestionnaireVersion, Quota, Survey, Village
from surveys.process_memo import ProcessMemo
from surveys.selectors import SurveyCatalog, survey_catalog
from surveys.services.questionnaire import questionnaire_version_current

TTL_SECONDS = 30


@dataclass(frozen=True)
class SurveyState:
    catalog: SurveyCatalog
    version: QuestionnaireVersion
    quotas: tuple[Quota, ...]
    groups_by_id: dict[int, Group]
    villages_by_id: dict[int, Village]
    age_bands_by_id: dict[int, AgeBand]
    _covering: dict[tuple, tuple[Quota, ...]] = field(default_factory=dict, repr=False, compare=False)

    def quotas_covering(
        self, group_id: int, village_id: int | None, age_band_id: int | None
    ) -> tuple[Quota, ...]:
        """The quotas whose cell holds a response of this group, village and age band (worked
        out once per cell and kept with the state)."""
        key = (group_id, village_id, age_band_id)
        covering = self._covering.get(key)
        if covering is None:
            covering = self._covering[key] = tuple(
                q
                for q in self.quotas
                if q.group_id == group_id
                and q.village_id in (None, village_id)
                and q.age_band_id in (None, age_band_id)
            )
        return covering


_memo: ProcessMemo[SurveyState] = ProcessMemo(ttl=TTL_SECONDS)


def _survey_state_load(survey: Survey) -> SurveyState:
    catalog = survey_catalog(survey)
    return SurveyState(
        catalog=catalog,
        version=questionnaire_version_current(survey=survey),
        quotas=tuple(Quota.objects.filter(survey=survey).select_related("group", "village", "age_band")),
        groups_by_id={g.pk: g for g in catalog.groups.values()},
        villages_by_id={v.pk: v for v in catalog.villages.values()},
        age_bands_by_id={a.pk: a for a in catalog.age_bands.values()},
    )


def survey_state(survey: Survey, *, fresh: bool = False) -> SurveyState:
    """The survey's state, from this process's memo unless it is older than `TTL_SECONDS`, or
    `fresh` asks to load it again."""
    key = (survey.pk, survey.created_at, survey.updated_at)
    return _memo.get(key, lambda: _survey_state_load(survey), fresh=fresh)


def survey_state_forget() -> None:
    """Forget everything (tests that edit a questionnaire behind the admin's back)."""
    _memo.clear()
    _invitations.clear()


# What a submission reads of its invitation and survey; the other fields (titles, the scoring
# scheme) are left deferred, loaded by Django only if something asks for them.
_INVITATION_FIELDS = [
    "id", "survey_id", "token", "group_id", "village_id", "single_use", "is_active", "opens_at", "closes_at"
]  # fmt: skip
_SURVEY_FIELDS = [
    "id", "slug", "status", "allow_shared_device", "late_grace_hours", "created_at", "updated_at", "closed_at"
]  # fmt: skip
_invitation_query = CompiledQuery(
    lambda token: (
        Invitation.objects.filter(token=token)
        .order_by()
        .values_list(*_INVITATION_FIELDS, *(f"survey__{name}" for name in _SURVEY_FIELDS))
    ),
    1,
    sample=["token"],
)


# The invitations this process last read for a submission, by token. Only a starting point: the
# submission's INSERT checks the remembered invitation and survey against their rows (see
# surveys/services/submission_insert.py), and a link that changed is read again. So a long life
# costs nothing but memory.
INVITATION_TTL_SECONDS = 600
_invitations: ProcessMemo[Invitation] = ProcessMemo(ttl=INVITATION_TTL_SECONDS, max_entries=4096)


def invitation_remembered(token: str) -> Invitation | None:
    """The invitation (with its survey, group and village) as `submission_invitation` last read
    it in this process, or None. Possibly out of date: check it before relying on it."""
    return _invitations.peek(token)


def submission_invitation(token: str) -> tuple[Invitation, SurveyState] | None:
    """The invitation of a submission and its survey, read fresh in one fixed query (so a closed
    survey or a deactivated link is refused at once), with the survey's state; the invitation's
    group and village come from that state. None for an unknown token. What is read is also
    remembered (`invitation_remembered`).
    """
    rows = _invitation_query.rows(token)
    if not rows:
        return None
    row = rows[0]
    split = len(_INVITATION_FIELDS)
    invitation = Invitation.from_db(DEFAULT_DB_ALIAS, _INVITATION_FIELDS, row[:split])
    survey = Survey.from_db(DEFAULT_DB_ALIAS, _SURVEY_FIELDS, row[split:])
    state = survey_state(survey)
    if invitation.group_id not in state.groups_by_id or (
        invitation.village_id and invitation.village_id not in state.villages_by_id
    ):  # a group or village added since the memo was made, behind the admin's back
        state = survey_state(survey, fresh=True)
    group = state.groups_by_id[invitation.group_id]
    village = state.villages_by_id[invitation.village_id] if invitation.village_id else None
    invitation.survey = survey
    invitation.group = group
    invitation.village = village
    _invitations.put(token, invitation)
    return invitation, state
