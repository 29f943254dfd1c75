"""What the evaluator's page shows: the published (frozen) figures, or today's."""

from dataclasses import dataclass

from surveys.models import PublishedReport, Survey
from surveys.reports.csv import report_csv_sample
from surveys.reports.data import ReportData, Sample, report_data
from surveys.scoring import document_scheme_digest
from surveys.services.publish import published_report


@dataclass(frozen=True)
class EvaluatorView:
    document: dict
    data_hash: str
    published: PublishedReport | None
    current: ReportData  # today's data: whether it still matches the publication
    # The sample the publication froze (read back from its CSV, as its files state it); None when
    # not published, or when its files hold no sample (then the page shows today's, saying so).
    published_sample: Sample | None = None

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


def evaluator_view(survey: Survey, language: str = "zh") -> EvaluatorView:
    """`language` "en": the English names and derivations (a publication made before English
    reports existed shows its frozen Chinese document and counts: its figures are what was
    published)."""
    current = report_data(survey, language=language)
    published = published_report(survey) if survey.status == Survey.Status.PUBLISHED else None
    if published is not None:
        document = published.document(language) or published.score
        frozen_csv = published.file("csv", language) or published.file("csv")
        sample = report_csv_sample(frozen_csv) if frozen_csv else None
        return EvaluatorView(document, published.data_hash, published, current, sample)
    return EvaluatorView(current.document, current.data_hash, None, current)
