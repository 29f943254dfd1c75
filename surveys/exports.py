"""The responses CSV of contract §3, streamed so that large surveys never sit in memory."""

import csv
from collections.abc import Iterator

from django.db.models import F
from django.utils import timezone

from surveys.answers import decode_answers
from surveys.csv_cells import csv_cell
from surveys.models import Response, Survey
from surveys.selectors import survey_catalog, survey_versions
from surveys.services.response_import import FIXED_COLUMNS


class _Line:
    """A write-only file for csv.writer that hands back the last line written."""

    def write(self, value: str) -> str:
        return value


def format_timestamp(value, zone=None) -> str:
    """In the site's time zone; `zone` given (timezone.get_current_timezone(), once for many
    rows) saves looking it up for each: a fifth of a 20,000-response report's time."""
    if not value:
        return ""
    return value.astimezone(zone or timezone.get_current_timezone()).isoformat()


def responses_csv_lines(
    survey: Survey, *, with_comments: bool = False, included_only: bool = False
) -> Iterator[str]:
    """Header and one line per response, in a stable order (submission time, then id).

    The order and formats depend only on the responses' content, so that export → import →
    export gives the same bytes, in this database or another. `with_comments` adds the
    respondents' free text (意见建议) as a last `comment` column, which import also reads; a
    comment a spreadsheet would run as a formula ('=HYPERLINK(…)' typed on a phone) is written
    with a leading apostrophe, which import takes off again (surveys/csv_cells.py).
    `included_only` leaves out the responses staff excluded: what the score counts, and what
    a report's data hash is computed from (surveys/reports/data.py).
    """
    catalog = survey_catalog(survey)
    versions = survey_versions(survey)
    villages = {v.pk: v.code for v in catalog.villages.values()}
    groups = {g.pk: g.code for g in catalog.groups.values()}
    age_bands = {a.pk: a.code for a in catalog.age_bands.values()}
    item_codes = catalog.item_codes
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(FIXED_COLUMNS + item_codes + (["comment"] if with_comments else []))
    responses = Response.objects.filter(survey=survey)
    if included_only:
        responses = responses.filter(excluded=False)
    rows = responses.order_by(F("submitted_at").asc(nulls_last=True), "id").values_list(
        "id", "village_id", "group_id", "age_band_id", "submitted_at", "version_id", "answers", "comment"
    )
    decoders = {
        pk: {"item_codes": v.item_codes, "option_codes": v.option_codes} for pk, v in versions.items()
    }
    zone = timezone.get_current_timezone()
    for rid, village, group, age_band, submitted_at, version_id, encoded, comment in rows.iterator(
        chunk_size=5000
    ):
        answers = decode_answers(encoded, **decoders[version_id])
        yield writer.writerow(
            [
                str(rid),
                villages.get(village, ""),
                groups[group],
                age_bands.get(age_band, ""),
                format_timestamp(submitted_at, zone),
                *(answers.get(code) or "" for code in item_codes),
                *([csv_cell(comment)] if with_comments else []),
            ]
        )
