"""Next year's survey from this year's, or another town's: one step, codes kept, nothing collected."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from surveys.design import survey_design
from surveys.localized import localized
from surveys.models import Invitation, Quota, Response, Survey
from surveys.services.questionnaire import questionnaire_definition
from surveys.services.response_import import responses_import_text
from surveys.services.survey_copy import survey_copy, with_year
from tests.factories import csv_row, csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def daligang(db):
    call_command("loaddata", "daligang-2020", verbosity=0)
    return Survey.objects.get(slug="daligang-2020")


def test_a_copy_for_next_year_keeps_the_questionnaire_scheme_groups_villages_and_quotas(daligang):
    copy = survey_copy(source=daligang, slug="daligang-2021", year=2021)

    assert copy.title == "桃江县大栗港镇人民政府 2021年度部门社会公众满意度问卷调查"
    assert copy.title_en == "Daligang Town Government, Taojiang County: 2021 public satisfaction survey"
    assert copy.year == 2021 and copy.status == Survey.Status.DRAFT
    assert questionnaire_definition(copy) == questionnaire_definition(daligang)
    assert copy.scheme == daligang.scheme
    source, new = survey_design(daligang), survey_design(copy)
    assert (new.groups, new.age_bands, new.villages, new.quotas) == (
        source.groups,
        source.age_bands,
        source.villages,
        source.quotas,
    )
    assert copy.quota_set.count() == 69 and copy.village_set.count() == 17


def test_a_copy_collects_nothing_of_the_source(survey):
    responses_import_text(survey=survey, text=csv_text(csv_row()))

    copy = survey_copy(source=survey, slug="hill-2025", year=2025)

    assert not Response.objects.filter(survey=copy).exists()
    assert not Invitation.objects.filter(survey=copy).exists()
    assert Response.objects.filter(survey=survey).count() == 1
    assert Invitation.objects.filter(survey=survey).count() == 1


def test_a_copy_for_another_town_leaves_the_villages_behind_but_keeps_the_staff_quota(daligang):
    copy = survey_copy(
        source=daligang,
        slug="songmuxi-2020",
        year=2020,
        title="桃江县松木溪镇2020年度满意度调查",
        organisation="桃江县松木溪镇人民政府",
        include_villages=False,
    )

    assert copy.organisation == "桃江县松木溪镇人民政府"
    assert copy.organisation_en == "", "the source's English name would name the wrong town"
    assert not copy.village_set.exists()
    assert list(Quota.objects.filter(survey=copy).values_list("group__code", "target")) == [("staff", 40)]
    assert copy.group_set.get(code="villager").by_village


def test_a_copy_can_issue_fresh_invitations(daligang):
    copy = survey_copy(source=daligang, slug="daligang-2021", year=2021, issue_invitations=True)

    invitations = Invitation.objects.filter(survey=copy)
    assert invitations.count() == 19  # 17 villages for villagers, one link each for staff and deputies
    assert not invitations.filter(
        token__in=Invitation.objects.filter(survey=daligang).values("token")
    ).exists()


def test_a_copy_onto_a_slug_in_use_is_refused_and_creates_nothing(daligang, survey):
    with pytest.raises(ValidationError, match="已存在"):
        survey_copy(source=daligang, slug=survey.slug, year=2021)
    assert Survey.objects.count() == 2


@pytest.mark.parametrize(
    ("year", "problem"), [(99999, "小于或等于2100"), (-5, "大于或等于1900"), (0, "大于或等于1900")]
)
def test_a_copy_for_a_year_that_is_not_one_is_refused_and_creates_nothing(daligang, year, problem):
    """99999 was a traceback on PostgreSQL (smallint out of range), -5 one of its check."""
    with pytest.raises(CommandError, match=f"年度 {year}：确保该值{problem}"):
        call_command("copy_survey", "daligang-2020", "daligang-next", "--year", str(year))
    assert not Survey.objects.filter(slug="daligang-next").exists()


def test_a_title_without_the_year_is_kept_as_it_is(survey):
    survey.title = "山村镇满意度调查"
    survey.save()
    assert survey_copy(source=survey, slug="hill-next", year=2025).title == "山村镇满意度调查"


def test_the_copy_survey_command_copies_and_names_its_errors(daligang):
    out = io.StringIO()
    call_command("copy_survey", "daligang-2020", "daligang-2021", "--year", "2021", stdout=out)
    assert "daligang-2021" in out.getvalue()
    assert Survey.objects.get(slug="daligang-2021").item_set.count() == 12

    with pytest.raises(CommandError, match="daligang-2021 的调查已存在"):
        call_command("copy_survey", "daligang-2020", "daligang-2021", "--year", "2021")
    with pytest.raises(CommandError, match="没有代码为 'nowhere-2020' 的调查"):
        call_command("copy_survey", "nowhere-2020", "nowhere-2021", "--year", "2021")


def test_the_copy_command_for_another_town_leaves_villages_behind(daligang):
    call_command(
        "copy_survey", "daligang-2020", "other-2020", "--year", "2020", "--without-villages",
        "--organisation", "另一个镇", stdout=io.StringIO(),
    )  # fmt: skip
    copy = Survey.objects.get(slug="other-2020")
    assert copy.organisation == "另一个镇" and not copy.village_set.exists()


def test_the_next_year_keeps_the_english_name_of_the_same_organisation(daligang):
    assert daligang.organisation_en == "Daligang Town People's Government, Taojiang County"
    same = survey_copy(source=daligang, slug="daligang-2021", year=2021, organisation=daligang.organisation)
    assert same.organisation_en == daligang.organisation_en
    call_command(
        "copy_survey", "daligang-2020", "other-2021", "--year", "2021",
        "--organisation", "另一个镇", "--organisation-en", "Another Town", stdout=io.StringIO(),
    )  # fmt: skip
    assert Survey.objects.get(slug="other-2021").organisation_en == "Another Town"


def test_another_title_without_its_english_name_leaves_the_english_title_blank(daligang):
    """`copy_survey … --title "大栗港镇 2021年度满意度调查（试点）"` kept the source's English title
    with the year changed: English pages called the pilot the town's 2021 survey. Without an
    English title the English pages now use the Chinese one; --title-en gives one."""
    call_command(
        "copy_survey", "daligang-2020", "pilot-2021", "--year", "2021",
        "--title", "大栗港镇 2021年度满意度调查（试点）", stdout=io.StringIO(),
    )  # fmt: skip
    pilot = Survey.objects.get(slug="pilot-2021")
    assert pilot.title_en == "" and localized(pilot, english=True) == "大栗港镇 2021年度满意度调查（试点）"
    call_command(
        "copy_survey", "daligang-2020", "pilot-2022", "--year", "2022", "--title", "大栗港镇试点",
        "--title-en", "Daligang pilot", stdout=io.StringIO(),
    )  # fmt: skip
    assert Survey.objects.get(slug="pilot-2022").title_en == "Daligang pilot"
    # The title the copy would have had anyway keeps its English name with the year changed.
    same = survey_copy(
        source=daligang, slug="daligang-2021", year=2021, title=with_year(daligang.title, 2020, 2021)
    )
    assert same.title_en == "Daligang Town Government, Taojiang County: 2021 public satisfaction survey"


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_copy_action_asks_for_the_new_slug_and_year_then_copies(admin_client, daligang):
    url = "/admin/surveys/survey/"
    page = admin_client.post(url, {"action": "copy_survey", "_selected_action": [daligang.pk]})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'value="daligang-2021"' in text and 'value="2021"' in text
    assert "2021年度部门社会公众满意度问卷调查" in text

    done = admin_client.post(
        url,
        {
            "action": "copy_survey",
            "_selected_action": [daligang.pk],
            "apply": "1",
            "slug": "daligang-2021",
            "year": "2021",
            "title": "大栗港镇2021年度满意度调查",
            "organisation": daligang.organisation,
            "include_villages": "on",
        },
    )

    copy = Survey.objects.get(slug="daligang-2021")
    assert done.status_code == 302 and done["Location"].endswith(f"/admin/surveys/survey/{copy.pk}/change/")
    assert copy.title == "大栗港镇2021年度满意度调查" and copy.village_set.count() == 17


def test_the_admin_copy_action_names_a_slug_in_use(admin_client, daligang):
    page = admin_client.post(
        "/admin/surveys/survey/",
        {
            "action": "copy_survey",
            "_selected_action": [daligang.pk],
            "apply": "1",
            "slug": "daligang-2020",
            "year": "2021",
            "title": "x",
            "organisation": "y",
        },
    )
    assert "这个代码已被使用" in page.content.decode()
    assert Survey.objects.count() == 1


def test_the_admin_exports_one_survey_as_a_workbook_and_several_as_a_zip(admin_client, daligang, survey):
    one = admin_client.post(
        "/admin/surveys/survey/", {"action": "export_xlsform", "_selected_action": [daligang.pk]}
    )
    assert one["Content-Disposition"] == 'attachment; filename="daligang-2020.xlsx"'
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["survey", "choices", "settings", "quotas"]

    both = admin_client.post(
        "/admin/surveys/survey/", {"action": "export_xlsform", "_selected_action": [daligang.pk, survey.pk]}
    )
    assert sorted(zipfile.ZipFile(io.BytesIO(both.content)).namelist()) == [
        "daligang-2020.xlsx",
        "hill-2024.xlsx",
    ]


def test_the_admin_import_page_imports_a_workbook_or_lists_its_problems(admin_client, daligang):
    listing = admin_client.get("/admin/surveys/survey/").content.decode()
    assert "从 XLSForm 导入" in listing
    exported = admin_client.post(
        "/admin/surveys/survey/", {"action": "export_xlsform", "_selected_action": [daligang.pk]}
    ).content

    refused = admin_client.post(
        "/admin/surveys/survey/import-xlsform/", {"file": io.BytesIO(exported), "slug": "", "year": ""}
    )
    assert "settings 表第 2 行（form_id 列）：调查代码 daligang-2020 已存在" in refused.content.decode()

    upload = io.BytesIO(exported)
    upload.name = "daligang.xlsx"
    done = admin_client.post(
        "/admin/surveys/survey/import-xlsform/", {"file": upload, "slug": "daligang-2022", "year": "2022"}
    )
    copy = Survey.objects.get(slug="daligang-2022")
    assert done.status_code == 302 and copy.year == 2022
    assert questionnaire_definition(copy) == questionnaire_definition(daligang)


def test_the_english_admin_names_a_workbooks_problems_and_the_copy_in_english(admin_client, daligang):
    exported = admin_client.post(
        "/admin/surveys/survey/", {"action": "export_xlsform", "_selected_action": [daligang.pk]}
    ).content
    refused = admin_client.post(
        "/admin/surveys/survey/import-xlsform/?lang=en",
        {"file": io.BytesIO(exported), "slug": "", "year": ""},
    ).content.decode()
    assert (
        "settings sheet, row 2 (column form_id): a survey with the code daligang-2020 already exists; "
        "choose another (--slug)" in refused
    )
    assert "已存在" not in refused

    upload = io.BytesIO(exported)
    upload.name = "daligang.xlsx"
    admin_client.post(
        "/admin/surveys/survey/import-xlsform/", {"file": upload, "slug": "daligang-2022", "year": ""}
    )
    listing = admin_client.get("/admin/surveys/survey/").content.decode()
    title = Survey.objects.get(slug="daligang-2022").title_en
    assert (
        title and f"Imported as “{title}” (daligang-2022), status Draft." in listing
    )  # the cookie kept English
