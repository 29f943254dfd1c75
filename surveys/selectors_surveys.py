"""Narrowing a long list of surveys: a county's staff or evaluator with a dozen towns over several
years picks a year, a status or a name (/staff/, /evaluate/ and the evaluator's summary files),
a page at a time on the pages.

What is asked comes from the query string (?year=2021&status=published&q=大栗港&page=2). A
choice that is not one of the list's own (a year none of its surveys has, a status that does not
exist) narrows nothing, as the comments page treats a village it does not know. The words are
taken as one line (a tab or a control character a space: the workbook's heading repeats them, and
a workbook holds no control character) and cut to 50 characters; each of them (apart by spaces,
full-width ones too: "大栗港 2021") is looked for, case aside, in the title, the 被评价单位
(Chinese and English), the code and the year. A list may offer orders besides newest first
(/evaluate/: by the composite, ?order=score-asc; /staff/: the collections that lag first,
?order=progress-asc; the API's list both); `by_score` and `lagging_first` put them so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stats.text import one_line
from surveys.models import Survey

if TYPE_CHECKING:
    from surveys.selectors_progress import Progress

SURVEYS_PER_PAGE = 20
# Surveys a list reads something of in one statement (their progress, their responses to check):
# each such query names them all, and a database takes only so many parameters in one statement
# (PostgreSQL's protocol 65,535, SQLite's 32,766); a longer list is read this many at a time.
SURVEYS_AT_ONCE = 1000
# The choices are offered once a list is this long (or while something is chosen): a town's two
# or three surveys need none.
NARROW_FROM = 6
WORDS_MAX = 50


@dataclass(frozen=True)
class SurveysAsked:
    year: int | None
    status: str  # "" for every status
    words: str
    years: tuple[int, ...] = ()  # the list's own years, newest first: the choices offered
    statuses: tuple[tuple[str, str], ...] = ()  # (value, label) of the statuses its surveys have
    order: str = ""  # "": newest first; else one of `orders`, which the caller puts them in
    orders: tuple[tuple[str, str], ...] = ()  # (value, label) of the orders the list offers

    @property
    def narrowed(self) -> bool:
        return bool(self.year or self.status or self.words)

    def keep(self, surveys: list[Survey]) -> list[Survey]:
        """The surveys asked for, in their order."""
        words = self.words.casefold().split()
        return [
            survey
            for survey in surveys
            if (self.year is None or survey.year == self.year)
            and (not self.status or survey.status == self.status)
            and (not words or _found(words, _searched(survey)))
        ]

    def described(self) -> str:
        """The choices in words, for a file's heading ("" where nothing is chosen)."""
        parts = []
        if self.year is not None:
            parts.append(_("%(year)s 年度") % {"year": self.year})
        if self.status:
            parts.append(str(Survey.Status(self.status).label))
        if self.words:
            parts.append(_("含“%(words)s”") % {"words": self.words})
        return _("筛选：%(choices)s。") % {"choices": _("、").join(parts)} if parts else ""

    def query(self) -> dict[str, str]:
        """What the page's links carry on (the page number aside)."""
        query = {}
        if self.year is not None:
            query["year"] = str(self.year)
        if self.status:
            query["status"] = self.status
        if self.words:
            query["q"] = self.words
        if self.order:
            query["order"] = self.order
        return query


def _searched(survey: Survey) -> str:
    names = (survey.title, survey.title_en, survey.organisation, survey.organisation_en, survey.slug)
    return "\n".join([*(name for name in names if name), str(survey.year)]).casefold()


def _found(words: list[str], searched: str) -> bool:
    """Every word is somewhere in the survey's names (a town's name in its body, the year in its
    title or its year), in any order."""
    return all(word in searched for word in words)


def asked_words(request) -> str:
    """The words typed in a list's search box (?q=), as every list takes them: one line (a tab
    or a control character a space), at most WORDS_MAX characters."""
    return one_line(request.GET.get("q", ""))[:WORDS_MAX]


def surveys_asked(request, surveys: list[Survey], orders: dict[str, str] | None = None) -> SurveysAsked:
    """What the reader asked for of `surveys` (all of them: the choices are the list's own);
    `orders`: the orders besides newest first that the list offers (value: label)."""
    years = tuple(sorted({survey.year for survey in surveys}, reverse=True))
    present = {survey.status for survey in surveys}
    statuses = tuple((value, label) for value, label in Survey.Status.choices if value in present)
    year = request.GET.get("year", "").strip()
    status = request.GET.get("status", "")
    order = request.GET.get("order", "")
    orders = orders or {}
    return SurveysAsked(
        year=int(year) if year.isascii() and year.isdigit() and int(year) in years else None,
        status=status if status in present else "",
        words=asked_words(request),
        years=years,
        statuses=statuses,
        order=order if order in orders else "",
        orders=tuple((value, str(label)) for value, label in orders.items()),
    )


# The orders the lists offer besides newest first (value: label). /evaluate/: a county's evaluator
# ranking the towns of a year; /staff/: the collections that lag first, a county's staff with many
# towns collecting at once seeing which to call about; the API's list: both. Across the pages and
# within the choices.
SCORE_ORDERS = {
    "score-desc": gettext_lazy("综合得分从高到低"),
    "score-asc": gettext_lazy("综合得分从低到高"),
}
PROGRESS_ORDERS = {"progress-asc": gettext_lazy("收集进度从低到高")}


def by_score(surveys: list[Survey], scores: dict[int, float | None], order: str) -> list[Survey]:
    """By the composite (scores: by survey id), lowest first ("score-asc") or highest
    ("score-desc"); those without one (not scored yet, or not readable) last, in their order."""
    scored = [s for s in surveys if scores.get(s.pk) is not None]
    scored.sort(key=lambda s: scores[s.pk], reverse=order == "score-desc")
    return scored + [s for s in surveys if scores.get(s.pk) is None]


def lagging_first(surveys: list[Survey], progress: dict[int, Progress | None]) -> list[Survey]:
    """By the share of the quotas' target filled (a cell over its quota does not make up for one
    behind), lowest first, then the most responses still needed; those without a target (a
    draft, no quota, a progress not read: not in `progress`, or None) last, in their order."""
    measured = [s for s in surveys if progress.get(s.pk) is not None and progress[s.pk].percent is not None]
    counted = {s.pk for s in measured}
    measured.sort(key=lambda s: (progress[s.pk].percent, -progress[s.pk].still_needed))
    return measured + [s for s in surveys if s.pk not in counted]


@dataclass(frozen=True)
class SurveyListing:
    """A page of the surveys asked for, with what the template needs to offer the choices."""

    asked: SurveysAsked
    page: Page
    total: int  # every survey of the list, narrowed or not
    offered: bool  # whether the choices are shown
    page_query: str  # "&year=…" for the page links
    file_query: str  # "?year=…" for the downloads (every page)


def survey_listing(
    request,
    surveys: list[Survey],
    *,
    asked: SurveysAsked | None = None,
    kept: list[Survey] | None = None,
    file_extra: dict[str, str] | None = None,
) -> SurveyListing:
    """The page of `surveys` the request asks for. `asked` and `kept`: what the caller worked out
    already (kept: the surveys asked for, in the order asked). `file_extra`: more the downloads'
    links carry (?lang=en: a file is in the language it says, whoever opens the link)."""
    asked = asked or surveys_asked(request, surveys)
    kept = asked.keep(surveys) if kept is None else kept
    page = Paginator(kept, SURVEYS_PER_PAGE).get_page(request.GET.get("page"))
    query, files = asked.query(), asked.query() | (file_extra or {})
    return SurveyListing(
        asked=asked,
        page=page,
        total=len(surveys),
        offered=len(surveys) >= NARROW_FROM or asked.narrowed,
        page_query=("&" + urlencode(query)) if query else "",
        file_query=("?" + urlencode(files)) if files else "",
    )
