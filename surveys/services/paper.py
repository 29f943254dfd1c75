"""Paper questionnaires: numbered sheets, double entry by two staff members, resolution.

A printed sheet carries a number people type (``3-0012-7``: survey, sheet, check digit) and a
QR code with the id its response will have. Two staff members type each sheet independently:

- the first entry is kept, pending;
- the second entry, by another staff member, either agrees (the response is stored, with the
  sheet's id, as paper, entered by both) or disagrees (the sheet waits for a supervisor);
- a supervisor who typed neither entry looks at the paper, chooses the answers and gives a
  reason; the response is stored once and the audit log keeps both entries and the choice.

The comment written on the sheet (意见建议) is typed too, and compared leniently: two typists
rarely type free text byte for byte alike, so spaces, line breaks and the width of letters,
digits and punctuation (，or ,) do not count as a difference. Comments that still differ make the
sheet wait for the supervisor like differing answers, who takes one of the two or types the paper's.

Until then nothing is scored: a pending sheet has no Response row. The response's id is the
sheet's, so the database's primary key decides that a sheet counts at most once, however it
arrives (typed twice, resolved, or imported from a spreadsheet with `import_responses --source
paper`).
"""

import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.answers import decode_answers, encode_answers
from surveys.cache import survey_data_changed
from surveys.localized import localized
from surveys.models import (
    AuditEntry,
    Invitation,
    PaperEntry,
    PaperSheet,
    QuestionnaireVersion,
    Response,
    Survey,
)
from surveys.permissions import can_review
from surveys.selectors import SurveyCatalog, survey_catalog
from surveys.services.quality import response_flags_compute
from surveys.services.questionnaire import questionnaire_version_current
from surveys.services.submission import comment_problems

MAX_PRINT = 1000
REASON_MAX = 500
RESOLVED = "paper_resolved"

# ---------------------------------------------------------------------------------------------
# Sheet numbers: "<survey id>-<sheet, 4 digits or more>-<check digit>".
#
# The check digit is Damm's: it catches every single mistyped digit and every swap of two
# adjacent digits, the two commonest typing errors. On the entry page of one survey the survey
# part may be left out: "0012-7", "00127" and "127" all mean sheet 12.
# ---------------------------------------------------------------------------------------------

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_FULL = re.compile(r"^(\d+)-(\d+)-?(\d)$")
_SHORT = re.compile(r"^(\d+)-?(\d)$")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)


def damm_digit(digits: str) -> str:
    interim = 0
    for d in digits:
        interim = _DAMM[interim][int(d)]
    return str(interim)


def sheet_number(survey_id: int, sequence: int) -> str:
    body = f"{survey_id}{sequence:04d}"
    return f"{survey_id}-{sequence:04d}-{damm_digit(body)}"


@dataclass(frozen=True)
class SheetReference:
    """What someone typed or scanned: a sheet's sequence in a survey, or a response id."""

    sequence: int | None = None
    response_id: uuid.UUID | None = None


class SheetNumberInvalid(ValueError):
    pass


def sheet_reference_parse(text: str, *, survey_id: int) -> SheetReference:
    """A typed number (full or short, check digit required) or a scanned QR (UUID or a URL with one).

    Raises SheetNumberInvalid with a message for the typist.
    """
    text = (text or "").strip()
    found = _UUID.search(text)
    if found:
        return SheetReference(response_id=uuid.UUID(found.group(0)))
    compact = re.sub(r"[\s—–_]+", "", text).replace("－", "-")
    full, short = _FULL.match(compact), _SHORT.match(compact)
    if full:
        prefix, sequence, check = int(full.group(1)), int(full.group(2)), full.group(3)
        if prefix != survey_id:
            raise SheetNumberInvalid(
                _("编号 %(number)s 不属于这项调查（本调查的编号以 %(prefix)s- 开头）。")
                % {"number": text, "prefix": survey_id}
            )
    elif short:
        sequence, check = int(short.group(1)), short.group(2)
    else:
        raise SheetNumberInvalid(
            _("“%(text)s”不是问卷编号：请输入纸上的编号（如 0012-7）或扫描二维码。") % {"text": text}
        )
    if sequence < 1 or damm_digit(f"{survey_id}{sequence:04d}") != check:
        raise SheetNumberInvalid(_("编号 %(number)s 的校验位不对，请核对纸上的编号。") % {"number": text})
    return SheetReference(sequence=sequence)


def sheet_sequence(number: str) -> int:
    return int(number.split("-")[1])


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def paper_sheets_print(*, invitation: Invitation, count: int) -> list[PaperSheet]:
    """Number `count` new sheets for the invitation's village and group, next in the survey's sequence."""
    if not 1 <= count <= MAX_PRINT:
        raise ValueError(_("一次打印 1 至 %(n)d 份。") % {"n": MAX_PRINT})
    survey = invitation.survey
    for _attempt in range(5):
        try:
            with transaction.atomic():
                # Serialise numbering per survey (PostgreSQL); on SQLite the unique number
                # makes a concurrent print fail and try again.
                Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk").first()
                start = PaperSheet.objects.filter(survey=survey).count() + 1
                now = timezone.now()
                sheets = [
                    PaperSheet(
                        survey=survey,
                        invitation=invitation,
                        number=sheet_number(survey.pk, sequence),
                        response_id=uuid.uuid4(),
                        printed_at=now,
                    )
                    for sequence in range(start, start + count)
                ]
                PaperSheet.objects.bulk_create(sheets)
                return sheets
        except IntegrityError:
            continue
    raise RuntimeError(f"could not number paper sheets for {survey.slug}")


# ---------------------------------------------------------------------------------------------
# Entry
# ---------------------------------------------------------------------------------------------


class PaperRefused(Exception):
    """The entry or resolution cannot be made in the sheet's state; `message` tells the user why."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


class PaperInvalid(Exception):
    """Unknown codes or missing items: {field: [message]}."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


@dataclass(frozen=True)
class PaperEntryResult:
    entry: PaperEntry
    ordinal: int  # 1: first entry, 2: second entry
    status: str  # "pending" (first entry) | "stored" (agreed) | "discrepancy"
    differences: list[str] = field(default_factory=list)
    response: Response | None = None


FIRST, STORED, DISCREPANCY = "pending", "stored", "discrepancy"


def _check_answers(
    catalog: SurveyCatalog,
    sheet: PaperSheet,
    answers: dict[str, str | None],
    age_band: str | None,
    comment: str = "",
) -> None:
    errors: dict[str, list[str]] = {}
    if problems := comment_problems(comment):
        errors["comment"] = problems
    for code, option in answers.items():
        if code not in catalog.items:
            errors[f"answers.{code}"] = [_("未知题目代码 %(code)r。") % {"code": code}]
        elif option is not None and option not in catalog.options:
            errors[f"answers.{code}"] = [_("未知选项代码 %(code)r。") % {"code": option}]
    for code in catalog.items:
        if code not in answers:
            errors[f"answers.{code}"] = [_("缺少这道题（空白请录入为空）。")]
    if sheet.invitation.group.by_village:
        if age_band is not None and age_band not in catalog.age_bands:
            errors["age_band"] = [_("未知年龄段 %(code)r。") % {"code": age_band}]
    elif age_band is not None:
        errors["age_band"] = [
            _("“%(group)s”不按年龄段抽样，年龄段应留空。") % {"group": localized(sheet.invitation.group)}
        ]
    if errors:
        raise PaperInvalid(errors)


def _normalised(answers: dict[str, str | None]) -> dict[str, str | None]:
    return {code: option or None for code, option in answers.items()}


def comment_compared(comment: str) -> str:
    """A comment as two entries of it are compared: without white space (a space between Chinese
    characters, a line break where the paper's line ended) and with full-width letters, digits
    and punctuation as their ordinary forms (NFKC: "，" is ","), which depend on the typist's
    input method, not on what the respondent wrote."""
    return "".join(unicodedata.normalize("NFKC", comment).split())


def comments_agree(a: str, b: str) -> bool:
    return a == b or comment_compared(a) == comment_compared(b)


def entry_answers(entry: PaperEntry) -> dict[str, str | None]:
    version = entry.version
    return decode_answers(entry.answers, item_codes=version.item_codes, option_codes=version.option_codes)


def entry_differences(a: PaperEntry, b: PaperEntry) -> list[str]:
    """Where two entries of a sheet disagree: "age_band", item codes in questionnaire order, and
    "comment" (last, as on the paper)."""
    differ = ["age_band"] if a.age_band_id != b.age_band_id else []
    if a.version_id == b.version_id:
        codes = a.version.item_codes
        differ += [c for c, x, y in zip(codes, a.answers, b.answers, strict=True) if x != y]
    else:
        first, second = entry_answers(a), entry_answers(b)
        codes = list(dict.fromkeys([*first, *second]))
        differ += [c for c in codes if first.get(c) != second.get(c)]
    if not comments_agree(a.comment, b.comment):
        differ.append("comment")
    return differ


def _locked(sheet: PaperSheet) -> PaperSheet:
    """The sheet, locked for this transaction: entries and resolutions of one sheet go one at a time."""
    return (
        PaperSheet.objects.select_for_update(of=("self",))
        .select_related("survey", "invitation__group", "invitation__village")
        .get(pk=sheet.pk)
    )


def _already_stored(sheet: PaperSheet) -> str:
    return _("问卷 %(number)s 已录入完成并计入，不能再次录入。") % {"number": sheet.number}


def _already_resolved(sheet: PaperSheet, user: User) -> str:
    """Why a sheet's discrepancy is not resolved again: what became of it (resolved by someone
    else, by this user in another tab, or stored another way meanwhile), not the typist's refusal
    "已录入完成，不能再次录入"."""
    resolution = (
        AuditEntry.objects.filter(action=RESOLVED, response_id=sheet.response_id)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    number = sheet.number
    if resolution is None:
        return _("问卷 %(number)s 已通过其他途径计入（如表格导入），无需再裁定。") % {"number": number}
    if resolution.user_id == user.pk:
        return _("您已裁定过问卷 %(number)s，它已按您的裁定计入，无需再裁定。") % {"number": number}
    who = resolution.user.get_full_name() or resolution.user.get_username()
    return _("问卷 %(number)s 的不一致已由 %(who)s 裁定并计入，无需再裁定。") % {"number": number, "who": who}


def _already_entered(sheet: PaperSheet) -> str:
    return _("您已录入过问卷 %(number)s；第二遍必须由另一位工作人员独立录入。") % {"number": sheet.number}


def typist_may_not_resolve(number: str) -> str:
    """Why someone who typed a sheet may not resolve it. Whoever typed it, staff member or
    administrator, the resolver is someone who typed neither entry."""
    return _(
        "您录入过问卷 %(number)s，不能裁定它：请由没有录入过这张问卷的工作人员或管理员对照原件裁定。"
    ) % {"number": number}


def _refuse_if_stored(sheet: PaperSheet, already: Callable[[PaperSheet], str] = _already_stored) -> None:
    if Response.objects.filter(pk=sheet.response_id).exists():
        raise PaperRefused("stored", already(sheet))


def _refuse_if_frozen(survey: Survey) -> None:
    if survey.status == Survey.Status.PUBLISHED:
        raise PaperRefused("published", _("这项调查的结果已发布，不能再录入纸质问卷。"))


def _store_response(
    *,
    sheet: PaperSheet,
    version: QuestionnaireVersion,
    age_band_id: int | None,
    answers: str,
    comment: str,
    typists: list[int],
    already: Callable[[PaperSheet], str] = _already_stored,
) -> Response:
    """The sheet's response, inserted once: its primary key is the sheet's response id. `already`
    says why, when the id was stored meanwhile."""
    response = Response(
        id=sheet.response_id,
        survey=sheet.survey,
        version=version,
        invitation=sheet.invitation,
        group=sheet.invitation.group,
        village=sheet.invitation.village,
        age_band_id=age_band_id,
        answers=answers,
        comment=comment,
        submitted_at=None,  # when the respondent filled in the paper is not known
        received_at=timezone.now(),
        source=Response.Source.PAPER,
    )
    # Stored with its quality flags (over quota, straight-lining…), as a phone's answers are, so
    # that staff find it among the responses to review and can exclude it.
    response.flags = response_flags_compute(response=response)
    try:
        with transaction.atomic():
            # force_insert: an id already stored (say, from a spreadsheet import) must fail,
            # never be overwritten by an UPDATE.
            response.save(force_insert=True)
    except IntegrityError:
        stored = Response.objects.filter(pk=sheet.response_id).first()
        if stored is None:
            raise
        raise PaperRefused("stored", already(sheet)) from None
    # A new response has no typists yet: one INSERT for both.
    through = Response.entered_by.through
    through.objects.bulk_create([through(response_id=response.pk, user_id=user_id) for user_id in typists])
    survey_data_changed(sheet.survey)
    return response


def paper_entry_save(
    *,
    sheet: PaperSheet,
    user: User,
    age_band: str | None,
    answers: dict[str, str | None],
    comment: str = "",
    keystrokes: int | None = None,
) -> PaperEntryResult:
    """One staff member's typing of a sheet: `answers` maps every item code to an option code or
    None, `comment` is the comment written on it ("" for none).

    Raises PermissionDenied (not staff of the survey), PaperInvalid (codes) or PaperRefused
    (already stored, already typed by this user, or already typed twice and awaiting resolution).
    """
    survey = sheet.survey
    if not can_review(user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以录入纸质问卷。"))
    answers = _normalised(answers)
    age_band = age_band or None
    comment = (comment or "").strip()
    catalog = survey_catalog(survey)
    with transaction.atomic():
        sheet = _locked(sheet)
        _refuse_if_frozen(sheet.survey)
        _refuse_if_stored(sheet)
        others = list(PaperEntry.objects.filter(sheet=sheet).select_related("version", "user"))
        if any(e.user_id == user.pk for e in others):
            raise PaperRefused("already_entered", _already_entered(sheet))
        if len(others) >= 2:
            raise PaperRefused(
                "awaiting_resolution",
                _("问卷 %(number)s 两遍录入不一致，正等待核对裁定，不能再录入。") % {"number": sheet.number},
            )
        _check_answers(catalog, sheet, answers, age_band, comment)
        version = questionnaire_version_current(survey=survey)
        entry = PaperEntry(
            sheet=sheet,
            user=user,
            version=version,
            age_band=catalog.age_bands[age_band] if age_band else None,
            answers=encode_answers(answers, item_codes=version.item_codes, option_codes=version.option_codes),
            comment=comment,
            keystrokes=keystrokes,
        )
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            # The same user's double click, where the row lock is not available (SQLite).
            raise PaperRefused("already_entered", _already_entered(sheet)) from None
        if not others:
            return PaperEntryResult(entry=entry, ordinal=1, status=FIRST)
        first = others[0]
        differences = entry_differences(first, entry)
        if differences:
            return PaperEntryResult(entry=entry, ordinal=2, status=DISCREPANCY, differences=differences)
        response = _store_response(
            sheet=sheet,
            version=version,
            age_band_id=entry.age_band_id,
            answers=entry.answers,
            comment=entry.comment,  # the same as the first entry's, but for spaces or widths
            typists=[first.user_id, user.pk],
        )
        return PaperEntryResult(entry=entry, ordinal=2, status=STORED, response=response)


# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------


def paper_discrepancy_resolve(
    *,
    sheet: PaperSheet,
    user: User,
    answers: dict[str, str | None],
    age_band: str | None,
    reason: str,
    comment: str | None = None,
    comment_of_entry: int | None = None,
) -> Response:
    """A supervisor's reading of the paper where the two entries disagree; stored once, audited.

    The supervisor is a staff member or administrator of the survey who typed neither entry.
    `answers` maps every item code to the option on the paper (None for blank). Where the two
    entries' comments differ, the paper's is either one of them, `comment_of_entry` 1 or 2, or
    typed by the supervisor, `comment`; otherwise (both None) the comment both typed is kept.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PaperInvalid({"reason": [_("请填写裁定依据（如：已核对纸质问卷原件）。")]})
    if len(reason) > REASON_MAX:
        raise PaperInvalid({"reason": [_("裁定依据不超过 %(n)d 字。") % {"n": REASON_MAX}]})
    if "\x00" in reason:  # no text box sends one; PostgreSQL could not store it (a 500)
        raise PaperInvalid({"reason": [_("裁定依据中有空字符（NUL），无法保存。")]})
    survey = sheet.survey
    if not can_review(user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以裁定纸质问卷。"))
    answers = _normalised(answers)
    age_band = age_band or None
    comment = comment.strip() if comment is not None else None
    catalog = survey_catalog(survey)

    def already(sheet: PaperSheet) -> str:
        return _already_resolved(sheet, user)

    with transaction.atomic():
        sheet = _locked(sheet)
        _refuse_if_frozen(sheet.survey)
        _refuse_if_stored(sheet, already)
        entries = list(
            PaperEntry.objects.filter(sheet=sheet)
            .select_related("version", "user", "age_band")
            .order_by("entered_at", "pk")
        )
        if len(entries) < 2:
            raise PaperRefused(
                "not_double_entered",
                _("问卷 %(number)s 还没有录入两遍，无需裁定。") % {"number": sheet.number},
            )
        differences = entry_differences(*entries)
        if not differences:
            raise PaperRefused(
                "no_discrepancy", _("问卷 %(number)s 两遍录入一致，无需裁定。") % {"number": sheet.number}
            )
        if any(e.user_id == user.pk for e in entries):
            raise PaperRefused("typist", typist_may_not_resolve(sheet.number))
        if comment_of_entry in (1, 2):
            comment = entries[comment_of_entry - 1].comment
        elif comment is None:
            if "comment" in differences:
                raise PaperInvalid(
                    {"comment": [_("两遍录入的意见建议不一致，请对照原件选定或录入意见建议。")]}
                )
            comment = entries[1].comment  # as when the two entries agree
        _check_answers(catalog, sheet, answers, age_band, comment)
        version = questionnaire_version_current(survey=survey)
        response = _store_response(
            sheet=sheet,
            version=version,
            age_band_id=catalog.age_bands[age_band].pk if age_band else None,
            answers=encode_answers(answers, item_codes=version.item_codes, option_codes=version.option_codes),
            comment=comment,
            typists=[e.user_id for e in entries],
            already=already,
        )
        AuditEntry.objects.create(
            survey=survey,
            user=user,
            action=RESOLVED,
            response=response,
            reason=reason,
            details={
                "sheet": sheet.number,
                "differences": differences,
                "entries": [
                    {
                        "user": e.user.get_username(),
                        "user_id": e.user_id,
                        "entered_at": e.entered_at.isoformat(),
                        "age_band": e.age_band.code if e.age_band_id else None,
                        "answers": entry_answers(e),
                        "comment": e.comment,
                    }
                    for e in entries
                ],
                "chosen": {"age_band": age_band, "answers": answers, "comment": comment},
            },
        )
    return response
