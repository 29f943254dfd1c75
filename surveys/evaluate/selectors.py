"""What the evaluator's page shows: the published (frozen) figures, or today's."""

from dataclasses import dataclass

from surveys.models import PublishedReport, Survey
from surveys.reports.data import ReportData, report_data
from surveys.services.publish import published_report


@dataclass(frozen=True)
class EvaluatorView:
    document: dict
    data_hash: str
    published: PublishedReport | None
    current: ReportData  # today's data: the sample, and whether it still matches the publication

    @property
    def changed_since_publication(self) -> bool:
        return self.published is not None and self.published.data_hash != self.current.data_hash


def evaluator_view(survey: Survey, language: str = "zh") -> EvaluatorView:
    """`language` "en": the English names and derivations (a publication made before English
    reports existed shows its frozen Chinese document: its figures are what was published)."""
    current = report_data(survey, language=language)
    published = published_report(survey) if survey.status == Survey.Status.PUBLISHED else None
    if published is not None:
        document = published.document(language) or published.score
        return EvaluatorView(document, published.data_hash, published, current)
    return EvaluatorView(current.document, current.data_hash, None, current)
