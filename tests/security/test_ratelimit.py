"""Submission rate limits per address and per invitation answer 429, on the database cache and
on Redis alike, and count nothing that could identify a respondent."""

import json
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from surveys.models import Response

pytestmark = pytest.mark.usefixtures("cache_backend")
NOW = 1_800_000_000.0  # a fixed clock: no window may roll over in the middle of a test


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr("surveys.ratelimit.time.time", lambda: NOW)


def _body(invitation: str, **changes) -> str:
    body = {
        "response_id": str(uuid.uuid4()),
        "invitation": invitation,
        "age_band": "18-44",
        "answers": {"income": "satisfied", "roads": "satisfied", "water": "dont_know"},
    }
    return json.dumps(body | changes)


def _post(body: str, address: str):
    return Client(REMOTE_ADDR=address).post("/api/v1/responses/", body, content_type="application/json")


def test_one_address_past_its_limit_is_answered_429(survey, settings):
    survey.allow_shared_device = True
    survey.save()
    settings.SUBMISSION_RATE_LIMITS = {"ip": (3, 60), "invitation": (100, 60)}
    answers = [_post(_body("hill-2024-east"), "10.0.0.7").status_code for _ in range(4)]

    assert answers == [201, 201, 201, 429]
    assert _post(_body("hill-2024-east"), "10.0.0.8").status_code == 201  # another address is not held up
    assert Response.objects.count() == 4


def test_a_flood_of_other_cache_entries_does_not_reset_the_count(survey, settings, cache_backend):
    """Other links' counters, scores and charts fill the cache; the database cache, past its
    size, drops a third of its entries in key order, and at Django's 300 that took the counter of
    the current window with it: the address was let through again."""
    survey.allow_shared_device = True
    survey.save()
    settings.SUBMISSION_RATE_LIMITS = {"ip": (3, 60), "invitation": (100, 60)}
    answers = [_post(_body("hill-2024-east"), "10.0.2.7").status_code for _ in range(2)]
    cache.set_many({f"zz-other-{n}": n for n in range(400)}, timeout=600)  # keys after "rl:…"
    answers += [_post(_body("hill-2024-east"), "10.0.2.7").status_code for _ in range(2)]

    assert answers == [201, 201, 201, 429]


def test_one_invitation_past_its_limit_is_answered_429_from_any_address(survey, settings):
    survey.allow_shared_device = True
    survey.save()
    settings.SUBMISSION_RATE_LIMITS = {"ip": (100, 60), "invitation": (2, 60)}
    answers = [_post(_body("hill-2024-east"), f"10.0.1.{n}").status_code for n in range(3)]

    assert answers == [201, 201, 429]
    assert _post(_body("hill-2024-east"), "10.0.1.99").json()["code"] == "rate_limited"


def test_a_refused_submission_stores_nothing(survey, settings):
    settings.SUBMISSION_RATE_LIMITS = {"ip": (0, 60), "invitation": (100, 60)}

    assert _post(_body("hill-2024-east"), "10.0.0.9").status_code == 429
    assert Response.objects.count() == 0


def test_the_questionnaire_form_is_limited_too(survey, settings):
    settings.SUBMISSION_RATE_LIMITS = {"ip": (0, 60), "invitation": (100, 60)}

    response_id = str(uuid.uuid4())
    answer = Client(REMOTE_ADDR="10.0.0.10").post(
        "/s/hill-2024-east/",
        {"response_id": response_id, "q_income": "satisfied", "q_water": "dont_know", "comment": "路灯不亮"},
    )

    assert answer.status_code == 429
    assert 1 <= int(answer["Retry-After"]) <= 60
    # Without scripts, the form again with its answers and "wait a minute" above it: not a page
    # titled 无法填写问卷, the answers one Back away.
    html = answer.content.decode()
    assert "提交过于频繁，请等一分钟再试。" in html and "无法填写问卷" not in html
    assert re.search(r'name="q_income" value="satisfied"[^>]*checked', html)
    assert re.search(r'name="q_water" value="dont_know"[^>]*checked', html)
    assert "路灯不亮" in html and response_id in html
    assert Response.objects.count() == 0


def test_a_longer_window_is_said_in_minutes_not_as_a_minute(survey, settings, monkeypatch):
    """SUBMISSION_RATE_LIMITS may set an hour's window: "wait a minute" would send the phone's
    owner back too soon, so the refusal says the minutes its Retry-After gives."""
    monkeypatch.setattr("surveys.ratelimit.time.time", lambda: NOW + 3600 - 125)  # 125 s left
    settings.SUBMISSION_RATE_LIMITS = {"ip": (0, 3600)}
    api = _post(_body("hill-2024-east"), "10.0.3.1")
    english = Client(REMOTE_ADDR="10.0.3.1").post(
        "/api/v1/responses/?lang=en", _body("hill-2024-east"), content_type="application/json"
    )
    form = Client(REMOTE_ADDR="10.0.3.1").post("/s/hill-2024-east/", {"q_income": "satisfied"})

    assert api.status_code == english.status_code == form.status_code == 429
    assert api["Retry-After"] == english["Retry-After"] == form["Retry-After"] == "125"
    assert api.json() == {"detail": "提交过于频繁，请等 3 分钟再试。", "code": "rate_limited"}
    assert english.json()["detail"] == "Too many submissions. Please wait 3 minutes and try again."
    assert "提交过于频繁，请等 3 分钟再试。" in form.content.decode()
    monkeypatch.setattr("surveys.ratelimit.time.time", lambda: NOW + 3600 - 60)  # a minute left
    assert _post(_body("hill-2024-east"), "10.0.3.1").json()["detail"] == "提交过于频繁，请等一分钟再试。"
    assert Response.objects.count() == 0


def test_the_counters_are_keyed_by_a_hash_never_by_the_address(survey, settings, cache_backend):
    settings.SUBMISSION_RATE_LIMITS = {"ip": (100, 60), "invitation": (100, 60)}
    _post(_body("hill-2024-east"), "203.0.113.77")

    if cache_backend == "redis":
        keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM survey_cache")
            keys = [row[0] for row in cursor.fetchall()]
    assert any("rl:ip:" in key for key in keys)
    assert not any("203.0.113.77" in key or "hill-2024-east" in key for key in keys)


def test_junk_naming_a_link_does_not_use_up_that_links_allowance(survey, settings):
    """Anyone can read a poster's token: malformed requests naming it count against their own
    address, not against the village's link."""
    settings.SUBMISSION_RATE_LIMITS = {"ip": (100, 60), "invitation": (2, 60)}
    junk = [_post('{"invitation": "hill-2024-east"}', "10.0.2.1").status_code for _ in range(5)]
    assert junk == [400] * 5
    assert _post(_body("hill-2024-east"), "10.0.2.2").status_code == 201, "the link still takes answers"
    settings.SUBMISSION_RATE_LIMITS = {"ip": (3, 60), "invitation": (100, 60)}
    assert [_post("[]", "10.0.2.3").status_code for _ in range(4)] == [400, 400, 400, 429]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "127.0.0.1"),  # no proxy configured: the header is anyone's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own claim is left of it
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies: the leftmost there is
        (1, "", "127.0.0.1"),
    ],
)
def test_the_senders_address_behind_num_proxies(settings, proxies, forwarded, expected):
    from django.test import RequestFactory

    from surveys.ratelimit import client_address

    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_counter_gone_between_two_requests_counting_it_is_no_server_error(monkeypatch):
    """A window's counter that another request created and that vanished before this one could
    count it (a cache culling entries, or cleared) raised ValueError from incr(): a 500 for the
    respondent. It counts again, and lets the request through if the counter keeps vanishing."""
    from django.core.cache import caches

    from surveys import ratelimit

    # The back-end itself, not the `cache` proxy: undone through the proxy after the settings
    # fixture had swapped the back-end, the patch left Redis's add() on the next database cache,
    # and every later test's cache.add() went to Redis.
    backend = caches["default"]
    calls = []

    def incr_gone(key):
        calls.append("incr")
        raise ValueError(f"Key '{key}' not found")

    monkeypatch.setattr(backend, "incr", incr_gone)
    monkeypatch.setattr(backend, "add", lambda *args, **kwargs: calls.append("add") or False)
    assert ratelimit._hit("invitation", "abc", limit=5, seconds=60) is True
    assert calls == ["incr", "add"] * 3

    counts = iter([ValueError, 4])

    def incr_back(key):
        value = next(counts)
        if value is ValueError:
            raise ValueError(key)
        return value

    monkeypatch.setattr(backend, "incr", incr_back)
    assert ratelimit._hit("invitation", "abc", limit=3, seconds=60) is False  # counted again: 4 > 3
