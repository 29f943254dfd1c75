"""A survey's design as plain data: what copying, XLSForm import and XLSForm export move around.

The design is everything an administrator authors — questionnaire, scheme, respondent groups,
age bands, villages, quotas — and nothing that is collected (responses, invitations, versions).
Order is the order of the lists; codes are kept as they are, so that years compare.
`survey_design` reads one from the database in a fixed number of queries;
`surveys.services.survey_copy.survey_create_from_design` writes one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from surveys.models import AgeBand, Dimension, Group, Item, Option, Quota, Survey, Village


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    dimension: str
    text: str
    text_en: str = ""


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: str
    label_en: str = ""
    points: float | None = None


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    name_en: str = ""
    by_village: bool = False
    population: int | None = None


@dataclass(frozen=True)
class AgeBandSpec:
    code: str
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class VillageSpec:
    code: str
    name: str
    name_en: str = ""
    is_placeholder: bool = False


@dataclass(frozen=True)
class QuotaSpec:
    group: str
    village: str | None
    age_band: str | None
    target: int


@dataclass
class SurveyDesign:
    slug: str
    title: str
    organisation: str
    year: int
    title_en: str = ""
    organisation_en: str = ""
    allow_shared_device: bool = False
    late_grace_hours: int = 0
    scheme: dict | None = None
    dimensions: list[DimensionSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    options: list[OptionSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    age_bands: list[AgeBandSpec] = field(default_factory=list)
    villages: list[VillageSpec] = field(default_factory=list)
    quotas: list[QuotaSpec] = field(default_factory=list)

    def without_villages(self) -> SurveyDesign:
        """The same design for another town: no villages, and no quotas that name one."""
        other = copy.deepcopy(self)
        other.villages = []
        other.quotas = [q for q in other.quotas if q.village is None]
        return other


def survey_design(survey: Survey) -> SurveyDesign:
    """The survey's design, read in eight queries whatever its size."""
    dimensions = list(Dimension.objects.filter(survey=survey).order_by("order", "code"))
    items = Item.objects.filter(survey=survey).select_related("dimension")
    quotas = Quota.objects.filter(survey=survey).select_related("group", "village", "age_band")
    return SurveyDesign(
        slug=survey.slug,
        title=survey.title,
        title_en=survey.title_en,
        organisation=survey.organisation,
        organisation_en=survey.organisation_en,
        year=survey.year,
        allow_shared_device=survey.allow_shared_device,
        late_grace_hours=survey.late_grace_hours,
        scheme=copy.deepcopy(survey.scheme),
        dimensions=[DimensionSpec(d.code, d.name, d.name_en) for d in dimensions],
        items=[
            ItemSpec(i.code, i.dimension.code, i.text, i.text_en)
            for i in items.order_by("dimension__order", "dimension__code", "order", "code")
        ],
        options=[
            OptionSpec(o.code, o.label, o.label_en, o.points)
            for o in Option.objects.filter(survey=survey).order_by("order", "code")
        ],
        groups=[
            GroupSpec(g.code, g.name, g.name_en, g.by_village, g.population)
            for g in Group.objects.filter(survey=survey).order_by("order", "code")
        ],
        age_bands=[
            AgeBandSpec(a.code, a.label, a.label_en)
            for a in AgeBand.objects.filter(survey=survey).order_by("order", "code")
        ],
        villages=[
            VillageSpec(v.code, v.name, v.name_en, v.is_placeholder)
            for v in Village.objects.filter(survey=survey).order_by("order", "code")
        ],
        quotas=[
            QuotaSpec(
                q.group.code,
                q.village.code if q.village_id else None,
                q.age_band.code if q.age_band_id else None,
                q.target,
            )
            for q in quotas.order_by("group__order", "village__order", "age_band__order", "pk")
        ],
    )
