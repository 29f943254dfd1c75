"""Reads that cross relations, each in a fixed number of queries."""

from dataclasses import dataclass

from surveys.models import AgeBand, Group, Item, Option, QuestionnaireVersion, Survey, Village


@dataclass(frozen=True)
class SurveyCatalog:
    """Everything needed to check codes against a survey, loaded once."""

    survey: Survey
    villages: dict[str, Village]
    groups: dict[str, Group]
    age_bands: dict[str, AgeBand]
    items: dict[str, Item]
    options: dict[str, Option]

    @property
    def item_codes(self) -> list[str]:
        return list(self.items)

    @property
    def option_codes(self) -> list[str]:
        return list(self.options)

    @property
    def unsure_options(self) -> list[Option]:
        """The options a respondent who is not sure chooses: those without default points
        (不了解, 说不清…), else the one coded dont_know (a scheme may score it, as some towns
        score 不了解 60); none on a scale without such an option."""
        unscored = [o for o in self.options.values() if o.points is None]
        return unscored or [o for code, o in self.options.items() if code == "dont_know"]


def survey_catalog(survey: Survey) -> SurveyCatalog:
    return SurveyCatalog(
        survey=survey,
        villages={v.code: v for v in Village.objects.filter(survey=survey).order_by("order", "code")},
        groups={g.code: g for g in Group.objects.filter(survey=survey).order_by("order", "code")},
        age_bands={a.code: a for a in AgeBand.objects.filter(survey=survey).order_by("order", "code")},
        items={
            i.code: i
            for i in Item.objects.filter(survey=survey)
            .select_related("dimension")
            .order_by("dimension__order", "dimension__code", "order", "code")
        },
        options={o.code: o for o in survey_options(survey)},
    )


def survey_options(survey: Survey) -> list[Option]:
    """The questionnaire's options in their order (one query): all a score document's names need."""
    return list(Option.objects.filter(survey=survey).order_by("order", "code"))


def survey_versions(survey: Survey) -> dict[int, QuestionnaireVersion]:
    return {v.pk: v for v in QuestionnaireVersion.objects.filter(survey=survey)}
