"""The evaluator's downloads: XLSX, CSV, SPSS and PDF renderings of one `ReportData`.

`report_files(survey)` renders a fresh report; for a published survey the views and the
`report` command serve the files frozen at publication instead (`surveys.services.publish`).
Each comes in Chinese (the default) or English: `ReportData.language`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from surveys.reports.data import LANGUAGES, ReportData

FORMATS = ("xlsx", "pdf", "csv", "sav")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "sav": "application/x-spss-sav",
}


def renderer(fmt: str) -> Callable[[ReportData], bytes]:
    if fmt == "xlsx":
        from surveys.reports.xlsx import report_xlsx

        return report_xlsx
    if fmt == "pdf":
        from surveys.reports.pdf import report_pdf

        return report_pdf
    if fmt == "csv":
        from surveys.reports.csv import report_csv

        return report_csv
    if fmt == "sav":
        from surveys.reports.sav import report_sav

        return report_sav
    raise ValueError(f"format must be one of {FORMATS}")


def render_report(data: ReportData, fmt: str) -> bytes:
    """The file in the report's own language, whatever the language active around the call."""
    with translation.override(LANGUAGES[data.language]):
        return renderer(fmt)(data)
