"""Reads for paper questionnaires: finding a sheet, its state, the discrepancies, the summary.

Each in a fixed number of queries, whatever the number of sheets.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from surveys.answers import decode_answers
from surveys.localized import localized
from surveys.models import AuditEntry, PaperEntry, PaperSheet, Response, Survey
from surveys.selectors import SurveyCatalog, survey_catalog, survey_versions
from surveys.services.paper import (
    RESOLVED,
    SheetNumberInvalid,
    comments_agree,
    entry_answers,
    entry_differences,
    sheet_number,
    sheet_reference_parse,
    sheet_sequence,
)


def paper_sheet_find(survey: Survey, text: str) -> PaperSheet:
    """The sheet a typed number or a scanned QR code names; SheetNumberInvalid says why not."""
    reference = sheet_reference_parse(text, survey_id=survey.pk)
    sheets = PaperSheet.objects.filter(survey=survey).select_related(
        "invitation__group", "invitation__village"
    )
    if reference.response_id is not None:
        sheet = sheets.filter(response_id=reference.response_id).first()
        if sheet is None:
            # The QR code of a sheet of another survey (the number the typist would have read
            # was refused by its prefix): said so, with the number printed beside the code.
            other = (
                PaperSheet.objects.filter(response_id=reference.response_id)
                .values_list("number", flat=True)
                .first()
            )
            if other is not None:
                raise SheetNumberInvalid(
                    _("扫描的问卷 %(number)s 不属于这项调查（本调查的编号以 %(prefix)s- 开头）。")
                    % {"number": other, "prefix": survey.pk}
                )
    else:
        sheet = sheets.filter(number=sheet_number(survey.pk, reference.sequence)).first()
    if sheet is None:
        raise SheetNumberInvalid(_("这项调查没有编号为 %(number)s 的问卷。") % {"number": text.strip()})
    return sheet


def paper_next_number(sheet: PaperSheet) -> str | None:
    """The number of the sheet printed after this one, if there is one: the typist's next guess."""
    following = sheet_number(sheet.survey_id, sheet_sequence(sheet.number) + 1)
    return following if PaperSheet.objects.filter(number=following).exists() else None


@dataclass(frozen=True)
class SheetState:
    status: str  # "first" | "second" | "entered_by_you" | "awaiting_resolution" | "stored"
    ordinal: int | None  # which entry the user would make: 1 or 2
    message: str

    @property
    def can_enter(self) -> bool:
        return self.ordinal is not None


def paper_sheet_state(sheet: PaperSheet, user: User) -> SheetState:
    """What this user may do with the sheet now (two queries)."""
    if Response.objects.filter(pk=sheet.response_id).exists():
        return SheetState(
            "stored", None, _("问卷 %(number)s 已录入完成并计入，无需再录。") % {"number": sheet.number}
        )
    typists = list(PaperEntry.objects.filter(sheet=sheet).values_list("user_id", flat=True))
    if user.pk in typists:
        return SheetState(
            "entered_by_you",
            None,
            _("您已录入过问卷 %(number)s；第二遍须由另一位工作人员录入。") % {"number": sheet.number},
        )
    if len(typists) >= 2:
        return SheetState(
            "awaiting_resolution",
            None,
            _("问卷 %(number)s 两遍录入不一致，正等待核对裁定。") % {"number": sheet.number},
        )
    if typists:
        return SheetState("second", 2, _("第 2 遍录入（核对录入）"))
    return SheetState("first", 1, _("第 1 遍录入"))


@dataclass(frozen=True)
class DiscrepancyRow:
    code: str
    text: str
    first: str | None  # option code
    second: str | None
    differs: bool


@dataclass(frozen=True)
class Discrepancy:
    sheet: PaperSheet
    entries: list[PaperEntry]  # two, in the order they were made
    age_band_differs: bool
    rows: list[DiscrepancyRow]
    comment_differs: bool = False

    @property
    def differences(self) -> int:
        return sum(r.differs for r in self.rows) + self.age_band_differs + self.comment_differs


def paper_discrepancies(survey: Survey, *, catalog: SurveyCatalog | None = None) -> list[Discrepancy]:
    """Sheets typed twice with different results and not yet resolved, in number order.

    Queries: the sheets, their entries, and the catalog (unless given).
    """
    catalog = catalog or survey_catalog(survey)
    stored = Response.objects.filter(pk=OuterRef("response_id"))
    sheets = list(
        PaperSheet.objects.filter(survey=survey)
        .annotate(entries=Count("paperentry"), stored=Exists(stored))
        .filter(entries__gte=2, stored=False)
        .select_related("invitation__group", "invitation__village")
        .order_by("number")
    )
    by_sheet: dict[int, list[PaperEntry]] = {s.pk: [] for s in sheets}
    for entry in (
        PaperEntry.objects.filter(sheet__in=sheets)
        .select_related("user", "version", "age_band")
        .order_by("entered_at", "pk")
    ):
        by_sheet[entry.sheet_id].append(entry)
    found = []
    for sheet in sheets:
        first, second = by_sheet[sheet.pk][:2]
        if not entry_differences(first, second):
            continue
        a, b = entry_answers(first), entry_answers(second)
        rows = [
            DiscrepancyRow(code, localized(item), a.get(code), b.get(code), a.get(code) != b.get(code))
            for code, item in catalog.items.items()
        ]
        found.append(
            Discrepancy(
                sheet,
                [first, second],
                first.age_band_id != second.age_band_id,
                rows,
                comment_differs=not comments_agree(first.comment, second.comment),
            )
        )
    return found


def paper_summary(survey: Survey) -> dict:
    """Paper sheets of a survey for the staff dashboard, in five queries.

    {
      "printed": sheets printed, "stored": sheets counted (a response exists),
      "resolved": of those, stored by a supervisor's resolution,
      "pending": typed once, waiting for the second entry,
      "awaiting_resolution": typed twice with different results,
      "not_entered": printed and not typed yet,
      "discrepancy_rate": discrepant sheets / sheets typed twice (None before any),
      "per_user": [{"user_id", "username", "name", "entries", "compared", "discrepant", "rate",
                    "errors"}],
    }

    Per person: `compared` counts their entries on sheets typed twice, `discrepant` those that
    disagreed with the other entry, `rate` = discrepant / compared; `errors` counts their entries
    that differ from what was finally stored (age band, answers, comment compared as two entries'
    comments are), so after resolution it says whose typing was wrong.
    """
    sheets = list(PaperSheet.objects.filter(survey=survey).values_list("pk", "response_id"))
    stored = {
        r[0]: r[1:]
        for r in Response.objects.filter(
            survey=survey, pk__in=PaperSheet.objects.filter(survey=survey).values("response_id")
        ).values_list("pk", "version_id", "age_band_id", "answers", "comment")
    }
    entries = list(
        PaperEntry.objects.filter(sheet__survey=survey)
        .order_by("sheet_id", "entered_at", "pk")
        .values_list(
            "sheet_id",
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "version_id",
            "age_band_id",
            "answers",
            "comment",
        )
    )
    versions = survey_versions(survey)
    resolved = AuditEntry.objects.filter(survey=survey, action=RESOLVED).count()

    def decoded(version_id: int, answers: str) -> dict:
        version = versions[version_id]
        return decode_answers(answers, item_codes=version.item_codes, option_codes=version.option_codes)

    def same(x: tuple, y: tuple) -> bool:
        # (version_id, age_band_id, answers, comment)
        if x[1] != y[1] or not comments_agree(x[3], y[3]):
            return False
        if x[0] == y[0]:
            return x[2] == y[2]
        return decoded(x[0], x[2]) == decoded(y[0], y[2])

    per_sheet: dict[int, list[tuple]] = {}
    people: dict[int, dict] = {}
    for sheet_id, user_id, username, first, last, version_id, age_band_id, answers, comment in entries:
        per_sheet.setdefault(sheet_id, []).append((user_id, (version_id, age_band_id, answers, comment)))
        person = people.setdefault(
            user_id,
            {
                "user_id": user_id,
                "username": username,
                "name": f"{last}{first}".strip() or username,
                "entries": 0,
                "compared": 0,
                "discrepant": 0,
                "rate": None,
                "errors": 0,
            },
        )
        person["entries"] += 1

    counts = {"stored": 0, "pending": 0, "awaiting_resolution": 0, "not_entered": 0}
    double, discrepant = 0, 0
    for sheet_id, response_id in sheets:
        typed = per_sheet.get(sheet_id, [])
        final = stored.get(response_id)
        if final is not None:
            counts["stored"] += 1
        elif not typed:
            counts["not_entered"] += 1
        elif len(typed) == 1:
            counts["pending"] += 1
        if len(typed) >= 2:
            double += 1
            (user_a, a), (user_b, b) = typed[:2]
            differ = not same(a, b)
            discrepant += differ
            if final is None and differ:
                counts["awaiting_resolution"] += 1
            for user_id in (user_a, user_b):
                people[user_id]["compared"] += 1
                people[user_id]["discrepant"] += differ
            if final is not None and differ:
                for user_id, typed_values in typed[:2]:
                    people[user_id]["errors"] += not same(typed_values, final)
    for person in people.values():
        if person["compared"]:
            person["rate"] = person["discrepant"] / person["compared"]
    return {
        "printed": len(sheets),
        **counts,
        "resolved": resolved,
        "discrepancy_rate": discrepant / double if double else None,
        "per_user": sorted(people.values(), key=lambda p: p["username"]),
    }
