"""The one statement that stores a submission whose invitation this process has read before.

Before a response may be stored, its link must still be good (the invitation active, within its
window, of an open survey whose questionnaire has not changed), its phone must not have answered
already, and its quota cell's count decides the over-quota flag. Read one by one, that is three
round trips to the database before the INSERT, each as dear as the INSERT itself. Here they are
conditions and a sub-query of the INSERT:

    INSERT INTO surveys_response (<every column>)
    SELECT <the row's values>, CAST(CASE WHEN k.n0 >= <target> THEN <flags with over_quota>
                                         ELSE <flags> END AS jsonb)
      FROM surveys_invitation i JOIN surveys_survey s ON s.id = i.survey_id
           CROSS JOIN (SELECT <responses counted in each covering quota's cell> AS n0, ...) k
     WHERE i.id = <id> AND <the invitation's group, village, active, not single-use, in its window>
       AND s.status = 'open' AND s.updated_at = <as remembered> AND <sharing phones as remembered>
       AND NOT EXISTS (SELECT 1 FROM surveys_response d WHERE d.survey_id = <id> AND d.device = <digest>)
    ON CONFLICT DO NOTHING RETURNING flags

A row returned means that every check held at that moment, as if each had been read first. No row
means that one did not hold, or that the id is taken (a retry, a conflict): the caller then goes
the careful way (surveys/services/submission.py), which reads the invitation afresh and answers
with the reason. The same SQL runs on PostgreSQL and SQLite (3.35 or later, for RETURNING).

The over-quota flag's text holds the cell's count, which only the statement knows: each possible
flag list is written in Python as JSON with a stand-in for the count, and the statement joins the
pieces around the count it finds.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from django.db import connections

from surveys.compiled_query import CompiledInsert
from surveys.models import Invitation, Quota, Response, Survey
from surveys.services.quality import Flag, narrowest_cell, over_quota_flag_of, quota_cell

_INSERT = CompiledInsert(Response)  # prepares the row's values exactly as save() would
_COUNT = "\x00count\x00"  # stands for the cell's count in a flag's text
_COUNT_IN_JSON = json.dumps(_COUNT)[1:-1]

# The statement's text depends only on its shape, which a survey has a few of: per covering
# quota, whether it names a village and an age band and in how many pieces its flag text comes;
# the narrowest cell holding them all (quality.narrowest_cell); whether the invitation has a
# village; whether the phone is checked. Made once per shape.
QuotaShape = tuple[bool, bool, int]


@lru_cache(maxsize=512)
def _statement(alias: str, quotas: tuple[QuotaShape, ...], cell: str, village: bool, device: bool) -> str:
    connection = connections[alias]
    qn = connection.ops.quote_name

    def column(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    response_table = qn(Response._meta.db_table)
    values = []
    for field in _INSERT.fields:
        if field.name != "flags":
            values.append("%s")
            continue
        as_type = field.db_type(connection)  # jsonb, or text on SQLite
        whens = [
            f"WHEN k.n{n} >= %s THEN " + f" || CAST(k.n{n} AS TEXT) || ".join(["%s"] * pieces)
            for n, (_village, _age_band, pieces) in enumerate(quotas)
        ]
        values.append(
            f"CAST(CASE {' '.join(whens)} ELSE %s END AS {as_type})" if quotas else f"CAST(%s AS {as_type})"
        )
    cells = ""
    if quotas:
        r = lambda name: "r." + column(Response, name)  # noqa: E731
        counts = []
        for n, (has_village, has_age_band, _pieces) in enumerate(quotas):
            conditions = ["1 = 1"]
            conditions += [f"{r('village')} = %s"] if has_village else []
            conditions += [f"{r('age_band')} = %s"] if has_age_band else []
            counts.append(f"COALESCE(SUM(CASE WHEN {' AND '.join(conditions)} THEN 1 ELSE 0 END), 0) AS n{n}")
        where = [f"{r('survey')} = %s", f"{r('excluded')} = %s", f"{r('group')} = %s"]
        where += [f"{r('village')} = %s"] if cell in ("village", "age_band") else []
        where += [f"{r('age_band')} = %s"] if cell == "age_band" else []
        cells = (
            f" CROSS JOIN (SELECT {', '.join(counts)} FROM {response_table} r WHERE {' AND '.join(where)}) k"
        )
    i = lambda name: "i." + column(Invitation, name)  # noqa: E731
    s = lambda name: "s." + column(Survey, name)  # noqa: E731
    checks = [
        f"{i('id')} = %s",
        f"{i('survey')} = %s",
        f"{i('group')} = %s",
        f"{i('village')} = %s" if village else f"{i('village')} IS NULL",
        f"{i('is_active')} = %s",
        f"{i('single_use')} = %s",
        f"({i('opens_at')} IS NULL OR {i('opens_at')} <= %s)",
        f"({i('closes_at')} IS NULL OR {i('closes_at')} > %s)",
        f"{s('status')} = %s",
        f"{s('updated_at')} = %s",
        f"{s('allow_shared_device')} = %s",
    ]
    if device:
        d = lambda name: "d." + column(Response, name)  # noqa: E731
        checks.append(
            f"NOT EXISTS (SELECT 1 FROM {response_table} d WHERE {d('survey')} = %s AND {d('device')} = %s)"
        )
    columns = ", ".join(qn(field.column) for field in _INSERT.fields)
    return (
        f"INSERT INTO {response_table} ({columns}) SELECT {', '.join(values)}"
        f" FROM {qn(Invitation._meta.db_table)} i"
        f" INNER JOIN {qn(Survey._meta.db_table)} s ON {s('id')} = {i('survey')}{cells}"
        f" WHERE {' AND '.join(checks)} ON CONFLICT DO NOTHING RETURNING {column(Response, 'flags')}"
    )


def response_insert_checked(
    response: Response,
    *,
    invitation: Invitation,
    covering: Sequence[Quota],
    check_device: bool,
    now: datetime,
    using: str = "default",
) -> bool:
    """Insert `response` (its flags set, but for over-quota) if, at this moment, `invitation` and
    its survey are still as remembered and taking responses, and (with `check_device`) its
    phone has not answered the survey. Adds the over-quota flag of the first full cell among
    `covering` (the quotas whose cell holds the response). True when the row was inserted
    (`response.flags` then holds what was stored); False when nothing was."""
    ops = connections[using].ops
    flags: list[Flag] = response.flags
    # The parameters in the statement's order: the row (its flags as a CASE on the counts),
    # the counts' sub-query, the checks.
    params, shapes = [], []
    for field, value in zip(_INSERT.fields, _INSERT.values(response, using), strict=True):
        if field.name != "flags":
            params.append(value)
            continue
        for quota in covering:
            over = [*flags, over_quota_flag_of(*quota_cell(quota, quota.target, _COUNT))]
            pieces = json.dumps(over).split(_COUNT_IN_JSON)
            params += [quota.target, *pieces]
            shapes.append((quota.village_id is not None, quota.age_band_id is not None, len(pieces)))
        params.append(json.dumps(flags))
    cell = narrowest_cell(covering) if covering else ""
    if covering:
        for quota in covering:
            params += [quota.village_id] if quota.village_id is not None else []
            params += [quota.age_band_id] if quota.age_band_id is not None else []
        params += [response.survey_id, False, response.group_id]
        params += [response.village_id] if cell in ("village", "age_band") else []
        params += [response.age_band_id] if cell == "age_band" else []
    survey = invitation.survey
    when = ops.adapt_datetimefield_value(now)
    params += [invitation.pk, invitation.survey_id, invitation.group_id]
    params += [invitation.village_id] if invitation.village_id is not None else []
    params += [True, False, when, when, Survey.Status.OPEN.value]
    params += [ops.adapt_datetimefield_value(survey.updated_at), survey.allow_shared_device]
    device = bool(check_device and response.device)
    params += [invitation.survey_id, response.device] if device else []
    statement = _statement(using, tuple(shapes), cell, invitation.village_id is not None, device)
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return False
    stored = row[0]
    response.flags = json.loads(stored) if isinstance(stored, str | bytes) else stored
    response._state.adding = False
    response._state.db = using
    return True
