"""The submission's quick input reader (`payload_read`) against the documented serializer.

Whatever the reader accepts, the serializer accepts too and gives the same payload; what the
reader leaves alone goes to the serializer, so error messages are always the serializer's. The
input is made up by hypothesis around a valid payload: odd UUID spellings, untrimmed strings,
NUL and lone surrogates, wrong types, over-long values, odd datetimes.
"""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.api.submission import ResponseSubmitInputSerializer, _payload_validated, payload_read

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = {
    "response_id": "0b6f4c52-8f7e-4a43-a0c7-1d7c3b0e5a11",
    "invitation": "Xy3kP0aBcdE",
    "age_band": "30-44",
    "answers": {"income": "satisfied", "jobs": "dont_know"},
    "comment": "路灯不够亮",
    "started_at": "2020-11-03T10:13:02+08:00",
    "submitted_at": "2020-11-03T10:15:00+08:00",
    "device": "d-1f3a",
}

odd_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", " a", "a ", "a\x00b", "\ud800", "\n", "\t x", "满意", "x" * 41, "x" * 101]),
)
odd_value = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), odd_text)
uuids = st.uuids().flatmap(
    lambda u: st.sampled_from(
        [str(u), str(u).upper(), u.hex, f"{{{u}}}", f"urn:uuid:{u}", f" {u}", str(u)[:-1], u.int]
    )
)
datetimes = st.one_of(
    st.none(),
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2020-11-03", "2020-11-03T10:15:00", "2020-11-03 10:15:00Z", "yesterday", "2020-02-30T00:00"]
    ),
    odd_value,
)
FIELDS = {
    "response_id": uuids | odd_value,
    "invitation": odd_text | odd_value,
    "age_band": odd_text | odd_value,
    "answers": st.dictionaries(st.sampled_from(["income", "jobs", "roads"]), odd_text | st.none(), max_size=3)
    | odd_value,
    "comment": odd_text | odd_value | st.text(min_size=9990, max_size=10010),
    "started_at": datetimes,
    "submitted_at": datetimes,
    "device": odd_text | odd_value,
}


@st.composite
def inputs(draw) -> dict:
    """The valid payload with some fields changed or left out."""
    raw = dict(VALID)
    for name in draw(st.sets(st.sampled_from(sorted(FIELDS)), max_size=4)):
        if draw(st.booleans()):
            raw[name] = draw(FIELDS[name])
        else:
            raw.pop(name)
    return raw


def serializer_read(raw: dict):
    serializer = ResponseSubmitInputSerializer(data=raw)
    return _payload_validated(serializer.validated_data) if serializer.is_valid() else None


@PROPERTY
@given(inputs())
def test_what_the_quick_reader_accepts_the_serializer_reads_the_same(raw):
    read = payload_read(raw)
    if read is not None:
        assert serializer_read(raw) == read


def test_a_plain_submission_takes_the_quick_path_with_the_serializers_values():
    read = payload_read(VALID)
    assert read is not None
    assert read == serializer_read(VALID)
    payload, token, device = read
    assert payload.response_id == uuid.UUID(VALID["response_id"])
    assert payload.submitted_at.utcoffset() is not None
    assert (token, device) == ("Xy3kP0aBcdE", "d-1f3a")
    # The optional fields left out, null answers and a blank age band: still the quick path.
    minimal = {
        "response_id": VALID["response_id"],
        "invitation": "abc",
        "age_band": "",
        "answers": {"income": None},
    }
    assert payload_read(minimal) == serializer_read(minimal)
    assert payload_read(minimal)[0].age_band is None


def test_the_serializer_decides_whatever_is_not_plain():
    for change in [
        {"response_id": VALID["response_id"].replace("-", "")},  # valid for the serializer, not plain
        {"invitation": " Xy3kP0aBcdE"},
        {"answers": {}},
        {"answers": {"income": "a\x00"}},
        {"comment": None},
        {"age_band": "\ud800"},  # a lone surrogate, as JSON's "\\ud800" gives
        {"comment": "好\ud83d"},
        {"submitted_at": "not a date"},
        {"device": 5},
    ]:
        assert payload_read({**VALID, **change}) is None, change
    # The first of those the serializer still takes, trimming and all.
    assert serializer_read({**VALID, "response_id": VALID["response_id"].replace("-", "")}) is not None
