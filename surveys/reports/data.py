"""Everything a download shows, read once: the score document, the sample, the anonymised answers.

Every format (XLSX, CSV, SPSS, PDF) is rendered from one `ReportData`, so the files of one
report can never disagree with each other, and publishing freezes exactly what was rendered.

The data hash: SHA-256 of the included responses in the responses CSV of contract §3 — the
header line, then one line per included response sorted by response_id, each line as
`export_responses` writes it, "\\n" after each. An auditor can recompute it from
`export_responses SLUG --included-only` (the excluded responses left out): sort the lines after
the header by their first column, hash.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stats.text import one_line
from surveys.answers import decode_answers
from surveys.exports import _Line, format_timestamp
from surveys.localized import localized, organisation
from surveys.models import AuditEntry, Invitation, Response, Survey
from surveys.reports.disclosure import WITHHELD, k_anonymous
from surveys.scoring import CACHE_SECONDS, document_scheme_digest, score_document, survey_data_key
from surveys.selectors import survey_catalog, survey_options, survey_versions
from surveys.selectors_progress import quotas_planned
from surveys.selectors_review import flagged_outcome
from surveys.services.response_import import FIXED_COLUMNS
from surveys.services.review import EXCLUDED_ACTIONS

# The report's languages, and the Django language each is rendered in.
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def report_language(language: str | None = None) -> str:
    """ "en" or "zh": the given one, or the active language's (Chinese unless English is active)."""
    if language is None:
        language = translation.get_language() or ""
    return "en" if language.startswith("en") else "zh"


@dataclass(frozen=True)
class Sample:
    planned: int  # the quotas' targets, nested ones counted once (the deputies' "as invited" has none)
    invitations: int  # invitation links issued
    returned: int  # every response received
    valid: int  # responses counted in the scores
    excluded: int
    excluded_reasons: list[tuple[str, int]]  # (reason, how many), most common first
    synthetic: int
    by_source: list[tuple[str, int]]  # (source label, how many) of the valid ones
    # Responses carrying a data-quality flag, and what became of them (excluded, checked and
    # kept; the rest still counted unchecked). None: not stated (a report published before).
    flagged: int | None = None
    flagged_excluded: int = 0
    flagged_kept: int = 0

    @property
    def flagged_unchecked(self) -> int:
        return (self.flagged or 0) - self.flagged_excluded - self.flagged_kept


@dataclass(frozen=True)
class AnonymousResponse:
    """One included response without its id, device marker, timestamps or comment; where its
    village × group × age band is a small cell, those parts are WITHHELD (reports/disclosure.py)."""

    number: int  # 1… in the order of submission
    village: str
    group: str
    age_band: str
    source: str
    answers: dict[str, str | None]  # item code → option code or None (blank)


@dataclass
class ReportData:
    survey: Survey
    document: dict
    sample: Sample
    responses: list[AnonymousResponse]
    data_hash: str
    generated_at: datetime
    options: list[dict] = field(default_factory=list)  # code, name, points (the scheme's)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → code → name
    language: str = "zh"  # "zh" or "en": names, derivations and every heading
    # The groups sampled by village (村民群众, …), named: a survey without one (a bureau's of the
    # firms it serves) has no village scores to report, and the notes name the ones it has.
    village_groups: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.survey.status == Survey.Status.PUBLISHED

    @property
    def stamp(self) -> str:
        """The line every download carries: survey, scheme, time, data hash."""
        return _("调查 %(slug)s · 计分方案 %(scheme)s · 生成于 %(when)s · 数据摘要 SHA-256 %(hash)s") % {
            "slug": self.survey.slug,
            "scheme": self.scheme_digest,
            "when": f"{timezone.localtime(self.generated_at):%Y-%m-%d %H:%M}",
            "hash": self.data_hash,
        }

    @property
    def title(self) -> str:
        """The survey's title in the report's language (its English title where it has one), on
        one line (a title stored before names were kept on one line may hold a line break)."""
        return one_line(localized(self.survey, english=self.language == "en"))

    @property
    def organisation(self) -> str:
        """The evaluated body in the report's language (its English name where it has one)."""
        return one_line(organisation(self.survey, english=self.language == "en"))

    @property
    def scheme_digest(self) -> str:
        return document_scheme_digest(self.document["scheme"])


def _sample(survey: Survey, valid: int, synthetic: int, sources: Counter) -> Sample:
    returned = Response.objects.filter(survey=survey).count()
    latest_reason: dict = {}
    for response_id, reason in (
        AuditEntry.objects.filter(survey=survey, action__in=EXCLUDED_ACTIONS, response__excluded=True)
        .order_by("response_id", "-at")
        .values_list("response_id", "reason")
    ):
        latest_reason.setdefault(response_id, reason.strip() or _("未注明"))
    excluded = returned - valid
    reasons = Counter(latest_reason.values())
    if excluded > len(latest_reason):
        reasons[_("未记录原因（导入时已标记剔除）")] += excluded - len(latest_reason)
    flagged = flagged_outcome(survey)
    return Sample(
        flagged=flagged.flagged,
        flagged_excluded=flagged.excluded,
        flagged_kept=flagged.kept,
        planned=quotas_planned(survey),
        invitations=Invitation.objects.filter(survey=survey).count(),
        returned=returned,
        valid=valid,
        excluded=excluded,
        excluded_reasons=reasons.most_common(),
        synthetic=synthetic,
        by_source=[(source_label(s), n) for s, n in sources.most_common()],
    )


def flagged_sentence(sample: Sample) -> str:
    """What became of the responses with a data-quality flag, in a sentence (the PDF, the page)."""
    if not sample.flagged:
        return _("没有答卷带数据质量标记（一律同答、用时过短、疑似重复、超出配额、截止后送达）。")
    text = (
        "%(flagged)s 份答卷带数据质量标记（一律同答、用时过短等，只是提示，不自动剔除）：剔除 %(excluded)s 份，"
        "工作人员核实后保留 %(kept)s 份，未核实、仍计入得分 %(unchecked)s 份。"
    )
    return ngettext(text, text, sample.flagged) % {
        "flagged": sample.flagged,
        "excluded": sample.flagged_excluded,
        "kept": sample.flagged_kept,
        "unchecked": sample.flagged_unchecked,
    }


def _min_cell(document: dict) -> int:
    return int(document["scheme"].get("min_cell") or 1)


def _withheld() -> dict[str, str]:
    return {WITHHELD: _("（不公布）")}


def source_label(source: str) -> str:
    """The name of a response's source (web, paper, import…) in the active language."""
    try:
        return str(Response.Source(source).label)
    except ValueError:
        return source


def report_data(
    survey: Survey, *, method: str = "taylor", use_cache: bool = True, language: str = "zh"
) -> ReportData:
    """Read the survey's report: score document, sample, anonymised answers and their hash.

    `language` ("zh" or "en") is the report's: the score document's names and derivations, the
    catalogue's names (each part's English name where the survey has one) and every heading.
    The figures and the data hash do not depend on it.
    """
    language = report_language(language)
    with translation.override(LANGUAGES[language]):
        return _report_data(survey, method=method, use_cache=use_cache, language=language)


def report_document(survey: Survey, *, method: str = "taylor", language: str = "zh") -> dict:
    """The score document of `report_data`, options named, without reading the responses for
    the rest of the report: what a chart image or a comparison needs of today's data."""
    language = report_language(language)
    with translation.override(LANGUAGES[language]):
        document = dict(score_document(survey, method=method, lang=language))
        english = language == "en"
        document["options"] = _options(
            document, {o.code: localized(o, english=english) for o in survey_options(survey)}
        )
        return document


def _options(document: dict, names: dict[str, str]) -> list[dict]:
    """Each option of the questionnaire with its name and the points the document scored it."""
    points = document["scheme"]["option_points"]
    return [{"code": c, "name": name, "points": points.get(c)} for c, name in names.items()]


@dataclass(frozen=True)
class _Included:
    """The responses the score counts, as the report reads them, and their data hash."""

    rows: list[tuple]  # (submitted_at, id, (village, group, age band codes), source, answers)
    data_hash: str  # SHA-256 of their CSV lines (contract §3), sorted by id, under the header
    sources: Counter


def _included(survey: Survey, catalog) -> _Included:
    versions = {pk: (v.item_codes, v.option_codes) for pk, v in survey_versions(survey).items()}
    codes = {
        "village": {v.pk: v.code for v in catalog.villages.values()},
        "group": {g.pk: g.code for g in catalog.groups.values()},
        "age_band": {a.pk: a.code for a in catalog.age_bands.values()},
    }
    fetched = (
        Response.objects.filter(survey=survey, excluded=False)
        .order_by()
        .values_list(
            "id", "village_id", "group_id", "age_band_id", "submitted_at", "version_id", "answers", "source"
        )
    )
    item_codes = catalog.item_codes
    writer = csv.writer(_Line(), lineterminator="\n")
    lines: list[tuple[str, str]] = []
    rows = []
    sources: Counter = Counter()
    zone = timezone.get_current_timezone()
    for rid, village, group, age_band, submitted_at, version_id, encoded, source in fetched:
        item_list, option_list = versions[version_id]
        answers = decode_answers(encoded, item_codes=item_list, option_codes=option_list)
        record = (
            codes["village"].get(village, ""),
            codes["group"][group],
            codes["age_band"].get(age_band, ""),
        )
        line = writer.writerow(
            [
                str(rid),
                *record,
                format_timestamp(submitted_at, zone),
                *(answers.get(c) or "" for c in item_codes),
            ]
        )
        lines.append((str(rid), line))
        rows.append((submitted_at, str(rid), record, source, {c: answers.get(c) for c in item_codes}))
        sources[source] += 1
    digest = hashlib.sha256(writer.writerow(FIXED_COLUMNS + item_codes).encode())
    for _rid, line in sorted(lines):
        digest.update(line.encode())
    return _Included(rows, digest.hexdigest(), sources)


@dataclass(frozen=True)
class ReportSummary:
    """What the evaluator's page needs of today's data: the score, the sample, the data hash."""

    document: dict
    sample: Sample
    data_hash: str


def report_summary(survey: Survey, *, language: str = "zh") -> ReportSummary:
    """`report_data` without the anonymised answers. The data hash and the sources' counts are
    kept in the cache as the score is, until the survey's data or questionnaire changes: reading
    and hashing every response took a second for 20,000 (BENCHMARKS.md, Staff dashboard)."""
    language = report_language(language)
    with translation.override(LANGUAGES[language]):
        document = report_document(survey, language=language)
        data_hash, valid, by_source = _included_kept(survey)
        sources = Counter(dict(by_source))
        sample = _sample(survey, valid, sources.get(Response.Source.SYNTHETIC, 0), sources)
        return ReportSummary(document, sample, data_hash)


def _included_kept(survey: Survey) -> tuple[str, int, list[tuple[str, int]]]:
    """(data hash, how many included, (source, how many) most common first), from the cache."""
    key = f"report-included:{survey_data_key(survey)}"
    kept = cache.get(key)
    if kept is None:
        included = _included(survey, survey_catalog(survey))
        kept = (included.data_hash, sum(included.sources.values()), included.sources.most_common())
        cache.set(key, kept, CACHE_SECONDS)
    return kept


def report_data_hash(survey: Survey) -> str:
    """The data hash of today's included responses, as `report_data` states it (cached as
    `report_summary` keeps it): what a list of surveys names beside each score."""
    return _included_kept(survey)[0]


def _report_data(survey: Survey, *, method: str, use_cache: bool, language: str) -> ReportData:
    catalog = survey_catalog(survey)
    included = _included(survey, catalog)
    decoded = included.rows
    document = dict(score_document(survey, method=method, use_cache=use_cache, lang=language))
    # Numbered in the order of submission (unknown times last), the id breaking ties; small
    # cells' village, group or age band withheld (surveys/reports/disclosure.py).
    latest = datetime.max.replace(tzinfo=UTC)
    decoded.sort(key=lambda r: (r[0] or latest, r[1]))
    released = k_anonymous(
        [record for _when, _rid, record, _source, _answers in decoded], _min_cell(document)
    )
    responses = [
        AnonymousResponse(number, *record, source, answers)
        for number, (record, (_when, _rid, _record, source, answers)) in enumerate(
            zip(released, decoded, strict=True), start=1
        )
    ]
    english = language == "en"
    names = {
        "village": {c: localized(v, english=english) for c, v in catalog.villages.items()} | _withheld(),
        "group": {c: localized(g, english=english) for c, g in catalog.groups.items()} | _withheld(),
        "age_band": {c: localized(a, english=english) for c, a in catalog.age_bands.items()} | _withheld(),
        "item": {c: localized(i, english=english) for c, i in catalog.items.items()},
        "option": {c: localized(o, english=english) for c, o in catalog.options.items()},
    }
    options = document["options"] = _options(document, names["option"])
    sources = included.sources
    return ReportData(
        survey=survey,
        document=document,
        sample=_sample(survey, len(decoded), sources.get(Response.Source.SYNTHETIC, 0), sources),
        responses=responses,
        data_hash=included.data_hash,
        generated_at=timezone.now(),
        options=options,
        names=names,
        language=language,
        village_groups=[names["group"][code] for code, group in catalog.groups.items() if group.by_village],
    )
