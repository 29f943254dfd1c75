"""The SPSS download: the included responses, anonymised, as a `.sav` with value labels.

Variables:
- `seq` sequence number (submission order), `village`, `group`, `age_band`, `source`: numeric
  codes 1… with the names (in the report's language) as value labels (0 = none, e.g. staff have
  no village; a withheld part of a small cell, reports/disclosure.py, has its own code and label);
- one variable per item, named by its code: the answer as 1… in the option order, labelled with
  the option's name; blank is system-missing, and options the scheme does not score (不了解) are
  declared user-missing, so SPSS leaves them out of means the way the score does;
- `<item>_pts`: the points the scheme gives that answer (missing where not scored), so that
  `DESCRIPTIVES` of an item's `_pts` gives the report's item score (unweighted case).

The file label and the document note carry survey, scheme, time and data hash.
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pyreadstat
from django.utils.translation import gettext as _

from surveys.models import Response
from surveys.reports.data import ReportData, source_label


def _note_lines(*texts: str, width: int = 80) -> list[str]:
    """SPSS document lines hold 80 bytes each; Chinese takes three bytes a character."""
    lines = []
    for text in texts:
        line = ""
        for char in text:
            if len((line + char).encode()) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _coded(values: list[str], order: list[str]) -> tuple[list[int], dict[int, str]]:
    index = {code: i for i, code in enumerate(order, start=1)}
    return [index.get(v, 0) for v in values], index


def report_sav(data: ReportData) -> bytes:
    names = data.names
    responses = data.responses
    columns: dict[str, list] = {"seq": [r.number for r in responses]}
    labels: dict[str, str] = {"seq": _("序号（按提交时间）")}
    value_labels: dict[str, dict] = {}
    measure: dict[str, str] = {"seq": "scale"}
    for var, kind, label in (
        ("village", "village", _("村（社区）")),
        ("group", "group", _("受访群体")),
        ("age_band", "age_band", _("年龄段")),
    ):
        order = list(names[kind])
        codes, index = _coded([getattr(r, var) for r in responses], order)
        columns[var] = codes
        labels[var] = label
        value_labels[var] = {0: _("无"), **{i: names[kind][c] for c, i in index.items()}}
        measure[var] = "nominal"
    sources = list(Response.Source.values)
    columns["source"], index = _coded([r.source for r in responses], sources)
    labels["source"] = _("来源")
    value_labels["source"] = {i: source_label(c) for c, i in index.items()}
    measure["source"] = "nominal"

    option_index = {o["code"]: i for i, o in enumerate(data.options, start=1)}
    option_labels = {i: o["name"] for i, o in enumerate(data.options, start=1)}
    unscored = [option_index[o["code"]] for o in data.options if o["points"] is None]
    points = {o["code"]: o["points"] for o in data.options}
    missing: dict[str, list] = {}
    for item in data.document["items"]:
        code = item["code"]
        var = code.replace("-", "_")
        var = var if var[:1].isalpha() else f"q_{var}"
        answers = [r.answers.get(code) for r in responses]
        columns[var] = [float(option_index[a]) if a else float("nan") for a in answers]
        labels[var] = item["name"]
        value_labels[var] = option_labels
        measure[var] = "ordinal"
        if unscored:
            missing[var] = unscored
        pts = f"{var}_pts"
        columns[pts] = [
            float(points[a]) if a and points.get(a) is not None else float("nan") for a in answers
        ]
        labels[pts] = _("%(item)s：得分") % {"item": item["name"]}
        measure[pts] = "scale"
    frame = pd.DataFrame(columns)
    # pyreadstat writes to a path; a temporary file keeps this function free of side effects.
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=f"{data.survey.slug} {data.data_hash[:16]}",
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing,
            variable_measure=measure,
            note=_note_lines(data.title, data.stamp),
        )
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)
