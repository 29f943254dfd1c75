"""The CSV download: every table of the report in one "long" CSV that a script filters by `table`.

One header, the same columns on every line, so `pandas.read_csv(f, encoding="utf-8-sig")` or
Python's csv module reads it whole and `df[df.table == "village"]` picks one table:

    table,code,name,parent,weight,n,score,se,ci95_low,ci95_high,deff,suppressed,value

- `meta` lines: survey, title, scheme digest, data hash, generated time, status (in `value`);
- `composite`, `dimension` (parent empty), `item` (parent = dimension code);
- `distribution`: code = option code, parent = item code, n = how many chose it;
- `village`, `group`, `age_band`: the breakdowns; `village_dimension`, `group_dimension`,
  `age_band_dimension`: code = dimension, parent = village / group / age band, score only;
- `reliability`: code `cronbach_alpha` (score = α, n = respondents used, ci95_low/high = Feldt's
  95 % interval), then one line per item (code = item, value = alpha if deleted, score =
  corrected item–total correlation);
- `reliability_dimension`: α of each dimension's items, as the `cronbach_alpha` line (one item: empty);
- `scheme_option`, `scheme_dimension`, `scheme_item`, `scheme_group`: weight or points (`score`);
- `explain`: code = the figure, value = its derivation in words;
- `paragraph`: code `report_paragraph`, value = the paragraph for the 绩效评价报告, as the
  evaluation page, the PDF's cover and the XLSX's summary sheet write it.

The `table`, `code` and column names are the same in every language; `name` and `value` texts
are in the report's language (Chinese unless English was asked for).

Numbers are written at full precision with a "." decimal point; empty means none (suppressed,
not scored). UTF-8 with a byte-order mark so that Excel on Chinese Windows shows the names.
The anonymised responses are in the XLSX (原始数据) and the SPSS file, not here.
`report_csv_sample` reads the sample lines back: a published survey's page shows the counts its
frozen CSV states (the score document holds no sample).

A text that a spreadsheet would take for a formula (a name starting with = + - @, a tab or a
carriage return: a village called '=HYPERLINK(…)') is written with a leading apostrophe, as
OWASP advises for CSV files meant for Excel; a number (a negative α if deleted) is left as it is
(surveys/csv_cells.py).
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.csv_cells import csv_cell, csv_cell_read
from surveys.reports.data import ReportData, Sample
from surveys.reports.paragraph import report_paragraph

COLUMNS = [
    "table",
    "code",
    "name",
    "parent",
    "weight",
    "n",
    "score",
    "se",
    "ci95_low",
    "ci95_high",
    "deff",
    "suppressed",
    "value",
]


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _estimate(cell: dict) -> dict:
    ci = cell.get("ci95") or [None, None]
    return {
        "n": cell.get("n"),
        "score": cell.get("score"),
        "se": cell.get("se"),
        "ci95_low": ci[0],
        "ci95_high": ci[1],
        "deff": cell.get("deff"),
        "suppressed": cell.get("suppressed", False),
    }


def _alpha_line(table: str, code: str, name: str, entry: dict) -> dict:
    """α (score), the respondents it rests on (n), its Feldt interval and how rows were used."""
    low, high = entry.get("ci95") or (None, None)
    return {
        "table": table,
        "code": code,
        "name": name,
        "n": entry.get("n"),
        "score": entry.get("cronbach_alpha"),
        "ci95_low": low,
        "ci95_high": high,
        "value": entry.get("method", ""),
    }


def _lines(data: ReportData):
    doc = data.document
    survey = data.survey
    meta = {
        "survey": survey.slug,
        "title": data.title,
        "language": data.language,
        "organisation": data.organisation,
        "year": str(survey.year),
        "status": survey.status,
        "scheme_digest": data.scheme_digest,
        "data_hash_sha256": data.data_hash,
        "generated_at": timezone.localtime(data.generated_at).isoformat(),
        "method": doc["composite"].get("method", ""),
        "synthetic_responses": str(data.sample.synthetic),
    }
    for key, value in meta.items():
        yield {"table": "meta", "code": key, "value": value}
    sample = data.sample
    for key, value in (
        ("planned", sample.planned),
        ("invitations", sample.invitations),
        ("returned", sample.returned),
        ("valid", sample.valid),
        ("excluded", sample.excluded),
        # The responses with a data-quality flag and what became of them (Sample.flagged).
        ("flagged", sample.flagged),
        ("flagged_excluded", sample.flagged_excluded),
        ("flagged_kept", sample.flagged_kept),
        ("flagged_unchecked", sample.flagged_unchecked),
    ):
        yield {"table": "sample", "code": key, "n": value}
    for reason, count in sample.excluded_reasons:
        yield {"table": "excluded_reason", "name": reason, "n": count}
    yield {"table": "composite", "code": "composite", "name": _("综合满意度"), **_estimate(doc["composite"])}
    for d in doc["dimensions"]:
        yield {
            "table": "dimension",
            "code": d["code"],
            "name": d["name"],
            "weight": d.get("weight"),
            **_estimate(d),
        }
    for item in doc["items"]:
        yield {
            "table": "item",
            "code": item["code"],
            "name": item["name"],
            "parent": item["dimension"],
            "weight": item.get("weight"),
            **_estimate(item),
        }
    for item in doc["items"]:
        for option in data.options:
            yield {
                "table": "distribution",
                "code": option["code"],
                "name": option["name"],
                "parent": item["code"],
                "n": item["distribution"].get(option["code"], 0),
            }
        yield {
            "table": "distribution",
            "code": "",
            "name": _("未作答"),
            "parent": item["code"],
            "n": item.get("blank", 0),
        }
    for key, table in (("by_village", "village"), ("by_group", "group"), ("by_age_band", "age_band")):
        for cell in doc[key]:
            yield {"table": table, "code": cell["code"], "name": cell["name"], **_estimate(cell)}
        for cell in doc[key]:
            if cell.get("suppressed"):
                continue
            for dim_code, score in (cell.get("dimensions") or {}).items():
                yield {
                    "table": f"{table}_dimension",
                    "code": dim_code,
                    "parent": cell["code"],
                    "score": score,
                }
    reliability = doc["reliability"]
    yield _alpha_line("reliability", "cronbach_alpha", _("克朗巴赫 α"), reliability)
    for entry in reliability.get("items") or []:
        yield {
            "table": "reliability",
            "code": entry["code"],
            "name": _("校正题总相关（score）/ 删除该题后α（value）"),
            "score": entry.get("corrected_item_total"),
            "value": _number(entry.get("alpha_if_deleted")),
        }
    dimension_names = {d["code"]: d["name"] for d in doc["dimensions"]}
    for code, entry in (reliability.get("dimensions") or {}).items():
        yield _alpha_line("reliability_dimension", code, dimension_names.get(code, code), entry)
    scheme = doc["scheme"]
    for option in data.options:
        yield {
            "table": "scheme_option",
            "code": option["code"],
            "name": option["name"],
            "score": option["points"],
        }
    for code, weight in scheme["dimension_weights"].items():
        yield {"table": "scheme_dimension", "code": code, "weight": weight}
    for code, weight in (scheme.get("item_weights") or {}).items():
        yield {"table": "scheme_item", "code": code, "weight": weight}
    for code, weight in (scheme.get("group_weights") or {}).items():
        yield {"table": "scheme_group", "code": code, "weight": weight}
    yield {"table": "scheme_min_cell", "code": "min_cell", "n": scheme.get("min_cell")}
    for entry in doc.get("explain") or []:
        yield {"table": "explain", "code": entry["figure"], "value": entry["text"]}
    yield {
        "table": "paragraph",
        "code": "report_paragraph",
        "name": _("写入评价报告的一段话"),
        "value": report_paragraph(doc, data.sample),
    }


def report_csv(data: ReportData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in _lines(data):
        writer.writerow(
            [
                csv_cell(line.get(column, ""))
                if column in ("table", "code", "name", "parent", "value")
                else _number(line.get(column))
                for column in COLUMNS
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SAMPLE_CODES = ("planned", "invitations", "returned", "valid", "excluded")
# Stated since 2026-12-06: a report published before has none of them.
FLAGGED_CODES = ("flagged", "flagged_excluded", "flagged_kept")


def report_csv_sample(body: bytes) -> Sample | None:
    """The sample a CSV download states (its `sample`, `excluded_reason` and `meta`
    synthetic_responses lines), or None if it has none: what a published report froze, read back
    so that its page shows the same counts as its files. The CSV does not name the responses'
    sources: `by_source` is empty."""
    counts: dict[str, int] = {}
    reasons: list[tuple[str, int]] = []
    synthetic = 0
    for row in csv.DictReader(io.StringIO(bytes(body).decode("utf-8-sig"))):
        table = row["table"]
        if table == "sample" and row["code"] in SAMPLE_CODES + FLAGGED_CODES:
            counts[row["code"]] = int(row["n"])
        elif table == "excluded_reason":
            reasons.append((csv_cell_read(row["name"]), int(row["n"])))
        elif table == "meta" and row["code"] == "synthetic_responses":
            synthetic = int(row["value"] or 0)
    if not set(SAMPLE_CODES) <= set(counts):
        return None
    if set(FLAGGED_CODES) - set(counts):  # published before flags were stated: none of them
        counts = {code: n for code, n in counts.items() if code not in FLAGGED_CODES}
    return Sample(**counts, excluded_reasons=reasons, synthetic=synthetic, by_source=[])
