"""Names are stored on one line, whatever writes them: the admin, a service, a copy, an import.

Tabs, line breaks and zero-width characters come along when a name is pasted from a spreadsheet
or a chat message; the report's fonts draw them as boxes.
"""

import pytest

from surveys.models import Dimension, Item, Survey, Village
from surveys.services.survey_copy import survey_copy
from surveys.xlsform import survey_import_xlsform
from tests.surveys.test_xlsform import ZH, problems_of, river_town_form, workbook_bytes

pytestmark = pytest.mark.django_db


def _village_form(village, **fields):
    return {
        "survey": village.survey_id,
        "code": village.code,
        "order": village.order,
        "name": village.name,
        "name_en": village.name_en,
        "is_placeholder": "",
        **fields,
    }


def test_a_name_pasted_into_the_admin_is_stored_on_one_line(admin_client, survey):
    village = Village.objects.get(survey=survey, code="east")
    response = admin_client.post(
        f"/admin/surveys/village/{village.pk}/change/",
        _village_form(village, name="\t东\u200b村\n（一组）\r\n", name_en="East\tvillage\u00a0"),
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.name, village.name_en) == ("东村 （一组）", "East village")


def test_a_name_of_nothing_but_invisible_characters_is_refused_as_empty(admin_client, survey):
    village = Village.objects.get(survey=survey, code="east")
    response = admin_client.post(
        f"/admin/surveys/village/{village.pk}/change/", _village_form(village, name="\u200b\t\u2060")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": ["该字段是必填项。"]}
    village.refresh_from_db()
    assert village.name == "东村"


def _posted(value):
    """A field's initial value as the browser posts it: None and an unticked box as nothing, 0 as 0."""
    return "" if value is None or value is False else value


def test_the_survey_pages_rows_store_their_names_on_one_line(admin_client, survey):
    """Dimensions, items and the title, through the survey's own admin page and its inline rows."""
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/")
    form = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        form.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for row in formset.formset.forms:
            for name, field in row.fields.items():
                value = row.initial.get(name, field.initial)
                form[row.add_prefix(name)] = "" if value is None else getattr(value, "pk", value)
    admin = page.context["adminform"].form
    form.update({name: _posted(admin.initial.get(name)) for name in admin.fields})
    form.update({"title": "山村镇\n2024年度满意度调查\t", "allow_shared_device": ""})
    form["scheme"] = ""
    economy = Dimension.objects.get(survey=survey, code="economy")
    income = Item.objects.get(survey=survey, code="income")
    for key in list(form):
        if key.endswith("-id") and form[key] == economy.pk and key.startswith("dimension_set"):
            form[key.replace("-id", "-name")] = "经济\u200b发展\n"
        if key.endswith("-id") and form[key] == income.pk and key.startswith("item_set"):
            form[key.replace("-id", "-text")] = "个人\t（家庭）\t收入"
    response = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    survey.refresh_from_db()
    economy.refresh_from_db()
    income.refresh_from_db()
    assert (survey.title, economy.name, income.text) == (
        "山村镇 2024年度满意度调查",
        "经济发展",
        "个人 （家庭） 收入",
    )


def test_a_service_a_copy_and_an_import_store_names_on_one_line(survey):
    village = Village.objects.create(
        survey=survey, code="south", name=" 南\t村\u200b ", name_en="South\nvillage"
    )
    village.refresh_from_db()
    assert (village.name, village.name_en) == ("南 村", "South village")

    copy = survey_copy(source=survey, slug="hill-2025", year=2025, title="山村镇\t2025年度\r\n满意度调查")
    assert Survey.objects.get(pk=copy.pk).title == "山村镇 2025年度 满意度调查"

    form = river_town_form()
    form["survey"][4][2] = "经济\n发展\u200b"  # the dimension economy's Chinese label, wrapped in its cell
    form["choices"][7][3] = "Upper\tvillage"
    form["settings"][1][1] = "河镇2025年度\n满意度调查"
    imported = survey_import_xlsform(source=workbook_bytes(form)).survey
    assert imported.title == "河镇2025年度 满意度调查"
    assert Dimension.objects.get(survey=imported, code="economy").name == "经济 发展"
    assert Village.objects.get(survey=imported, code="upper").name_en == "Upper village"


def test_a_workbook_label_of_nothing_but_invisible_characters_is_a_missing_label():
    form = river_town_form()
    assert form["choices"][0][2] == ZH
    form["choices"][2][2] = "\u200b\t"
    assert problems_of(form) == [
        "choices 表第 3 行（label::中文 (zh) 列）：选项 basically_satisfied 缺少中文标签"
    ]
