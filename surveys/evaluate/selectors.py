"""What the evaluator's page shows: the published (frozen) figures, or today's."""

from dataclasses import dataclass
from functools import cached_property

from surveys.models import PublishedReport, Survey
from surveys.reports.csv import report_csv_sample
from surveys.reports.data import ReportSummary, Sample, report_document, report_summary
from surveys.scoring import document_scheme_digest
from surveys.services.publish import published_report


@dataclass(frozen=True)
class EvaluatorView:
    document: dict
    data_hash: str
    published: PublishedReport | None
    current: ReportSummary  # today's data: whether it still matches the publication
    language: str = "zh"

    @cached_property
    def published_sample(self) -> Sample | None:
        """The sample the publication froze (read back from its CSV, as its files state it);
        None when not published, or when its files hold no sample (then the page shows today's,
        saying so). Read on first use: only the page's sample card needs it."""
        if self.published is None:
            return None
        frozen_csv = self.published.file("csv", self.language) or self.published.file("csv")
        return report_csv_sample(frozen_csv) if frozen_csv else None

    @property
    def changed_since_publication(self) -> bool:
        return self.published is not None and self.published.data_hash != self.current.data_hash

    @property
    def sample(self) -> Sample:
        return self.published_sample or self.current.sample

    @property
    def sample_is_today(self) -> bool:
        """A published page whose sample card cannot show the published counts."""
        return self.published is not None and self.published_sample is None

    @property
    def scheme_digest(self) -> str:
        """The digest of the scheme the shown figures were scored with (the frozen one's)."""
        return document_scheme_digest(self.document["scheme"])


def _publication(survey: Survey) -> PublishedReport | None:
    return published_report(survey) if survey.status == Survey.Status.PUBLISHED else None


def _frozen(published: PublishedReport, language: str) -> dict:
    # A publication made before English reports existed shows its frozen Chinese document: its
    # figures are what was published. (The API instead answers ?lang=en with today's English
    # document, saying it is not the frozen one: `score_document_shown`.)
    return published.document(language) or published.score


def evaluator_view(survey: Survey, language: str = "zh") -> EvaluatorView:
    """The evaluator's page: the published (frozen) figures, or today's; and today's data beside
    them, to say whether it still matches. `language` "en": the English names and derivations."""
    current = report_summary(survey, language=language)
    published = _publication(survey)
    if published is not None:
        return EvaluatorView(_frozen(published, language), published.data_hash, published, current, language)
    return EvaluatorView(current.document, current.data_hash, None, current, language)


def evaluator_document(survey: Survey, language: str = "zh") -> dict:
    """The score document the evaluator's page shows, alone: what its chart images and its
    comparisons draw, without reading every response for the rest of the page."""
    published = _publication(survey)
    if published is not None:
        return _frozen(published, language)
    return report_document(survey, language=language)
