"""Synthetic responses for any survey, not only the 2020 demo's: its own groups, villages, age
bands and answer options, as many as its quotas ask, dated in its year, importable as they are."""

import csv
import io
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.models import AgeBand, Group, Invitation, Option, Quota, Response, Survey, Village
from surveys.selectors import survey_catalog
from surveys.services.response_import import responses_import_text
from surveys.synthetic import survey_quota_rows, synthetic_plan, synthetic_rows
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


def generated(slug: str, *args: str) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.csv"
        call_command("synthetic_responses", slug, *args, "-o", str(path), stderr=io.StringIO())
        return list(csv.DictReader(path.open(encoding="utf-8")))


def csv_of(rows: list[dict[str, str]]) -> str:
    return "\n".join([",".join(rows[0]), *(",".join(r.values()) for r in rows)]) + "\n"


def cells(rows) -> Counter:
    return Counter((r["group"], r["village"], r["age_band"]) for r in rows)


def test_a_survey_of_its_own_shape_gets_responses_in_its_own_codes_as_its_quotas_ask(quotas):
    """山村镇: 东村 18–44 asks 3, 西村 2 and 4 in its two bands, staff 2; nothing else is made up."""
    rows = generated(quotas.slug)
    assert cells(rows) == {
        ("villager", "east", "18-44"): 3,
        ("villager", "west", "18-44"): 2,
        ("villager", "west", "45+"): 4,
        ("staff", "", ""): 2,
    }
    answers = Counter(r[item] for r in rows for item in ("income", "roads", "water"))
    assert set(answers) <= {"satisfied", "basically_satisfied", "dissatisfied", "dont_know", ""}
    # ... and the import takes them as they are (all or nothing: one bad cell would store none)
    responses_import_text(survey=quotas, text=csv_of(rows), source="synthetic")
    assert Response.objects.filter(survey=quotas, source="synthetic").count() == 11


def test_without_quotas_each_village_and_group_gets_twenty_the_age_bands_in_turn(survey):
    Quota.objects.filter(survey=survey).delete()
    rows = generated(survey.slug)
    assert cells(rows) == {
        ("villager", "east", "18-44"): 10,
        ("villager", "east", "45+"): 10,
        ("villager", "west", "18-44"): 10,
        ("villager", "west", "45+"): 10,
        ("staff", "", ""): 20,
    }
    east = [r["age_band"] for r in rows if r["village"] == "east"]
    assert east[:4] == ["18-44", "45+", "18-44", "45+"]


def test_a_group_wide_quota_is_shared_among_the_villages(survey):
    Quota.objects.filter(survey=survey).delete()
    Quota.objects.create(survey=survey, group=Group.objects.get(survey=survey, code="villager"), target=15)
    assert Counter(r["village"] for r in generated(survey.slug) if r["group"] == "villager") == {
        "east": 8,
        "west": 8,
    }


def test_counts_asked_for_replace_the_quotas(quotas):
    rows = generated(quotas.slug, "--per-village", "3", "--group", "staff=5")
    assert cells(rows) == {
        ("villager", "east", "18-44"): 2,
        ("villager", "east", "45+"): 1,
        ("villager", "west", "18-44"): 2,
        ("villager", "west", "45+"): 1,
        ("staff", "", ""): 5,
    }
    assert cells(generated(quotas.slug, "--staff", "0"))[("staff", "", "")] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "deputy=3"], "调查 hill-2024 没有受访群体 'deputy'；应为 villager, staff 之一"),
        (["--deputies", "3"], "调查 hill-2024 没有受访群体 'deputy'"),
        (["--group", "villager=3"], "受访群体 'villager' 按村抽样：其每村份数用 --per-village 设"),
        (["--group", "staff"], "--group 应写作 代码=份数"),
        (["--group", "staff=-1"], "--group 应写作 代码=份数"),
        (["--group", "=4"], "--group 应写作 代码=份数"),
        (["--per-village", "-2"], "--per-village 应为 0 或正整数：-2"),
    ],
)
def test_counts_that_do_not_fit_the_survey_are_refused_by_name(survey, tmp_path, args, message):
    out = tmp_path / "s.csv"
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("synthetic_responses", survey.slug, *args, "-o", str(out))
    assert not out.exists()


def test_a_five_level_scale_is_answered_on_all_five_the_best_most_often(survey):
    Option.objects.filter(survey=survey).delete()
    for order, (code, points) in enumerate(
        [("vs", 100), ("s", 80), ("m", 60), ("d", 30), ("vd", 0), ("dk", None)], start=1
    ):
        Option.objects.create(survey=survey, code=code, label=code, points=points, order=order)
    rows = generated(survey.slug, "--per-village", "200", "--group", "staff=200")
    answers = Counter(r[item] for r in rows for item in ("income", "roads", "water"))
    assert set(answers) == {"vs", "s", "m", "d", "vd", "dk", ""}
    assert [code for code, _ in answers.most_common(2)] == ["vs", "s"]
    assert answers["s"] > answers["m"] > answers["d"]  # the options between halve from the better down
    assert 0.015 < answers["dk"] / sum(answers.values()) < 0.05  # about 3 % not sure


def test_a_scale_with_two_options_and_no_dont_know(survey):
    Option.objects.filter(survey=survey).exclude(code__in=["satisfied", "dissatisfied"]).delete()
    answers = Counter(r["income"] for r in generated(survey.slug))
    assert set(answers) <= {"satisfied", "dissatisfied", ""} and answers["dissatisfied"] > 0


def test_a_survey_without_age_bands_or_villages(survey):
    AgeBand.objects.filter(survey=survey).delete()
    rows = generated(survey.slug)
    assert {r["age_band"] for r in rows} == {""} and {r["village"] for r in rows} == {"east", "west", ""}
    Invitation.objects.filter(survey=survey).delete()
    Village.objects.filter(survey=survey).delete()
    assert cells(generated(survey.slug)) == {("staff", "", ""): 20}


def test_responses_are_dated_in_the_surveys_year_and_never_in_the_future(survey):
    times = [datetime.fromisoformat(r["submitted_at"]) for r in generated(survey.slug)]
    assert {t.year for t in times} == {2024}
    Survey.objects.filter(pk=survey.pk).update(year=2100)
    later = [datetime.fromisoformat(r["submitted_at"]) for r in generated(survey.slug)]
    assert max(later) <= datetime.now().astimezone()


def test_the_seed_is_the_surveys_year_unless_given_and_a_seed_another_survey_used_is_refused(survey):
    catalog = survey_catalog(survey)
    plan = synthetic_plan(catalog, survey_quota_rows(survey))
    ids = [r["response_id"] for r in generated(survey.slug)]
    assert ids == [row[0] for row in synthetic_rows(catalog, plan, seed=2024)]
    assert ids != [r["response_id"] for r in generated(survey.slug, "--seed", "7")]
    # Another town's survey of the same year and shape, its synthetic responses stored: the same
    # seed would draw the same ids, which the import would refuse as another survey's.
    other = make_survey("valley-2024")
    responses_import_text(survey=other, text=csv_of(generated(other.slug)), source="synthetic")
    with pytest.raises(CommandError, match=r"种子 2024 生成的答卷中有 \d+ 份的编号已属于调查 valley-2024"):
        generated(survey.slug)
    assert len(generated(survey.slug, "--seed", "2025")) == len(ids)
    assert len(generated(other.slug)) == len(ids)  # its own again: the import skips them


def test_points_come_from_the_saved_scheme_where_it_gives_them(survey):
    """Options without points of their own, scored by the survey's scheme: the best of the
    scheme's answered most; with no points anywhere, every option alike."""
    Option.objects.filter(survey=survey).update(points=None)
    answers = Counter(r["income"] for r in generated(survey.slug, "--per-village", "100"))
    assert set(answers) <= {"satisfied", "basically_satisfied", "dissatisfied", "dont_know", ""}
    assert min(answers[o] for o in ("satisfied", "basically_satisfied", "dissatisfied", "dont_know")) > 20
    Survey.objects.filter(pk=survey.pk).update(
        scheme={"option_points": {"satisfied": 0, "basically_satisfied": 50, "dissatisfied": 100}}
    )
    answers = Counter(r["income"] for r in generated(survey.slug, "--per-village", "100"))
    assert answers.most_common(1)[0][0] == "dissatisfied"  # the scheme's 100
    assert answers["dont_know"] < answers["satisfied"]
