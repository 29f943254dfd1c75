"""The floor of the load benchmark: a bare Django view on the same stack (same settings and
middleware, same gunicorn, same PostgreSQL) that parses the JSON body and inserts one row.

    DJANGO_SETTINGS_MODULE=bench.floor_site gunicorn survey_site.wsgi

Whatever the submission endpoint costs beyond this is ours; this much is Django's, gunicorn's
and the database's. A retry (the same id again) is answered 200, like the real endpoint.
"""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bench.load_settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_site"
TABLE = "bench_floor_row"
CREATE_TABLE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id uuid PRIMARY KEY, body text NOT NULL)"


@csrf_exempt
def floor(request):
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, body) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
            [data["response_id"], json.dumps(data["answers"])],
        )
        created = cursor.rowcount == 1
    return JsonResponse({"response_id": data["response_id"]}, status=201 if created else 200)


urlpatterns = [path("api/v1/responses/", floor)]
