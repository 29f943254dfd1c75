"""Making a survey from a design: next year's survey from this year's, another town's, an import.

Codes are kept exactly, so that the years and the towns compare item by item. A new survey
starts in draft with no responses and no invitations (those belong to one year's fieldwork);
`issue_invitations=True` gives it fresh links.
"""

from __future__ import annotations

import copy
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from surveys.design import SurveyDesign, survey_design
from surveys.models import AgeBand, Dimension, Group, Item, Option, Quota, Survey, Village
from surveys.services.invitations import invitations_issue


def _check_references(design: SurveyDesign) -> list[str]:
    """Codes that refer to nothing; the readers check their input, this guards every caller."""
    problems = []
    dimensions = {d.code for d in design.dimensions}
    groups, villages = {g.code for g in design.groups}, {v.code for v in design.villages}
    age_bands = {a.code for a in design.age_bands}
    for item in design.items:
        if item.dimension not in dimensions:
            problems.append(
                _("题目 %(item)s 的维度 %(code)s 不存在") % {"item": item.code, "code": item.dimension}
            )
    for quota in design.quotas:
        if quota.group not in groups:
            problems.append(_("配额的受访群体 %(code)s 不存在") % {"code": quota.group})
        if quota.village is not None and quota.village not in villages:
            problems.append(_("配额的村（社区） %(code)s 不存在") % {"code": quota.village})
        if quota.age_band is not None and quota.age_band not in age_bands:
            problems.append(_("配额的年龄段 %(code)s 不存在") % {"code": quota.age_band})
    return problems


@transaction.atomic
def survey_create_from_design(*, design: SurveyDesign, issue_invitations: bool = False) -> Survey:
    """Create the survey and everything below it, or nothing."""
    validate_slug(design.slug)
    if Survey.objects.filter(slug=design.slug).exists():
        raise ValidationError(_("代码为 %(slug)s 的调查已存在，请换一个代码。") % {"slug": design.slug})
    problems = _check_references(design)
    try:
        Survey._meta.get_field("year").run_validators(design.year)
    except ValidationError as exc:  # as the admin's form says it, with the year it was given
        problems += [
            _("年度 %(year)s：%(problem)s") % {"year": design.year, "problem": m} for m in exc.messages
        ]
    if problems:
        raise ValidationError(problems)
    survey = Survey.objects.create(
        slug=design.slug,
        title=design.title,
        title_en=design.title_en,
        organisation=design.organisation,
        organisation_en=design.organisation_en,
        year=design.year,
        status=Survey.Status.DRAFT,
        allow_shared_device=design.allow_shared_device,
        late_grace_hours=design.late_grace_hours,
        scheme=copy.deepcopy(design.scheme),
    )
    dimensions = {
        d.code: Dimension.objects.create(survey=survey, code=d.code, name=d.name, name_en=d.name_en, order=n)
        for n, d in enumerate(design.dimensions, start=1)
    }
    position: dict[str, int] = {}
    items = []
    for item in design.items:
        position[item.dimension] = position.get(item.dimension, 0) + 1
        items.append(
            Item(
                survey=survey,
                dimension=dimensions[item.dimension],
                code=item.code,
                text=item.text,
                text_en=item.text_en,
                order=position[item.dimension],
            )
        )
    Item.objects.bulk_create(items)
    Option.objects.bulk_create(
        Option(survey=survey, code=o.code, label=o.label, label_en=o.label_en, points=o.points, order=n)
        for n, o in enumerate(design.options, start=1)
    )
    groups = {
        g.code: Group.objects.create(
            survey=survey,
            code=g.code,
            name=g.name,
            name_en=g.name_en,
            by_village=g.by_village,
            population=g.population,
            order=n,
        )
        for n, g in enumerate(design.groups, start=1)
    }
    age_bands = {
        a.code: AgeBand.objects.create(
            survey=survey, code=a.code, label=a.label, label_en=a.label_en, order=n
        )
        for n, a in enumerate(design.age_bands, start=1)
    }
    villages = {
        v.code: Village.objects.create(
            survey=survey,
            code=v.code,
            name=v.name,
            name_en=v.name_en,
            is_placeholder=v.is_placeholder,
            order=n,
        )
        for n, v in enumerate(design.villages, start=1)
    }
    Quota.objects.bulk_create(
        Quota(
            survey=survey,
            group=groups[q.group],
            village=villages[q.village] if q.village else None,
            age_band=age_bands[q.age_band] if q.age_band else None,
            target=q.target,
        )
        for q in design.quotas
    )
    if issue_invitations:
        invitations_issue(survey=survey)
    return survey


def with_year(text: str, old: int, new: int) -> str:
    """ "…2020年度…" becomes "…2021年度…"; a text without the old year stays as it is."""
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)


def survey_copy(
    *,
    source: Survey,
    slug: str,
    year: int,
    title: str | None = None,
    title_en: str | None = None,
    organisation: str | None = None,
    organisation_en: str | None = None,
    include_villages: bool = True,
    issue_invitations: bool = False,
) -> Survey:
    """A new draft survey with the source's questionnaire, scheme, groups and age bands.

    Villages and the quotas that name them come along unless `include_villages` is false (a
    copy for another town, which has villages of its own); quotas without a village (such as
    40 government staff) always do. Without a title, the source's title with the year
    replaced is used (in Chinese and English). Another title, or another organisation, without
    its English name leaves that name blank, so that English pages use the Chinese one: the
    source's would be wrong (a pilot's English title read as the whole survey's).
    """
    design = survey_design(source)
    if not include_villages:
        design = design.without_villages()
    design.slug = slug
    design.year = year
    next_title = with_year(source.title, source.year, year)
    design.title = title or next_title
    if title_en is not None:
        design.title_en = title_en
    elif design.title != next_title:
        design.title_en = ""
    else:
        design.title_en = with_year(source.title_en, source.year, year)
    if organisation and organisation != design.organisation:
        design.organisation = organisation
        design.organisation_en = ""
    if organisation_en is not None:
        design.organisation_en = organisation_en
    return survey_create_from_design(design=design, issue_invitations=issue_invitations)
