"""Import of the responses CSV (contract §3): all or nothing, idempotent on response_id."""

import csv
import io
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.answers import decode_answers, encode_answers
from surveys.cache import survey_data_changed
from surveys.csv_cells import csv_cell_read
from surveys.localized import ENGLISH_FIELDS, localized
from surveys.models import QuestionnaireVersion, Response, Survey
from surveys.selectors import SurveyCatalog, survey_catalog, survey_versions
from surveys.services.quality import responses_flags_apply
from surveys.services.questionnaire import questionnaire_version_current
from surveys.services.submission import comment_problems

FIXED_COLUMNS = ["response_id", "village", "group", "age_band", "submitted_at"]
OPTIONAL_TRAILING = ["comment"]
MAX_ERRORS = 50  # enough to fix a file in one go, short enough to read


@dataclass(frozen=True)
class CsvProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            where = _("第 %(line)d 行，列 %(column)s") % {"line": self.line, "column": self.column}
        else:
            where = _("第 %(line)d 行") % {"line": self.line}
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


class ResponseImportError(Exception):
    """`stopped_after`: the line after which nothing was checked, when the list was cut at
    MAX_ERRORS (or the person fixes fifty problems and meets fifty more, unwarned)."""

    def __init__(self, problems: list[CsvProblem], stopped_after: int | None = None):
        self.problems = problems
        self.stopped_after = stopped_after
        lines = [str(p) for p in problems]
        if stopped_after is not None:
            lines.append(
                _("只列出前 %(n)d 个问题：第 %(line)d 行之后没有检查，改正后请再导入一次。")
                % {"n": len(problems), "line": stopped_after}
            )
        super().__init__("\n".join(lines))


@dataclass
class ParsedRow:
    line: int
    response_id: uuid.UUID
    village: str | None
    group: str
    age_band: str | None
    submitted_at: datetime | None
    answers: dict[str, str | None]
    comment: str | None  # None when the file has no comment column

    def differences(self, other: "ParsedRow") -> list[str]:
        """The columns in which `other`, a row with the same response id, says something else."""
        differ = [
            name
            for name in ("village", "group", "age_band", "submitted_at")
            if getattr(self, name) != getattr(other, name)
        ]
        differ += [
            code
            for code in dict.fromkeys([*self.answers, *other.answers])
            if self.answers.get(code) != other.answers.get(code)
        ]
        if self.comment != other.comment:
            differ.append("comment")
        return differ


@dataclass
class ParsedFile:
    rows: list[ParsedRow]  # one per response id, at its first line
    repeated: int = 0  # lines that repeat an earlier line of the file exactly (same id, same content)


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0  # already stored with the same content, or repeated in the file
    repeated: int = 0  # of which repeated in the file
    created_ids: list[uuid.UUID] = field(default_factory=list)


def parse_timestamp(text: str) -> datetime:
    """ISO 8601; a time without offset is taken as local time (Asia/Shanghai). OverflowError for
    a time that exists only in its own offset (9999-12-31T23:59-12:00 is past year 9999 in UTC,
    as the database stores it). A NUL character is a ValueError: Python's ISO reading stops at one
    at the end, so '2024-11-02T09:30:00' followed by one would be read as that time."""
    if "\x00" in text:
        raise ValueError("NUL in a time")
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


class _RowChecker:
    def __init__(self, catalog: SurveyCatalog, header: list[str]):
        self.catalog = catalog
        self.header = header
        self.item_columns = [c for c in header[len(FIXED_COLUMNS) :] if c not in OPTIONAL_TRAILING]
        self.has_comment = "comment" in header
        self.problems: list[CsvProblem] = []

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(CsvProblem(line, column, message))

    def check_header(self) -> bool:
        catalog, header = self.catalog, self.header
        if header[: len(FIXED_COLUMNS)] != FIXED_COLUMNS:
            self.problem(
                1,
                "",
                _("表头前五列应为 %(expected)s，实际为 %(actual)s")
                % {"expected": ",".join(FIXED_COLUMNS), "actual": ",".join(header[:5])},
            )
            return False
        trailing = header[len(FIXED_COLUMNS) + len(self.item_columns) :]
        if trailing not in ([], OPTIONAL_TRAILING):
            self.problem(1, "comment", _("comment 列只能放在最后"))
        seen: set[str] = set()
        for position, column in enumerate(self.item_columns, start=len(FIXED_COLUMNS) + 1):
            if column.strip() == "":
                self.problem(
                    1,
                    "",
                    _("第 %(position)d 列的表头是空的（行末多了一个逗号？）") % {"position": position},
                )
            elif column not in catalog.items:
                self.problem(
                    1,
                    column,
                    _("未知题目代码 %(code)r；应为 %(known)s 之一")
                    % {"code": column, "known": ", ".join(catalog.items)},
                )
            elif column in seen:
                self.problem(1, column, _("题目 %(code)r 重复出现") % {"code": column})
            seen.add(column)
        missing = [c for c in catalog.items if c not in seen]
        if missing:
            self.problem(1, "", _("缺少题目列：%(columns)s") % {"columns": ", ".join(missing)})
        return not self.problems

    def _code(self, line: int, column: str, value: str, known: dict, what: str) -> str | None:
        if value == "":
            return None
        if value not in known:
            meant = _meant_code(value, known)
            if meant is not None:
                # A name typed for its code (满意 for satisfied, 五羊坪村 for wuyangping), or the
                # code with spaces or in capitals: the error says which code the cell wants.
                self.problem(
                    line,
                    column,
                    _("未知%(what)s代码 %(code)r；应填代码 %(meant)s（%(name)s）")
                    % {"what": what, "code": value, "meant": meant, "name": localized(known[meant])},
                )
            else:
                self.problem(
                    line,
                    column,
                    _("未知%(what)s代码 %(code)r；应为 %(known)s 之一")
                    % {"what": what, "code": value, "known": ", ".join(known)},
                )
        return value

    def check_row(self, line: int, row: list[str], end: int | None = None) -> ParsedRow | None:
        """`end`: the record's last physical line, past `line` when a quoted cell holds new lines."""
        catalog = self.catalog
        if end is not None and end > line:
            # Only a comment may hold a new line; anywhere else a quote was left open and swallowed
            # the lines after it into one cell (whose error would quote those lines as a "code").
            if any(
                ("\n" in cell or "\r" in cell) and name != "comment"
                for name, cell in itertools.zip_longest(self.header, row, fillvalue="")
            ):
                self.problem(
                    line,
                    "",
                    _("有个引号没有闭合，把第 %(line)d 至 %(end)d 行读成了一条答卷")
                    % {"line": line, "end": end},
                )
                return None
        if len(row) != len(self.header):
            self.problem(
                line,
                "",
                _("应有 %(expected)d 列，实际 %(actual)d 列")
                % {"expected": len(self.header), "actual": len(row)},
            )
            return None
        before = len(self.problems)
        cells = dict(zip(self.header, row, strict=True))
        try:
            response_id = uuid.UUID(cells["response_id"])
        except ValueError:
            self.problem(
                line, "response_id", _("%(value)r 不是有效的 UUID") % {"value": cells["response_id"]}
            )
            response_id = None
        village = self._code(line, "village", cells["village"], catalog.villages, _("村（社区）"))
        age_band = self._code(line, "age_band", cells["age_band"], catalog.age_bands, _("年龄段"))
        group = self._code(line, "group", cells["group"], catalog.groups, _("受访群体"))
        if cells["group"] == "":
            self.problem(line, "group", _("受访群体不能为空"))
        elif group in catalog.groups:
            by_village = catalog.groups[group].by_village
            if by_village and village is None and cells["village"] == "":
                self.problem(
                    line, "village", _("群体 %(group)s 按村抽样，必须填写村（社区）") % {"group": group}
                )
            if not by_village and cells["village"]:
                self.problem(
                    line, "village", _("群体 %(group)s 不按村抽样，村（社区）应留空") % {"group": group}
                )
            # As the questionnaire and paper entry refuse it: only a group sampled by village is
            # asked its age band, and a staff member's would put them in an age band's score.
            if not by_village and cells["age_band"]:
                self.problem(
                    line, "age_band", _("群体 %(group)s 不按年龄段抽样，年龄段应留空") % {"group": group}
                )
        submitted_at = None
        if cells["submitted_at"]:
            try:
                submitted_at = parse_timestamp(cells["submitted_at"])
            except ValueError:
                self.problem(
                    line,
                    "submitted_at",
                    _("%(value)r 不是 ISO 8601 时间（如 2020-11-03T10:15:00+08:00）")
                    % {"value": cells["submitted_at"]},
                )
            except OverflowError:
                self.problem(
                    line,
                    "submitted_at",
                    _("%(value)r 超出可存储的时间范围（换算为 UTC 后须在公元 1–9999 年之内）")
                    % {"value": cells["submitted_at"]},
                )
        answers = {}
        for column in self.item_columns:
            answers[column] = self._code(line, column, cells[column], catalog.options, _("选项"))
        # A comment's apostrophe before a would-be formula is export_responses' (csv_cells.py).
        comment = csv_cell_read(cells["comment"]) if self.has_comment else None
        if comment is not None:
            for problem in comment_problems(comment.strip()):  # as the phone's and paper's
                self.problem(line, "comment", problem.rstrip("。"))
        if len(self.problems) > before:
            return None
        return ParsedRow(
            line=line,
            response_id=response_id,
            village=village,
            group=group,
            age_band=age_band,
            submitted_at=submitted_at,
            answers=answers,
            comment=comment,
        )


def _meant_code(value: str, known: dict) -> str | None:
    """The code a cell meant when it holds a name (Chinese or English) or the code with spaces
    around it or in other capitals, else None."""
    wanted = value.strip().casefold()
    for code, part in known.items():
        names = [code, getattr(part, type(part).NAME_FIELD, "")]
        names += [getattr(part, name, "") for name in ENGLISH_FIELDS]
        if any(name and name.strip().casefold() == wanted for name in names):
            return code
    return None


def _too_long(exc: csv.Error) -> bool:
    return "field larger than field limit" in str(exc)


def _csv_error(exc: csv.Error) -> str:
    """What the csv module's error says, for people: a cell over its limit is, in practice, a quote
    left open that swallowed the rest of the file (the header's or a row's)."""
    if _too_long(exc):
        return _("一格超过 %(limit)d 个字符：多半是这一行有个引号没有闭合，把后面的内容读成了一格") % {
            "limit": csv.field_size_limit()
        }
    return _("CSV 格式错误：%(error)s") % {"error": exc}


def parse_responses_csv(catalog: SurveyCatalog, stream: IO[str]) -> ParsedFile:
    """Every row checked; raises ResponseImportError listing the problems (line, column, why).

    A response id on two lines of the file with the same content is one response (two exports
    that overlap, put together): the second line is counted as repeated, as importing the two
    files one after the other would skip it. With other content it is an error naming both lines
    and the columns that differ."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise ResponseImportError([CsvProblem(1, "", _("文件是空的，缺少表头"))]) from None
    except csv.Error as exc:
        raise ResponseImportError([CsvProblem(1, "", _csv_error(exc))]) from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    checker = _RowChecker(catalog, header)
    if not checker.check_header():  # a row is not checked against a header that is wrong
        cut = len(checker.problems) > MAX_ERRORS  # a header of 100,000 unknown columns
        raise ResponseImportError(checker.problems[:MAX_ERRORS], 1 if cut else None)
    rows: list[ParsedRow] = []
    first: dict[uuid.UUID, ParsedRow] = {}
    repeated = 0
    stopped_after: int | None = None
    end = reader.line_num  # the header's last physical line
    try:
        for row in reader:
            # The record's first line, as an editor shows it: a quoted cell may hold new lines,
            # and line_num counts to the record's last one.
            line, end = end + 1, reader.line_num
            if not row or row == [""]:
                continue
            parsed = checker.check_row(line, row, end)
            if parsed is not None:
                earlier = first.setdefault(parsed.response_id, parsed)
                if earlier is parsed:
                    rows.append(parsed)
                elif differ := earlier.differences(parsed):
                    checker.problem(
                        line,
                        differ[0],
                        _("%(id)s 与第 %(line)d 行的 response_id 相同，但内容不同（%(fields)s）")
                        % {"id": parsed.response_id, "line": earlier.line, "fields": ", ".join(differ)},
                    )
                else:
                    repeated += 1
            if len(checker.problems) >= MAX_ERRORS:
                stopped_after = end if next(reader, None) is not None else None  # more to check?
                break
    except csv.Error as exc:
        # A cell too long began on the record's first line; another error is where the reader stopped.
        checker.problem(end + 1 if _too_long(exc) else reader.line_num, "", _csv_error(exc))
    if checker.problems:
        raise ResponseImportError(checker.problems[:MAX_ERRORS], stopped_after)
    return ParsedFile(rows, repeated)


def encoding_problem(raw: bytes) -> CsvProblem | None:
    """Where a file that is not UTF-8 first goes wrong, and how to save it as UTF-8; None if it is.

    Excel on a Chinese Windows saves "CSV（逗号分隔）" in GBK: its bytes never look like a comma,
    a quote or a line end, so the file read with replacement characters still has its cells.
    """
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return None
    try:
        raw.decode("gb18030")
        why = _("不是 UTF-8 编码，像是 Excel 默认的 GBK 编码（“CSV（逗号分隔）”）")
    except UnicodeDecodeError:
        why = _("不是 UTF-8 编码")
    why += _("；请在 Excel 中“另存为”，文件类型选“CSV UTF-8（逗号分隔）”，再导入")
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig", errors="replace"), newline=""))
    header: list[str] = []
    end = 0
    try:
        for row in reader:
            line, end = end + 1, reader.line_num
            header = header or row
            for index, cell in enumerate(row):
                if "\ufffd" in cell:
                    column = header[index] if line > 1 and index < len(header) else ""
                    return CsvProblem(line, column, why)
    except csv.Error:
        pass
    return CsvProblem(end or 1, "", why)


def _differences(row: ParsedRow, stored: Response, versions: dict[int, QuestionnaireVersion]) -> list[str]:
    """Which fields of a stored response differ from the row claiming the same id: the stored one
    read as a row of the same file (its columns only; its comment only where the file has them),
    and compared as two lines of one file are (`ParsedRow.differences`)."""
    version = versions[stored.version_id]
    stored_answers = decode_answers(
        stored.answers, item_codes=version.item_codes, option_codes=version.option_codes
    )
    as_row = ParsedRow(
        line=row.line,
        response_id=stored.id,
        village=stored.village.code if stored.village else None,
        group=stored.group.code,
        age_band=stored.age_band.code if stored.age_band else None,
        submitted_at=stored.submitted_at,
        answers={code: stored_answers.get(code) for code in row.answers},
        comment=None if row.comment is None else stored.comment,
    )
    return row.differences(as_row)


def responses_import(
    *, survey: Survey, stream: IO[str], source: str = Response.Source.IMPORT
) -> ImportResult:
    """Store every new response of the file, or none of them.

    A response_id already stored with the same content is skipped (so importing a file twice
    is harmless); with other content, or in another survey, it is an error naming the line.
    """
    catalog = survey_catalog(survey)
    parsed = parse_responses_csv(catalog, stream)
    rows = parsed.rows
    result = ImportResult(skipped=parsed.repeated, repeated=parsed.repeated)
    with transaction.atomic():
        version = questionnaire_version_current(survey=survey)
        stored = _stored_responses([r.response_id for r in rows])
        versions = survey_versions(survey)
        problems: list[CsvProblem] = []
        stopped_after: int | None = None
        new: list[Response] = []
        now = timezone.now()
        for row in rows:
            existing = stored.get(row.response_id)
            if existing is not None:
                if existing.survey_id != survey.pk:
                    problems.append(
                        CsvProblem(
                            row.line, "response_id", _("%(id)s 已属于另一项调查") % {"id": row.response_id}
                        )
                    )
                    continue
                differ = _differences(row, existing, versions)
                if differ:
                    problems.append(
                        CsvProblem(
                            row.line,
                            differ[0],
                            _("%(id)s 已存储，但内容不同（%(fields)s）")
                            % {"id": row.response_id, "fields": ", ".join(differ)},
                        )
                    )
                else:
                    result.skipped += 1
                continue
            new.append(
                Response(
                    id=row.response_id,
                    survey=survey,
                    version=version,
                    group=catalog.groups[row.group],
                    village=catalog.villages[row.village] if row.village else None,
                    age_band=catalog.age_bands[row.age_band] if row.age_band else None,
                    answers=encode_answers(
                        row.answers, item_codes=version.item_codes, option_codes=version.option_codes
                    ),
                    comment=row.comment or "",
                    submitted_at=row.submitted_at,
                    received_at=now,
                    source=source,
                )
            )
            if len(problems) >= MAX_ERRORS:
                stopped_after = row.line
                break
        if problems:
            raise ResponseImportError(problems, stopped_after)
        Response.objects.bulk_create(new, batch_size=1000)
        result.created = len(new)
        result.created_ids = [r.id for r in new]
        if new:
            responses_flags_apply(survey=survey, response_ids=result.created_ids)
            survey_data_changed(survey)
    return result


def _stored_responses(ids: list[uuid.UUID]) -> dict[uuid.UUID, Response]:
    found: dict[uuid.UUID, Response] = {}
    chunk = 2000  # well under SQLite's limit on query parameters
    for start in range(0, len(ids), chunk):
        queryset = Response.objects.filter(id__in=ids[start : start + chunk]).select_related(
            "village", "group", "age_band"
        )
        found.update({r.id: r for r in queryset})
    return found


def responses_import_text(*, survey: Survey, text: str, **kwargs) -> ImportResult:
    return responses_import(survey=survey, stream=io.StringIO(text, newline=""), **kwargs)
