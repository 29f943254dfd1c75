"""POST /api/v1/responses/ (contract §6): every status code, and nothing half-stored."""

import json
import threading
import urllib.error
import urllib.request
import uuid

import jsonschema
import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from surveys.cache import survey_data_token
from surveys.models import Group, Invitation, Response, Survey
from surveys.scoring import score_document
from tests.factories import make_survey
from tests.servers import Server
from tests.surveys.submission_helpers import ANSWERS, CLOSED_INVITATIONS, TOKEN, URL, body, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def test_a_new_response_is_stored_and_answered_201(api, survey):
    rid = uuid.uuid4()
    answer = post(api, body(rid))
    assert answer.status_code == 201, answer.json()
    assert answer.json()["response_id"] == str(rid)
    stored = Response.objects.get(pk=rid)
    assert (stored.village.code, stored.group.code, stored.age_band.code) == ("east", "villager", "18-44")
    assert stored.answers == "013"
    assert stored.comment == "路灯太少"
    assert stored.invitation.token == TOKEN
    assert stored.submitted_at.isoformat() == "2024-11-02T01:30:00+00:00"


def test_an_identical_retry_is_answered_200_and_stored_once(api, survey):
    data = body()
    assert post(api, data).status_code == 201
    again = post(api, data)
    assert again.status_code == 200
    assert again.json()["response_id"] == data["response_id"]
    assert Response.objects.count() == 1


def test_a_retry_is_recognised_by_answer_codes_even_after_the_questionnaire_changed(api, survey):
    data = body()
    post(api, data)
    survey.item_set.filter(code="roads").update(text="道路交通")  # a new questionnaire version
    assert post(api, data).status_code == 200


def test_a_retry_is_answered_200_even_after_the_survey_closed(api, survey):
    data = body()
    post(api, data)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert post(api, data).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {**ANSWERS, "water": "satisfied"}},
        {"age_band": "45+"},
        {"comment": "另一条意见"},
        {"submitted_at": "2024-11-02T10:00:00+08:00"},
    ],
    ids=["answers", "age_band", "comment", "submitted_at"],
)
def test_the_same_id_with_other_content_is_answered_409(api, survey, change):
    rid = uuid.uuid4()
    post(api, body(rid))
    answer = post(api, body(rid, **change))
    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    assert Response.objects.get(pk=rid).answers == "013", "the first submission is kept"


def test_the_same_id_through_another_invitation_is_answered_409(api, survey):
    staff = Group.objects.get(survey=survey, code="staff")
    Invitation.objects.create(survey=survey, token="hill-2024-staff", group=staff)
    rid = uuid.uuid4()
    post(api, body(rid))
    answer = post(api, body(rid, invitation="hill-2024-staff", age_band=None))
    assert answer.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": {**ANSWERS, "roads": "very_happy"}}, "answers.roads"),
        ({"answers": {**ANSWERS, "bridges": "satisfied"}}, "answers.bridges"),
        ({"answers": {"income": "satisfied", "roads": "satisfied"}}, "answers.water"),
        ({"age_band": None}, "age_band"),
        ({"age_band": "90+"}, "age_band"),
        ({"response_id": "not-a-uuid"}, "response_id"),
        ({"submitted_at": "yesterday"}, "submitted_at"),
        ({"answers": {}}, "answers"),
        ({"comment": "长" * 2001}, "comment"),
        ({"response_id": 12345}, "response_id"),
        ({"response_id": True}, "response_id"),
        ({"response_id": "00000000-0000-0000-0000-000000000000"}, "response_id"),
        ({"started_at": "0001-01-01T00:00:00"}, "started_at"),  # before year 1 in UTC: was a 500
        ({"submitted_at": "9999-12-31T23:59:59-12:00"}, "submitted_at"),  # past 9999 in UTC
    ],
    ids=[
        "unknown-option",
        "unknown-item",
        "unanswered-item",
        "no-age-band",
        "unknown-age-band",
        "bad-uuid",
        "bad-time",
        "no-answers",
        "long-comment",
        "uuid-as-number",  # DRF's UUIDField would take it as the UUID's integer
        "uuid-as-true",
        "nil-uuid",
        "time-before-year-1-in-utc",
        "time-after-9999-in-utc",
    ],
)
def test_a_bad_payload_is_answered_400_naming_the_field(api, survey, change, field):
    answer = post(api, {**body(), **change})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert field in errors, errors
    assert all(isinstance(m, str) for m in errors[field])
    assert Response.objects.count() == 0


def test_a_missing_field_is_answered_400(api, survey):
    data = body()
    del data["invitation"]
    answer = post(api, data)
    assert answer.status_code == 400
    assert "invitation" in answer.json()["errors"]


def test_a_body_that_is_not_json_is_answered_400_in_the_same_shape(api, survey):
    answer = api.post(URL, "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert "errors" in answer.json()


@pytest.mark.parametrize(
    "sent",
    ["[" * 5000 + "]" * 5000, '{"answers": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}"],
    ids=["deep-array", "deep-object"],
)
def test_json_nested_too_deeply_is_answered_400_not_500(api, survey, sent):
    answer = api.post(URL, sent, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"errors": {"non_field_errors": ["请求内容不是有效的 JSON：嵌套过深。"]}}


def test_a_body_over_the_size_limit_is_answered_400_in_the_contracts_shape(api, survey, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    answer = post(api, {**body(), "comment": "长" * 20_000})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"errors": {"non_field_errors": ["请求内容超过 10000 字节的上限。"]}}
    assert Response.objects.count() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_sent_as_json_is_answered_400_and_stores_nothing(api, survey, content_type):
    data = body()
    sent = json.dumps(data) if content_type == "text/plain" else "&".join(f"{k}=x" for k in data)
    answer = api.post(URL, sent, content_type=content_type)
    assert answer.status_code == 400, "the contract answers bad input 400, not 415"
    assert answer.json() == {
        "errors": {
            "non_field_errors": [
                f"请求内容应以 JSON 发送（Content-Type: application/json），收到的是 {content_type}。"
            ]
        }
    }
    assert Response.objects.count() == 0


def _refusal(answer) -> str:
    assert answer.status_code == 400, answer.content
    (message,) = answer.json()["errors"]["non_field_errors"]
    return message


def test_broken_json_is_refused_saying_where_it_breaks(api, survey):
    sent = json.dumps(body(), ensure_ascii=False, indent=1).replace('"answers": {', '"answers": {,', 1)
    line = next(n for n, text in enumerate(sent.splitlines(), 1) if '"answers": {,' in text)
    column = sent.splitlines()[line - 1].index("{,") + 2
    message = _refusal(api.post(URL, sent, content_type="application/json"))
    assert message == (
        f"请求内容不是有效的 JSON：第 {line} 行第 {column} 个字符处"
        "应是用英文双引号括起的名称（末尾多了逗号，或名称没有加引号）。"
    )
    # A full-width comma, typed on a Chinese keyboard, is named as such.
    message = _refusal(
        api.post(URL, '{"age_band": "18-44"， "answers": {}}', content_type="application/json")
    )
    assert (
        message
        == "请求内容不是有效的 JSON：第 1 行第 21 个字符处是中文标点“，”，JSON 中应改为英文逗号（,）。"
    )
    english = _refusal(api.post(URL + "?lang=en", sent, content_type="application/json"))
    assert english == (
        f"The request body is not valid JSON: at line {line}, character {column}, "
        "a name in double quotes is expected (a comma too many before it, or a name without quotes)."
    )
    assert Response.objects.count() == 0


def test_a_body_in_gbk_is_refused_naming_the_first_byte_that_is_not_utf8_unless_it_says_so(api, survey):
    """A county's script on a Chinese Windows sends its text in GBK unless told otherwise: said
    as such, not as "not a JSON object"; a body that names its charset is read in it."""
    sent = json.dumps(body(), ensure_ascii=False).encode("gbk")
    with pytest.raises(UnicodeDecodeError) as undecodable:
        sent.decode("utf-8")
    first = undecodable.value.start  # 路 in GBK, 0xC2 0xB7, happens to be UTF-8 (·): then 灯
    assert sent[:first].decode("utf-8").endswith("·")
    message = _refusal(api.generic("POST", URL, sent, content_type="application/json"))
    assert message == (
        f"请求内容不是 UTF-8 编码的文字：第 {first + 1} 个字节（0x{sent[first]:02X}）起无法读取；"
        "请以 UTF-8 发送 JSON。"
    )
    assert Response.objects.count() == 0
    named = api.generic("POST", URL, sent, content_type="application/json; charset=gbk")
    assert named.status_code == 201, named.json()
    assert Response.objects.get().comment == "路灯太少"


def test_a_charset_that_is_not_a_text_encoding_is_refused_by_name(api, survey):
    sent = json.dumps(body()).encode()
    message = _refusal(api.generic("POST", URL, sent, content_type="application/json; charset=bz2_codec"))
    assert message == "Content-Type 所注字符编码 bz2_codec 不是文字编码；请以 UTF-8 发送 JSON。"
    assert Response.objects.count() == 0


def test_a_utf8_byte_order_mark_before_the_json_is_read_past(api, survey):
    """Windows Notepad saved UTF-8 with a byte order mark until 2019; `curl --data-binary @file`
    sends it along. RFC 8259 lets a parser ignore it; it is not a reason to lose the answers."""
    data = body()
    sent = b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode()
    assert api.generic("POST", URL, sent, content_type="application/json").status_code == 201
    assert api.generic("POST", URL, sent, content_type="application/json").status_code == 200
    assert Response.objects.get().comment == "路灯太少"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_by_name(api, survey, value):
    sent = json.dumps(body())[:-1] + f', "extra": {value}}}'
    message = _refusal(api.post(URL, sent, content_type="application/json"))
    assert message == f"请求内容不是有效的 JSON：{value} 不是数字，请写出具体数值。"
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "sent, kind",
    [
        ("[1, 2]", "数组"),
        ('"答卷"', "字符串"),
        ("5", "数字"),
        ("1.5", "数字"),
        ("true", "布尔值（true 或 false）"),
        ("null", "空值（null）"),
    ],
)
def test_json_that_is_not_an_object_is_refused_saying_what_it_is(api, survey, sent, kind):
    message = _refusal(api.post(URL, sent, content_type="application/json"))
    assert message == f"请求内容应为 JSON 对象（{{…}}），收到的是{kind}。"


def test_an_age_band_for_a_group_not_sampled_by_age_is_answered_400(api, survey):
    staff = Group.objects.get(survey=survey, code="staff")
    Invitation.objects.create(survey=survey, token="hill-2024-staff", group=staff)
    answer = post(api, body(invitation="hill-2024-staff"))
    assert answer.status_code == 400
    assert "age_band" in answer.json()["errors"]
    assert post(api, body(invitation="hill-2024-staff", age_band=None)).status_code == 201


def test_an_unknown_invitation_is_answered_403(api, survey):
    answer = post(api, body(invitation="no-such-token"))
    assert answer.status_code == 403
    assert answer.json()["code"] == "unknown"


@CLOSED_INVITATIONS
def test_a_closed_invitation_is_answered_403(api, survey, invitation_change, code):
    Invitation.objects.filter(token=TOKEN).update(**invitation_change)
    answer = post(api, body())
    assert answer.status_code == 403
    assert answer.json()["code"] == code
    assert answer.json()["detail"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize("status", [Survey.Status.DRAFT, Survey.Status.CLOSED, Survey.Status.PUBLISHED])
def test_a_survey_not_collecting_is_answered_403(api, status):
    make_survey(status=status)
    answer = post(api, body())
    assert answer.status_code == 403
    assert answer.json()["code"] in {"survey_not_open", "survey_closed"}


def test_a_used_single_use_invitation_is_answered_403_but_its_own_retry_200(api, survey):
    Invitation.objects.filter(token=TOKEN).update(single_use=True)
    first = body()
    assert post(api, first).status_code == 201
    assert post(api, first).status_code == 200
    second = post(api, body())
    assert second.status_code == 403
    assert second.json()["code"] == "used_up"
    assert Response.objects.count() == 1


def test_a_second_response_from_the_same_phone_is_answered_403(api, survey):
    assert post(api, body(device="phone-1")).status_code == 201
    answer = post(api, body(device="phone-1"))
    assert answer.status_code == 403
    assert answer.json()["code"] == "device_used"
    assert "手机" in answer.json()["detail"]
    assert post(api, body(device="phone-2")).status_code == 201


def test_the_device_marker_may_come_in_a_cookie(api, survey):
    api.cookies["sv_device"] = "phone-1"
    assert post(api, body()).status_code == 201
    assert post(api, body()).status_code == 403


def test_a_shared_phone_may_answer_many_times_where_the_survey_allows_it(api, survey):
    Survey.objects.filter(pk=survey.pk).update(allow_shared_device=True)
    assert post(api, body(device="interviewer")).status_code == 201
    assert post(api, body(device="interviewer")).status_code == 201
    assert Response.objects.count() == 2


def test_only_a_keyed_hash_of_the_device_marker_is_stored(api, survey):
    rid = uuid.uuid4()
    post(api, body(rid, device="phone-1"))
    stored = Response.objects.get(pk=rid).device
    assert len(stored) == 64 and "phone-1" not in stored


def test_too_many_requests_from_one_address_are_answered_429(api, survey, settings):
    settings.SUBMISSION_RATE_LIMITS = {"ip": (2, 60)}
    assert post(api, body()).status_code == 201
    assert post(api, body()).status_code == 201
    answer = post(api, body())
    assert answer.status_code == 429
    assert 1 <= int(answer["Retry-After"]) <= 60, "when the one-minute window rolls over"
    assert Response.objects.count() == 2
    assert post(api, body(), REMOTE_ADDR="10.1.2.3").status_code == 201, "another address is not limited"


def test_too_many_requests_for_one_invitation_are_answered_429(api, survey, settings):
    settings.SUBMISSION_RATE_LIMITS = {"invitation": (1, 60)}
    assert post(api, body()).status_code == 201
    assert post(api, body(), REMOTE_ADDR="10.1.2.3").status_code == 429


def test_a_stored_response_is_in_the_next_score_without_a_cache_write(api, survey):
    # The score is cached; a submission writes nothing to the cache, yet the next score counts it
    # (the score cache's key holds the survey's response count and latest arrival).
    before = score_document(survey)["composite"]["n"]
    token = survey_data_token(survey)
    assert post(api, body()).status_code == 201
    assert survey_data_token(survey) == token
    assert score_document(survey)["composite"]["n"] == before + 1


def test_the_endpoint_needs_no_login_and_no_csrf_token(survey):
    strict = APIClient(enforce_csrf_checks=True)
    assert post(strict, body()).status_code == 201


def test_the_openapi_schema_documents_the_endpoint(survey):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/responses/"]["post"]
    assert set(operation["responses"]) >= {"200", "201", "400", "403", "409", "429"}
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    request = schema["components"]["schemas"]["ResponseSubmitInput"]["properties"]
    assert request["comment"]["maxLength"] == 2000, "what the service accepts"
    example = operation["requestBody"]["content"]["application/json"]["examples"]
    [answers] = [e["value"]["answers"] for e in example.values()]
    assert len(answers) == 12, "the example answers every item of the 2020 survey, as it must"


@pytest.mark.parametrize(
    "field, value",
    [
        ("invitation", ""),
        ("invitation", " \t "),
        ("invitation", "\x1e\u3000"),  # what Python's strip() takes off, as DRF does
        ("invitation", TOKEN + "\x00"),
        ("answers", {}),
        ("answers", []),
        ("age_band", "18-44\x00"),
        ("comment", "路灯\x00太少"),
        ("device", "\x00"),
    ],
)
def test_what_the_endpoint_refuses_for_its_form_the_schema_refuses_too(api, survey, field, value):
    """A client generated from /api/v1/schema/ (or a fuzzer) can tell from the schema alone that a
    link token of nothing but spaces, no answers at all or a NUL character in a text is a 400
    (DRF's CharField and DictField do not say so themselves), and takes the valid body's values."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    rules = schema["components"]["schemas"]["ResponseSubmitInput"]["properties"][field]
    assert not jsonschema.Draft4Validator(rules).is_valid(value)
    valid = {**body(), "device": "c0ffee-phone"}
    assert jsonschema.Draft4Validator(rules).is_valid(valid[field])
    answer = post(api, {**valid, field: value})
    assert answer.status_code == 400 and field in answer.json()["errors"]
    assert not Response.objects.exists()


def test_a_nul_character_is_refused_saying_so(api, survey):
    """Django's Chinese says 不允许是用空字符串 ("empty strings not allowed") for it."""
    answer = post(api, {**body(), "age_band": "18-44\x00"})
    assert answer.json() == {"errors": {"age_band": ["不能包含空字符（NUL）。"]}}
    english = api.post(URL + "?lang=en", {**body(), "age_band": "18-44\x00"}, format="json")
    assert english.json() == {"errors": {"age_band": ["Null characters are not allowed."]}}


@pytest.mark.parametrize("field", ["started_at", "submitted_at"])
def test_a_time_with_a_nul_character_is_refused(api, survey, field):
    """Python's ISO reading (which DRF's uses first) stops at a NUL at the end, so the time was
    taken as 10:15 where every text of the body refuses a NUL."""
    answer = post(api, {**body(), field: "2020-11-03T10:15:00+08:00\x00"})
    assert answer.status_code == 400
    assert answer.json() == {"errors": {field: ["不能包含空字符（NUL）。"]}}
    assert not Response.objects.exists()


CONCURRENT = 50


@pytest.fixture
def server_url():
    """The whole application on a threaded server of its own (tests/servers.py), its listen
    backlog large enough for fifty simultaneous connections."""
    server = Server(backlog=2 * CONCURRENT)
    server.start()
    yield server.url
    server.stop()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables between connections",
)
def test_fifty_identical_concurrent_posts_store_exactly_one(server_url):
    make_survey()
    data = json.dumps(body()).encode()
    barrier = threading.Barrier(CONCURRENT)
    statuses: list[int] = []
    lock = threading.Lock()

    def send():
        request = urllib.request.Request(
            server_url + URL, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                code = reply.status
        except urllib.error.HTTPError as exc:
            code = exc.code
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=send) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == CONCURRENT, "every request got an answer"
    assert statuses.count(201) == 1, statuses
    assert statuses.count(200) == CONCURRENT - 1, statuses
    assert Response.objects.count() == 1


@pytest.mark.parametrize(("change", "expected"), [({}, 200), ({"comment": "改过的意见"}, 409)])
def test_a_retry_is_recognised_by_the_primary_key_not_by_a_look_up(
    api, survey, monkeypatch, change, expected
):
    """No look-up before the insert on the normal path (two identical requests arriving together
    would both miss it anyway): the primary key refuses the insert, and only then is the stored
    row read back and compared."""
    from surveys.services import submission

    rid = uuid.uuid4()
    assert post(api, body(rid)).status_code == 201
    real = submission._stored
    calls = []

    def counted(response_id, state=None):
        calls.append(response_id)
        return real(response_id, state)

    monkeypatch.setattr(submission, "_stored", counted)
    answer = post(api, body(rid, **change))
    assert answer.status_code == expected
    assert calls == [rid], "the stored row is read back once, after the insert stored nothing"
    assert Response.objects.count() == 1


def test_a_submitted_response_arrives_with_its_quality_flags(api, survey):
    response = post(api, body(answers={code: "satisfied" for code in ANSWERS}))
    assert response.status_code == 201
    stored = Response.objects.get(pk=response.json()["response_id"])
    codes = [flag["code"] for flag in stored.flags]
    # Three items only: too few to call one answer everywhere straight-lining (the rule needs 5),
    # but the 东村 18–44 quota (3) is not yet met, so no flag at all.
    assert codes == []
    for _ in range(3):
        assert post(api, body()).status_code == 201
    last = Response.objects.order_by("-received_at").first()
    assert [flag["code"] for flag in last.flags] == ["over_quota"]
