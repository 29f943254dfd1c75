"""The surveys an evaluator reads, side by side: a county's evaluator with a dozen towns' surveys,
or one town's several years, sees each one's composite with its 95% interval and its sample in
one place (/evaluate/), and downloads them as one Excel workbook or CSV file
(/evaluate/surveys.xlsx, .csv) to rank, sort and file them.

Each survey's figures are those its own page shows: frozen at publication where it is published
(and whether its data changed since), else today's, with the saved scheme. A survey that cannot
be scored says why instead. Nothing here computes a score of its own: the documents are the
ones the pages and the API serve, from the same cache.

Where the same body's survey of the year before is among them (one only: the same 被评价单位,
the year before), the composite's change since is given as the page's comparison gives it
(stats.compare: two independent samples, the difference's 95% interval), with a link to that
comparison.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from stats.compare import compare_documents, same_scoring
from stats.text import interval
from surveys.models import PublishedReport, Survey
from surveys.reports.data import report_data_hash, report_document
from surveys.scoring import QuestionnaireIncomplete, SchemeBroken, document_scheme_digest

# The frozen files are not read here: a publication's row holds its PDFs and workbooks.
FILES = ("xlsx", "pdf", "csv", "sav", "xlsx_en", "pdf_en", "csv_en", "sav_en")


@dataclass(frozen=True)
class Change:
    """The composite's change since `base` (this survey − base)."""

    base: Survey
    difference: float | None
    se: float | None
    ci95: tuple[float, float] | None
    same_scoring: bool  # otherwise part of the change is the scheme's

    @property
    def significant(self) -> bool | None:
        """Whether the interval keeps off 0; None without an interval (nobody can tell)."""
        if not self.ci95:
            return None
        return self.ci95[0] > 0 or self.ci95[1] < 0

    @property
    def interval(self) -> str:
        return interval(self.ci95)


@dataclass(frozen=True)
class SurveyFigures:
    survey: Survey
    document: dict | None  # None: it cannot be scored (`problem` says why)
    published_at: datetime | None
    data_hash: str  # of the responses the figures are from: the publication's, or today's
    changed_since_publication: bool | None  # None: not published, or today's data not scorable
    problem: str = ""
    change: Change | None = None  # since the same body's survey of the year before

    @property
    def composite(self) -> dict:
        return (self.document or {}).get("composite") or {}

    @property
    def score(self) -> float | None:
        """The composite (None: not scored, or no item could be scored)."""
        return self.composite.get("score")

    @property
    def dimensions(self) -> list[dict]:
        return (self.document or {}).get("dimensions") or []

    @property
    def _sample(self) -> dict:
        return (self.document or {}).get("sample") or {}

    @property
    def valid(self) -> int | None:
        """Responses counted (a publication made before documents held their sample: the
        composite's n, the respondents who scored at least one item)."""
        return self._sample.get("responses", self.composite.get("n"))

    @property
    def excluded(self) -> int | None:
        return self._sample.get("excluded")

    @property
    def synthetic(self) -> int:
        return self._sample.get("synthetic") or 0

    @property
    def scheme_digest(self) -> str:
        return document_scheme_digest(self.document["scheme"]) if self.document else ""


def _publications(surveys: list[Survey]) -> dict[int, PublishedReport]:
    """Each published survey's latest publication, in one query, without its files."""
    published = [s.pk for s in surveys if s.status == Survey.Status.PUBLISHED]
    latest: dict[int, PublishedReport] = {}
    rows = PublishedReport.objects.filter(survey_id__in=published).defer(*FILES).order_by("created_at", "pk")
    for report in rows:
        latest[report.survey_id] = report  # the later one wins
    return latest


def _body_in(survey: Survey, year: int) -> tuple[str, int]:
    """The same body's survey of a year: what the change since the year before is matched on.
    The body's name as written, whatever the width of its characters (（ and (, ２ and 2, as two
    years' clerks type them) and whatever spaces it holds."""
    return ("".join(unicodedata.normalize("NFKC", survey.organisation).split()), year)


def survey_figures(
    surveys: list[Survey], language: str = "zh", *, among: list[Survey] | None = None
) -> list[SurveyFigures]:
    """The figures of each survey, in the order given. The year before is looked for among
    `surveys`, and also among `among` where given (a page of a longer list, or the surveys of one
    year: last year's are scored too, for the change, and not returned)."""
    shown = {survey.pk for survey in surveys}
    wanted = {_body_in(survey, survey.year - 1) for survey in surveys}
    bases = [
        survey for survey in among or [] if survey.pk not in shown and _body_in(survey, survey.year) in wanted
    ]
    every = _figures(surveys + bases, language)
    return [f for f in _with_changes(every) if f.survey.pk in shown]


def _figures(surveys: list[Survey], language: str) -> list[SurveyFigures]:
    publications = _publications(surveys)
    figures = []
    for survey in surveys:
        published = publications.get(survey.pk)
        try:
            # Today's score and data hash (the page's sample card is not needed: not computed).
            today = (report_document(survey, language=language), report_data_hash(survey))
        except (QuestionnaireIncomplete, SchemeBroken) as exc:
            today, problem = None, exc.heading() if isinstance(exc, SchemeBroken) else str(exc)
        else:
            problem = ""
        if published is not None:
            # A publication made before English reports existed: its frozen Chinese figures.
            document = published.document(language) or published.score
            changed = None if today is None else today[1] != published.data_hash
            figures.append(
                SurveyFigures(survey, document, published.created_at, published.data_hash, changed)
            )
        elif today is not None:
            figures.append(SurveyFigures(survey, today[0], None, today[1], None))
        else:
            figures.append(SurveyFigures(survey, None, None, "", None, problem))
    return figures


def _with_changes(figures: list[SurveyFigures]) -> list[SurveyFigures]:
    """Each scored survey with its change since the same body's one scored survey of the year
    before, where there is exactly one (two would leave the comparison to the reader)."""
    scored: dict[tuple[str, int], list[SurveyFigures]] = {}
    for f in figures:
        if f.score is not None:
            scored.setdefault(_body_in(f.survey, f.survey.year), []).append(f)
    out = []
    for f in figures:
        before = scored.get(_body_in(f.survey, f.survey.year - 1), [])
        if len(before) == 1 and f.score is not None:
            base = before[0]
            composite = compare_documents(base.document, f.document).composite
            change = Change(
                base.survey,
                composite.difference,
                composite.se,
                tuple(composite.ci95) if composite.ci95 else None,
                same_scoring(base.document, f.document),
            )
            f = dataclasses.replace(f, change=change)
        out.append(f)
    return out
