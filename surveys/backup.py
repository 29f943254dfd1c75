"""A whole survey as one JSON document, and back: `backup_survey SLUG -o FILE`, `restore_survey FILE`.

The document names everything by what stays the same in any database — survey slug, part
codes, invitation tokens, version numbers, response ids, usernames — never by a database's own
row ids, so a backup taken on SQLite restores on PostgreSQL and the other way round.

    {
      "format": "manyidu-survey-backup",
      "version": 1,
      "survey": "daligang-2020",
      "created_at": "2026-11-29T10:00:00+08:00",
      "tables": {
        "survey": [{...}],                      # one row: the survey's own fields
        "dimension": [...], "item": [...], "option": [...], "group": [...],
        "ageband": [...], "village": [...], "quota": [...],
        "invitation": [...],                    # tokens included: restored links keep working
        "questionnaireversion": [...],          # the frozen questionnaires answers refer to
        "response": [...],                      # every response, with "entered_by": [usernames]
        "auditentry": [...],                    # the review and audit log
        "papersheet": [...], "paperentry": [...],
        "surveymembership": [...],              # only with --with-members
        "publishedreport": [...]                # the published report, if any (files in base64);
                                                # left out with --without-reports
      },
      "counts": {"response": 545, ...},         # rows per table, and the SHA-256 of the tables'
      "digest": "…"                             # canonical JSON: a cut or edited file is refused
    }

Each row holds the model's concrete fields by name (a response's updated_at becomes the time of the
restore), with: a reference to another row of the
survey as that row's code (token, version number, response id, sheet number), a user as the
username, times in ISO 8601, binary files in base64. Row ids of the database are left out.

Users are not backed up (no password hashes leave the server); a username that does not
exist where the backup is restored is created there without a usable password. A device
marker digest is kept as stored, but it is keyed with the survey's row id and the SECRET_KEY,
so after a restore on another server it no longer matches a phone: "one answer per phone"
starts afresh for the restored survey.
"""

import base64
import hashlib
import json
import uuid
from datetime import datetime
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.answers import answers_fit
from surveys.cache import survey_data_changed
from surveys.models import (
    AgeBand,
    AuditEntry,
    Dimension,
    Group,
    Invitation,
    Item,
    Option,
    PaperEntry,
    PaperSheet,
    PublishedReport,
    QuestionnaireVersion,
    Quota,
    Response,
    Survey,
    SurveyMembership,
    Village,
)

FORMAT = "manyidu-survey-backup"
VERSION = 1
# In the order a restore creates them: each refers only to the ones before it.
PARTS = [Dimension, Item, Option, Group, AgeBand, Village]
DATA = [Quota, Invitation, QuestionnaireVersion, Response, AuditEntry, PaperSheet, PaperEntry]
BATCH = 1000


class BackupInvalid(Exception):
    """The file is not a backup this version can restore, or its survey already exists."""


def _key(model) -> str:
    return model._meta.model_name


def _reference(target: type[models.Model], obj: models.Model) -> Any:
    """How a row names another row: by what stays the same in any database."""
    if issubclass(target, get_user_model()):
        return obj.get_username()
    if target is Invitation:
        return obj.token
    if target is QuestionnaireVersion:
        return obj.number
    if target is Response:
        return str(obj.pk)
    if target is PaperSheet:
        return obj.number
    return obj.code  # the survey's parts


def _encode(obj: models.Model) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if field.is_relation:
            if field.related_model is Survey:
                continue
            target = getattr(obj, field.name)
            row[field.name] = None if target is None else _reference(field.related_model, target)
            continue
        value = field.value_from_object(obj)
        if isinstance(value, bytes | memoryview):
            value = base64.b64encode(bytes(value)).decode()
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID):
            value = str(value)
        row[field.name] = value
    return row


def _rows(model, survey: Survey) -> list[dict]:
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is not Survey]
    queryset = (
        model.objects.filter(survey=survey)
        if model is not PaperEntry
        else model.objects.filter(sheet__survey=survey)
    )
    rows = []
    if model is Response:
        queryset = queryset.prefetch_related("entered_by")
    for obj in queryset.select_related(*related).order_by("pk").iterator(chunk_size=2000):
        row = _encode(obj)
        if model is Response:
            row["entered_by"] = sorted(user.get_username() for user in obj.entered_by.all())
        rows.append(row)
    return rows


def survey_backup(*, survey: Survey, members: bool = False, reports: bool | None = None) -> dict:
    """The whole survey as a JSON-ready dict (see the module docstring). The published report
    (the frozen, official downloads) is in it unless reports=False: without it a restored
    published survey would serve figures computed afresh instead."""
    if reports is None:
        reports = PublishedReport.objects.filter(survey=survey).exists()
    models_ = (
        [*PARTS, *DATA] + ([SurveyMembership] if members else []) + ([PublishedReport] if reports else [])
    )
    tables = {"survey": [_encode(survey)]}
    for model in models_:
        tables[_key(model)] = _rows(model, survey)
    return {
        "format": FORMAT,
        "version": VERSION,
        "survey": survey.slug,
        "created_at": timezone.now().isoformat(),
        "tables": tables,
        **seal(tables),
    }


def _digest(tables: dict) -> str:
    canonical = json.dumps(tables, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal(tables: dict) -> dict:
    """What lets a restore tell a whole file from a cut or edited one: rows per table and the
    SHA-256 of the tables' canonical JSON (written by every backup; older files without them
    are restored on their own checks)."""
    return {"counts": {name: len(rows) for name, rows in tables.items()}, "digest": _digest(tables)}


def survey_backup_write(*, survey: Survey, stream: IO[str], **options) -> None:
    json.dump(survey_backup(survey=survey, **options), stream, ensure_ascii=False, indent=1)


# --- restore -------------------------------------------------------------------------------------


class _Resolver:
    """Turns the backup's references back into rows of this database, as they are created."""

    def __init__(self, survey: Survey):
        self.survey = survey
        self.rows: dict[type, dict[Any, models.Model]] = {}
        self.users: dict[str, models.Model] = {}

    def remember(self, model, reference, obj) -> None:
        self.rows.setdefault(model, {})[reference] = obj

    def user(self, username: str):
        if username not in self.users:
            User = get_user_model()
            user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None:
                user = User(**{User.USERNAME_FIELD: username})
                user.set_unusable_password()
                user.save()
            self.users[username] = user
        return self.users[username]

    def find(self, target, reference):
        if reference is None:
            return None
        if issubclass(target, get_user_model()):
            return self.user(reference)
        if target is Survey:
            return self.survey
        try:
            return self.rows[target][reference if target is not Response else str(reference)]
        except KeyError:
            raise BackupInvalid(
                _("%(model)s %(reference)r 在备份中不存在")
                % {"model": target._meta.model_name, "reference": reference}
            ) from None


def _decode(model, row: dict, resolver: _Resolver) -> models.Model:
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if field.is_relation:
            if field.related_model is Survey:
                values[field.name] = resolver.survey
            elif field.name in row:
                values[field.name] = resolver.find(field.related_model, row[field.name])
            continue
        if field.name not in row:
            continue  # a field newer than the backup: its default
        value = row[field.name]
        if isinstance(field, models.BinaryField) and value is not None:
            value = base64.b64decode(value)
        elif isinstance(field, models.DateTimeField) and value is not None:
            value = datetime.fromisoformat(value)
        elif isinstance(field, models.UUIDField) and value is not None:
            value = uuid.UUID(value)
        values[field.name] = value
    return model(**values)


def _answers_check(response: Response) -> None:
    """The answers string must fit its questionnaire version, as every reader of it assumes."""
    version, answers = response.version, response.answers
    if not answers_fit(answers, item_count=len(version.item_codes), option_count=len(version.option_codes)):
        raise BackupInvalid(
            _(
                "答卷 %(id)s 的 answers %(answers)r 与问卷第 %(version)s 版不符（应为 %(n)s 个字符，每个为选项序号或 -）。"
            )
            % {"id": response.pk, "answers": answers, "version": version.number, "n": len(version.item_codes)}
        )


def _responses_restore(rows: list[dict], resolver: _Resolver) -> None:
    """In batches: a survey has tens of thousands. updated_at becomes the time of the restore."""
    through = Response.entered_by.through
    for start in range(0, len(rows), BATCH):
        batch = [
            _row_decode(Response, row, start + k, resolver)
            for k, row in enumerate(rows[start : start + BATCH])
        ]
        for response in batch:
            _answers_check(response)
        Response.objects.bulk_create(batch)
        links = [
            through(response_id=response.pk, user_id=resolver.user(name).pk)
            for response, row in zip(batch, rows[start : start + BATCH], strict=True)
            for name in row.get("entered_by", [])
        ]
        through.objects.bulk_create(links)
        for response in batch:
            resolver.remember(Response, str(response.pk), response)


def _row_decode(model, row, index: int, resolver: _Resolver) -> models.Model:
    """_decode, with a bad value named by its table and row rather than a traceback."""
    try:
        return _decode(model, row, resolver)
    except (ValueError, TypeError, AttributeError, ValidationError) as exc:
        raise BackupInvalid(
            _("备份表 %(table)s 第 %(row)s 行无法恢复：%(error)s")
            % {"table": _key(model), "row": index + 1, "error": exc}
        ) from None


def _tables_check(data: dict) -> dict:
    """The file's shape, then its counts and digest where it has them; returns its tables."""
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(rows, list) and all(isinstance(row, dict) for row in rows) for rows in tables.values()
    ):
        raise BackupInvalid(_("备份文件缺少 tables，或其中的表不是记录列表；未恢复。"))
    survey_rows = tables.get("survey")
    if not survey_rows or len(survey_rows) != 1 or not isinstance(survey_rows[0].get("slug"), str):
        raise BackupInvalid(_("备份文件的 survey 表应恰有一行（含 slug）；未恢复。"))
    counts = data.get("counts")
    if isinstance(counts, dict):
        for name, expected in counts.items():
            if len(tables.get(name, [])) != expected:
                raise BackupInvalid(
                    _("备份表 %(table)s 应有 %(expected)s 行，文件中只有 %(found)s 行：文件不完整；未恢复。")
                    % {"table": name, "expected": expected, "found": len(tables.get(name, []))}
                )
    if "digest" in data and data["digest"] != _digest(tables):
        raise BackupInvalid(_("备份内容与其校验值（SHA-256）不符：文件在备份后被改动或损坏；未恢复。"))
    return tables


def survey_restore(*, data: dict) -> Survey:
    """Create the survey of a backup, all or nothing; refuses a slug that already exists."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupInvalid(_("这不是满意度调查的备份文件。"))
    if data.get("version") != VERSION:
        raise BackupInvalid(
            _("备份格式版本 %(version)r 无法恢复（本程序为 %(ours)s）。")
            % {"version": data.get("version"), "ours": VERSION}
        )
    tables = _tables_check(data)
    slug = tables["survey"][0]["slug"]
    if Survey.objects.filter(slug=slug).exists():
        raise BackupInvalid(
            _("调查 %(slug)s 已存在，未恢复：备份只能恢复到还没有这项调查的数据库（例如新建的空数据库）。")
            % {"slug": slug}
        )
    try:
        return _restore(tables)
    except IntegrityError as exc:
        raise BackupInvalid(
            _("备份中有重复或相互冲突的记录（例如同一 response id 出现两次），未恢复：%(error)s")
            % {"error": exc}
        ) from None


def _restore(tables: dict) -> Survey:
    with transaction.atomic():
        survey = _row_decode(Survey, tables["survey"][0], 0, _Resolver(None))
        survey.save(force_insert=True)
        resolver = _Resolver(survey)
        for model in [*PARTS, *DATA, SurveyMembership, PublishedReport]:
            rows = tables.get(_key(model), [])
            if model is Response:
                _responses_restore(rows, resolver)
                continue
            for index, row in enumerate(rows):
                obj = _row_decode(model, row, index, resolver)
                obj.save(force_insert=True)
                if model in (*PARTS, Invitation, QuestionnaireVersion, PaperSheet):
                    resolver.remember(model, _reference(model, obj), obj)
        updated = tables["survey"][0].get("updated_at")
        if updated:
            Survey.objects.filter(pk=survey.pk).update(updated_at=datetime.fromisoformat(updated))
        survey_data_changed(survey)
    return survey


def survey_restore_read(*, stream: IO[str]) -> Survey:
    try:
        data = json.load(stream)
    except UnicodeDecodeError:
        raise BackupInvalid(_("备份文件不是 UTF-8 编码的 JSON。")) from None
    except json.JSONDecodeError as exc:
        raise BackupInvalid(_("备份文件不是有效的 JSON：%(error)s") % {"error": exc}) from None
    return survey_restore(data=data)
