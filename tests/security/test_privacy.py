"""Privacy: no address or user agent is kept anywhere, exports carry no device marker, and a
village or age band with fewer respondents than min_cell never shows its score."""

import io
import json
import re
import subprocess
import uuid
from collections import Counter

import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from surveys.exports import responses_csv_lines
from surveys.models import Survey, SurveyMembership
from surveys.services.submission import device_digest
from tests.surveys.staff_factories import make_member, make_response

ADDRESS = "198.51.100.23"
USER_AGENT = "Mozilla/5.0 (Linux; Android 10; TESTPHONE-7Q) marker-ua-4711"
MARKER = "phone-marker-5f0c2a"
SUSPICIOUS_FIELD = re.compile(r"(^|_)(ip|ips|addr|address|remote|user_agent|useragent|ua)($|_)")


def _every_value_in_the_database() -> str:
    """Every row of every table (the cache and session tables too) as one text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks += [repr(row) for row in cursor.fetchall()]
    return "\n".join(chunks)


def test_no_model_of_ours_has_a_field_for_an_address_or_a_user_agent():
    suspicious = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_app_config("surveys").get_models()
        for field in model._meta.get_fields()
        if SUSPICIOUS_FIELD.search(field.name)
    ]
    assert suspicious == []


def _answers():
    return {"income": "satisfied", "roads": "basically_satisfied", "water": "dont_know"}


def test_a_submission_through_the_api_stores_no_address_user_agent_or_marker(survey):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT, HTTP_X_FORWARDED_FOR=ADDRESS)
    body = {"response_id": str(uuid.uuid4()), "invitation": "hill-2024-east", "age_band": "18-44"}
    answer = client.post(
        "/api/v1/responses/",
        json.dumps(body | {"answers": _answers(), "device": MARKER}),
        content_type="application/json",
    )

    assert answer.status_code == 201
    stored = _every_value_in_the_database()
    assert ADDRESS not in stored
    assert "marker-ua-4711" not in stored
    assert MARKER not in stored
    assert device_digest(survey_id=survey.pk, marker=MARKER) in stored  # only its keyed hash


def test_a_submission_through_the_form_stores_no_address_or_user_agent(survey):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    client.cookies["sv_device"] = MARKER
    form = {"response_id": str(uuid.uuid4()), "age_band": "18-44"} | {
        f"q_{k}": v for k, v in _answers().items()
    }
    answer = client.post("/s/hill-2024-east/", form)

    assert answer.status_code == 303
    stored = _every_value_in_the_database()
    assert ADDRESS not in stored
    assert "marker-ua-4711" not in stored
    assert MARKER not in stored


# --- exports and small cells ------------------------------------------------------------------------

DIGEST_OF = {}


@pytest.fixture
def scored(survey):
    """Six villagers of 东村 all satisfied; two of 西村 (and of the 45+ band) who score 57.5 together.

    西村's items: income (100 + 0) / 2 = 50, roads (80 + 0) / 2 = 40, water (100 + 80) / 2 = 90;
    its dimensions 50 and 65, its composite 57.5 — a figure that appears nowhere else.
    """
    survey.status = Survey.Status.CLOSED
    survey.save()
    for n in range(6):
        make_response(survey, village="east", age_band="18-44", answers="000", device=f"{n:064x}")
    make_response(survey, village="west", age_band="45+", answers="010", device="ab" * 32)
    make_response(survey, village="west", age_band="45+", answers="221", device="cd" * 32)
    evaluator = make_member(survey, "evaluator", SurveyMembership.Role.EVALUATOR)
    client = Client()
    client.force_login(evaluator)
    return survey, client


SMALL_CELL = re.compile(r"(?<![\d.])57\.50*(?![\d])")


def _xlsx_text(body: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            values += [f"{v:.6f}" if isinstance(v, float) else str(v) for v in row if v is not None]
    return "\n".join(values)


def _pdf_text(body: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, timeout=60)
    return result.stdout.decode()


def _downloads(survey, client) -> dict[str, str]:
    slug = survey.slug
    texts = {}
    score = client.get(f"/api/v1/surveys/{slug}/score/")
    texts["score"] = score.content.decode()
    texts["page"] = client.get(f"/evaluate/{slug}/").content.decode()
    for chart in ("villages", "heatmap", "groups", "dimensions", "items"):
        texts[f"chart {chart}"] = client.get(f"/evaluate/{slug}/charts/{chart}.svg").content.decode()
    texts["csv"] = client.get(f"/api/v1/surveys/{slug}/report.csv").content.decode("utf-8-sig")
    texts["xlsx"] = _xlsx_text(client.get(f"/api/v1/surveys/{slug}/report.xlsx").content)
    texts["pdf"] = _pdf_text(client.get(f"/api/v1/surveys/{slug}/report.pdf").content)
    texts["export"] = "".join(responses_csv_lines(survey, with_comments=True))
    return texts


def test_the_small_village_is_suppressed_in_the_score_document(scored):
    survey, client = scored
    document = client.get(f"/api/v1/surveys/{survey.slug}/score/").json()

    west = next(v for v in document["by_village"] if v["code"] == "west")
    assert (west["n"], west["suppressed"], west["score"]) == (2, True, None)


def test_no_page_chart_or_download_shows_a_small_cells_score(scored):
    survey, client = scored
    leaks = [name for name, text in _downloads(survey, client).items() if SMALL_CELL.search(text)]

    assert leaks == []


def test_exports_and_downloads_carry_no_device_marker(scored):
    survey, client = scored
    texts = _downloads(survey, client)
    leaks = [
        name for name, text in texts.items() if "ab" * 32 in text or "cd" * 32 in text or f"{1:064x}" in text
    ]

    assert leaks == []
    assert "device" not in texts["export"].splitlines()[0]
    assert "设备" not in texts["xlsx"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_anonymised_answers_do_not_let_a_small_cell_be_counted_back(scored, lang, tmp_path):
    """The two respondents of 西村 are a suppressed cell; in the raw-data sheet and the SPSS file
    no combination of village, group and age band has fewer than min_cell (5) responses."""
    import pyreadstat

    survey, client = scored
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/api/v1/surveys/{survey.slug}/report.xlsx?lang={lang}").content),
        read_only=True,
    )
    sheet = book["原始数据" if lang == "zh" else "Raw data"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 8
    combinations = Counter(tuple(row[1:4]) for row in rows)
    assert min(combinations.values()) >= 5, combinations
    assert "西村" not in repr(rows)
    # The answers themselves are all there: the item counts can still be checked.
    assert sorted(row[5] for row in rows).count(None) == 0

    path = tmp_path / "report.sav"
    path.write_bytes(client.get(f"/api/v1/surveys/{survey.slug}/report.sav?lang={lang}").content)
    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    combinations = Counter(zip(frame["village"], frame["group"], frame["age_band"], strict=True))
    assert min(combinations.values()) >= 5, combinations
