"""Test data built in code: a small survey with named parts, and responses for it."""

import uuid

from surveys.models import AgeBand, Dimension, Group, Invitation, Item, Option, Quota, Survey, Village
from surveys.services.response_import import FIXED_COLUMNS


def make_survey(slug: str = "hill-2024", *, status: str = Survey.Status.OPEN) -> Survey:
    """山村镇 2024: two dimensions, three items, the usual four options, two villages."""
    survey = Survey.objects.create(
        slug=slug, title="山村镇2024年度满意度调查", organisation="山村镇人民政府", year=2024, status=status
    )
    economy = Dimension.objects.create(survey=survey, code="economy", name="经济发展", order=1)
    services = Dimension.objects.create(survey=survey, code="services", name="公共服务", order=2)
    Item.objects.create(survey=survey, dimension=economy, code="income", text="收入", order=1)
    Item.objects.create(survey=survey, dimension=services, code="roads", text="道路", order=1)
    Item.objects.create(survey=survey, dimension=services, code="water", text="饮水", order=2)
    for order, (code, label, points) in enumerate(
        [
            ("satisfied", "满意", 100),
            ("basically_satisfied", "基本满意", 80),
            ("dissatisfied", "不满意", 0),
            ("dont_know", "不了解", None),
        ],
        start=1,
    ):
        Option.objects.create(survey=survey, code=code, label=label, points=points, order=order)
    villager = Group.objects.create(survey=survey, code="villager", name="村民群众", by_village=True, order=1)
    Group.objects.create(survey=survey, code="staff", name="政府工作人员", population=30, order=2)
    young = AgeBand.objects.create(survey=survey, code="18-44", label="18–44岁", order=1)
    AgeBand.objects.create(survey=survey, code="45+", label="45岁及以上", order=2)
    east = Village.objects.create(survey=survey, code="east", name="东村", order=1)
    Village.objects.create(survey=survey, code="west", name="西村", order=2)
    Quota.objects.create(survey=survey, group=villager, village=east, age_band=young, target=3)
    Invitation.objects.create(survey=survey, token=f"{slug}-east", group=villager, village=east)
    return survey


HEADER = ",".join(FIXED_COLUMNS + ["income", "roads", "water"])


def csv_row(
    response_id: uuid.UUID | str | None = None,
    *,
    village: str = "east",
    group: str = "villager",
    age_band: str = "18-44",
    submitted_at: str = "2024-11-02T09:30:00+08:00",
    answers: tuple[str, str, str] = ("satisfied", "basically_satisfied", "dont_know"),
) -> str:
    rid = response_id or uuid.uuid4()
    return ",".join([str(rid), village, group, age_band, submitted_at, *answers])


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"
