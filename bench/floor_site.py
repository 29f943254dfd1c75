"""The floor of the load benchmark: a bare Django view on the same stack (same settings and
middleware, same gunicorn, same PostgreSQL) that parses the JSON body and inserts one row.

    DJANGO_SETTINGS_MODULE=bench.floor_site gunicorn survey_site.wsgi

Whatever the submission endpoint costs beyond this is ours; this much is Django's, gunicorn's
and the database's. A retry (the same id again) is answered 200, like the real endpoint.

With FLOOR_ROUND_TRIPS (bench/floor_round_trips.py) the same view first makes a submission's
round trips to the other servers, and nothing else: "redis", both rate-limit counters (the
site's own script); "invitation", the invitation with its survey; "cell" (with "invitation"), the
count of the response's quota cell (plain SQL, results unused). It shows how much of the gap between the floor
and the endpoint is the cost of those round trips rather than work in Python. The floor's rows go to their own table, so
the cell counted stays empty: what is measured is the round trip, as on a fresh survey.
"""

import json

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bench.load_settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_site"
TABLE = "bench_floor_row"
CREATE_TABLE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id uuid PRIMARY KEY, body text NOT NULL)"
FLOOR_ROUND_TRIPS: tuple[str, ...] = ()

_INVITATION = (
    "SELECT i.id, i.survey_id, i.group_id, i.village_id, i.single_use, i.is_active, i.opens_at, i.closes_at,"
    " s.status, s.allow_shared_device, s.created_at, s.updated_at"
    " FROM surveys_invitation i JOIN surveys_survey s ON s.id = i.survey_id WHERE i.token = %s"
)
_CELL = (
    "SELECT village_id, age_band_id, COUNT(*) FROM surveys_response"
    " WHERE excluded = false AND survey_id = %s AND group_id = %s AND village_id IS NOT DISTINCT FROM %s"
    " AND age_band_id IS NOT DISTINCT FROM (SELECT id FROM surveys_ageband WHERE survey_id = %s AND code = %s)"
    " GROUP BY village_id, age_band_id"
)


def _round_trips(request, data: dict, trips: tuple[str, ...]) -> None:
    from surveys.ratelimit import _redis_count, _window_key

    token = data["invitation"]
    if "redis" in trips:
        keys = [_window_key("ip", request.META["REMOTE_ADDR"], 60), _window_key("invitation", token, 60)]
        _redis_count()(keys=keys, args=[61, 61])
    with connection.cursor() as cursor:
        if "invitation" in trips:
            cursor.execute(_INVITATION, [token])
            _id, survey_id, group_id, village_id, *_rest = cursor.fetchone()
            if "cell" in trips:  # the cell is the invitation's: it needs the invitation read first
                cursor.execute(_CELL, [survey_id, group_id, village_id, survey_id, data.get("age_band")])
                cursor.fetchall()


@csrf_exempt
def floor(request):
    data = json.loads(request.body)
    if settings.FLOOR_ROUND_TRIPS:
        _round_trips(request, data, settings.FLOOR_ROUND_TRIPS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, body) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
            [data["response_id"], json.dumps(data["answers"])],
        )
        created = cursor.rowcount == 1
    return JsonResponse({"response_id": data["response_id"]}, status=201 if created else 200)


urlpatterns = [path("api/v1/responses/", floor)]
