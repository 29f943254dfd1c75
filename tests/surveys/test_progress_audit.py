"""An audit of the staff's view: a survey with every awkward case, and what the selector, the API and
the page say of it compared with counts worked out here independently."""

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import AgeBand, Group, Invitation, Quota, Response, SurveyMembership, Village
from surveys.selectors_progress import survey_progress
from surveys.services.paper import paper_entry_save, paper_sheets_print
from surveys.services.response_import import responses_import_text
from surveys.services.review import response_exclude, response_include
from surveys.services.submission import ResponsePayload, submission_store
from tests.factories import csv_row, csv_text, make_survey
from tests.surveys.staff_factories import make_member, make_response

pytestmark = pytest.mark.django_db

LONG = "长" * 60 + "村民委员会🌾" + "x" * 30  # a 96-character village name


@pytest.fixture
def audit_survey():
    return build_audit_survey()


def build_audit_survey():
    survey = make_survey("river-2025")
    survey.title_en = "River Town 2025"
    survey.save()
    villager = Group.objects.get(survey=survey, code="villager")
    villager.name_en = "Villagers"
    villager.save()
    staff = Group.objects.get(survey=survey, code="staff")
    deputy = Group.objects.create(survey=survey, code="deputy", name="人大代表", order=3)
    young = AgeBand.objects.get(survey=survey, code="18-44")
    old = AgeBand.objects.get(survey=survey, code="45+")
    AgeBand.objects.create(survey=survey, code="60+", label="60岁以上", order=3)
    east = Village.objects.get(survey=survey, code="east")
    west = Village.objects.get(survey=survey, code="west")
    rice = Village.objects.create(survey=survey, code="rice", name="🌾稻香村", name_en="Rice 🌾", order=3)
    long = Village.objects.create(survey=survey, code="long", name=LONG, order=4)
    north = Village.objects.create(survey=survey, code="north", name="北村", order=5)
    q = lambda **kw: Quota.objects.create(survey=survey, **kw)  # noqa: E731
    # east 18-44: 3 (from make_survey)
    q(group=villager, village=east, age_band=old, target=0)
    q(group=villager, village=west, target=4)
    q(group=villager, village=west, age_band=young, target=3)
    q(group=villager, village=rice, age_band=young, target=2)
    q(group=villager, village=rice, age_band=old, target=2)
    q(group=villager, village=long, age_band=young, target=1)
    q(group=villager, village=north, age_band=young, target=2)
    q(group=villager, village=north, age_band=old, target=2)
    q(group=staff, target=2)
    q(group=deputy, target=0)
    for village in (west, rice, long):
        Invitation.objects.create(
            survey=survey, token=f"river-{village.code}", group=villager, village=village
        )
    Invitation.objects.create(survey=survey, token="river-staff", group=staff)
    Invitation.objects.create(survey=survey, token="river-deputy", group=deputy)
    return survey


def web(token, age_band="18-44", answers=("satisfied", "basically_satisfied", "dissatisfied")):
    payload = ResponsePayload(
        response_id=uuid.uuid4(),
        age_band=age_band,
        answers=dict(zip(["income", "roads", "water"], answers, strict=True)),
        started_at=timezone.now() - timedelta(minutes=3),
        submitted_at=timezone.now(),
    )
    response, created = submission_store(token=token, payload=payload, device=uuid.uuid4().hex)
    assert created
    return response


def fill(survey):
    """Responses by every way in, each in order of arrival (the list returned)."""
    arrived = []
    for _ in range(3):
        arrived.append(web("river-2025-east").pk)
    text = csv_text(
        *[csv_row(village="east", age_band="18-44") for _ in range(2)],
        csv_row(village="east", age_band="45+"),  # a quota of 0
        csv_row(village="west", age_band="45+"),
        csv_row(village="rice", age_band="60+"),  # no quota
        csv_row(village="east", age_band=""),  # age band left blank: no quota
        csv_row(village="", group="staff", age_band=""),
    )
    before = set(Response.objects.values_list("pk", flat=True))
    responses_import_text(survey=survey, text=text)
    imported = Response.objects.exclude(pk__in=before).order_by("received_at")
    # The file's order is the order of arrival within the batch.
    ids = [line.split(",")[0] for line in text.splitlines()[1:]]
    arrived += sorted(imported.values_list("pk", flat=True), key=lambda pk: ids.index(str(pk)))
    for _ in range(3):
        arrived.append(web("river-west").pk)
    arrived.append(web("river-west", "45+").pk)
    arrived.append(web("river-long").pk)
    arrived.append(web("river-long").pk)  # over: to be excluded
    for _ in range(2):
        arrived.append(web("river-staff", None).pk)
    # Paper: typed twice by two staff members.
    a = make_member(survey, "typist-a", SurveyMembership.Role.STAFF)
    b = make_member(survey, "typist-b", SurveyMembership.Role.STAFF)
    rice = Invitation.objects.get(token="river-rice")
    for sheet, band in zip(
        paper_sheets_print(invitation=rice, count=3), ["18-44", "18-44", "45+"], strict=True
    ):
        answers = {"income": "satisfied", "roads": "satisfied", "water": "dont_know"}
        paper_entry_save(sheet=sheet, user=a, age_band=band, answers=answers)
        result = paper_entry_save(sheet=sheet, user=b, age_band=band, answers=answers)
        arrived.append(result.response.pk)
    # Reviewed: the second long-village response excluded; one staff response excluded and
    # re-included, the other excluded.
    boss = make_member(survey, "boss", SurveyMembership.Role.STAFF)
    by_id = lambda pk: Response.objects.select_related("survey").get(pk=pk)  # noqa: E731
    long_ids = list(
        Response.objects.filter(village__code="long").order_by("received_at").values_list("pk", flat=True)
    )
    response_exclude(response=by_id(long_ids[1]), user=boss, reason="超额，回访重复")
    staff_ids = list(
        Response.objects.filter(group__code="staff").order_by("received_at").values_list("pk", flat=True)
    )
    response_exclude(response=by_id(staff_ids[0]), user=boss, reason="核实")
    response_include(response=by_id(staff_ids[0]), user=boss, reason="核实无误")
    response_exclude(response=by_id(staff_ids[1]), user=boss, reason="非本单位")
    return arrived


def covers(quota, response):
    return (
        quota.group_id == response.group_id
        and quota.village_id in (None, response.village_id)
        and quota.age_band_id in (None, response.age_band_id)
    )


def independent(survey):
    """Each quota's counted and excluded responses, from the rows themselves."""
    responses = list(Response.objects.filter(survey=survey))
    rows = {}
    for quota in Quota.objects.filter(survey=survey).select_related("group", "village", "age_band"):
        key = "|".join(
            [
                quota.group.code,
                quota.village.code if quota.village else "",
                quota.age_band.code if quota.age_band else "",
            ]
        )
        inside = [r for r in responses if covers(quota, r)]
        received = sum(1 for r in inside if not r.excluded)
        status = "behind" if received < quota.target else "met" if received == quota.target else "over"
        rows[key] = {
            "target": quota.target,
            "received": received,
            "excluded": len(inside) - received,
            "missing": max(quota.target - received, 0),
            "status": status,
        }
    return responses, rows


def test_the_selector_counts_every_quota_as_the_rows_say(audit_survey):
    fill(audit_survey)
    responses, expected = independent(audit_survey)
    progress = survey_progress(audit_survey)
    got = {
        c.key: {
            "target": c.target,
            "received": c.received,
            "excluded": c.excluded,
            "missing": c.missing,
            "status": c.status,
        }
        for c in progress.cells
        if c.target is not None
    }
    assert got == expected
    loose = {c.key: (c.received, c.excluded) for c in progress.cells if c.target is None}
    assert loose == {"villager|rice|60+": (1, 0), "villager|east|": (1, 0)}
    assert progress.responses == len(responses)
    assert progress.excluded == sum(r.excluded for r in responses)
    assert progress.flagged == sum(1 for r in responses if r.flags)
    # Hand-worked: east 3 + east45 0 + west max(4, 3) + rice 2+2 + long 1 + north 2+2 + staff 2 + deputy 0
    assert progress.target == 3 + 0 + 4 + 4 + 1 + 4 + 2 + 0
    # towards: east 3/3, west 5 of 4, rice 2/2 + 1/2, long 1/1, north 0, staff 2 (of 3, 1 excluded)
    assert progress.towards_target == 3 + 4 + 3 + 1 + 0 + 2


def test_over_quota_flags_match_a_replay_in_order_of_arrival(audit_survey):
    arrived = fill(audit_survey)
    quotas = list(Quota.objects.filter(survey=audit_survey))
    by_id = {r.pk: r for r in Response.objects.filter(survey=audit_survey)}
    counted = {q.pk: 0 for q in quotas}
    mismatches = []
    for pk in arrived:
        r = by_id[pk]
        covering = [q for q in quotas if covers(q, r)]
        over = any(counted[q.pk] >= q.target for q in covering)
        flagged = any(f["code"] == "over_quota" for f in r.flags)
        if over != flagged:
            mismatches.append((r.village_id, r.group_id, r.age_band_id, r.source, over, flagged, r.flags))
        # Nothing was excluded at arrival: exclusions came after everything arrived.
        for q in covering:
            counted[q.pk] += 1
    assert mismatches == []


def cells_on_page(content):
    found = {}
    for key, body in re.findall(r'data-key="([^"]*)">(.*?)</div>', content, re.S):
        received = re.search(r'class="received">(\d+)<', body).group(1)
        target = re.search(r'class="target">(\d+)<', body)
        mark = re.search(r'class="mark">([^<]*)<', body).group(1)
        found[html.unescape(key)] = (int(received), int(target.group(1)) if target else None, mark.strip())
    return found


def bars_on_page(content):
    """Each quota cell's bar, as its width in per cent (a cell without a quota has none)."""
    found = {}
    for key, body in re.findall(r'data-key="([^"]*)">(.*?)</div>', content, re.S):
        width = re.search(r'<span style="width:([\d.]+)%">', body)
        if width:
            found[html.unescape(key)] = float(width.group(1))
    return found


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_page_and_the_api_count_what_the_rows_say(client, audit_survey, lang):
    fill(audit_survey)
    responses, expected = independent(audit_survey)
    client.force_login(make_member(audit_survey, "watcher", SurveyMembership.Role.STAFF))
    suffix = "?lang=en" if lang == "en" else ""
    data = client.get(f"/api/v1/surveys/river-2025/progress/{suffix}").json()
    api_cells = {c["key"]: c for c in data["cells"]}
    for key, row in expected.items():
        for field, value in row.items():
            assert api_cells[key][field] == value, (key, field)
    assert [c["key"] for c in data["missing"]] == [c.key for c in survey_progress(audit_survey).missing]
    assert {c["key"] for c in data["missing"]} == {k for k, r in expected.items() if r["status"] == "behind"}
    totals = data["totals"]
    assert totals["responses"] == len(responses)
    assert totals["received"] == sum(not r.excluded for r in responses)
    assert totals["excluded"] == sum(r.excluded for r in responses)
    assert totals["flagged"] == sum(1 for r in responses if r.flags)
    inv = data["invitations"]
    assert inv["without_invitation"] == sum(r.invitation_id is None for r in responses)
    by_token = {row["token"]: row["responses"] for row in inv["rows"]}
    for invitation in Invitation.objects.filter(survey=audit_survey):
        assert by_token[invitation.token] == sum(r.invitation_id == invitation.pk for r in responses)
    assert inv["returned"] == sum(1 for n in by_token.values() if n)

    page = client.get(f"/staff/river-2025/{suffix}").content.decode()
    on_page = cells_on_page(page)
    labels = {
        "zh-hans": {"behind": "未完成", "met": "已完成", "over": "超额"},
        "en": {"behind": "Behind", "met": "Met", "over": "Over quota"},
    }[lang]
    for key, row in expected.items():
        assert on_page[key] == (row["received"], row["target"], labels[row["status"]]), key
    # A bar as full as its quota is: a quota of 0 is full already (0/0 已完成 and 1/0 超额 showed
    # an empty bar beside the word, where every other met or over quota shows a full one).
    bars = bars_on_page(page)
    for key, row in expected.items():
        full = 100.0 if not row["target"] else min(100.0, round(100 * row["received"] / row["target"], 1))
        assert bars[key] == full, key
    # The live updates draw the bars from the API's own figure, the same rule.
    assert {c["key"]: c["bar_percent"] for c in data["cells"] if c["key"] in bars} == bars
    assert {key for key, row in expected.items() if row["target"] == 0} == {"villager|east|45+", "deputy||"}
    assert on_page["villager|rice|60+"][:2] == (1, None)
    assert on_page["villager|east|"][:2] == (1, None)  # its age band left blank
    assert f'id="total-received">{totals["received"]}<' in page
    # The whole shortfall, each response once (hand-worked above: 18 asked for, 13 towards them),
    # and a word that the rows, whose quotas nest, do not add up to it (they come to 1 + 1 + 2 + 1).
    shortfall = {
        "zh-hans": '共缺 <b id="missing-total-count">5</b> 份',
        "en": 'in all: <b id="missing-total-count">5</b>',
    }
    assert shortfall[lang] in page
    assert sum(c["missing"] for c in data["missing"]) == 5  # here no cell behind takes in another
    nested = {"zh-hans": "下列各行有重叠，不能相加", "en": "the rows below overlap and do not add up"}
    assert nested[lang] in page
    assert f'id="total-target">{totals["target"]}<' in page
    assert f'id="total-flagged">{totals["flagged"]}<' in page
    assert f'id="total-excluded">{totals["excluded"]}<' in page
    assert f'id="inv-without">{inv["without_invitation"]}<' in page


def test_the_shortfall_of_nested_quotas_is_counted_once_and_the_overlap_said(client):
    """东村 asks for 5 and its 18–44 band (inside it) for 3; one response of that band arrived.
    The list gives 东村 缺 4 and 东村 · 18–44 缺 2, which read as 6; 4 are needed in all."""
    survey = make_survey()
    Quota.objects.create(
        survey=survey,
        group=Group.objects.get(survey=survey, code="villager"),
        village=Village.objects.get(survey=survey, code="east"),
        target=5,
    )
    make_response(survey)
    progress = survey_progress(survey)
    assert sorted(c.missing for c in progress.missing) == [2, 4] and progress.still_needed == 4
    assert progress.nested
    client.force_login(make_member(survey, "watcher", SurveyMembership.Role.STAFF))
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    assert '共缺 <b id="missing-total-count">4</b> 份' in page
    assert "下列各行有重叠，不能相加" in page
    Quota.objects.filter(village__code="east", age_band=None).delete()
    page = client.get(f"/staff/{survey.slug}/").content.decode()
    assert '共缺 <b id="missing-total-count">2</b> 份' in page and "不能相加" not in page
