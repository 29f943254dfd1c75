"""The weights of the dimensions, items and groups, set in the 权重 column of the survey's admin
page (surveys/admin_weights.py). Administrators could set them only in the scheme's JSON."""

import json
import re

import pytest

from surveys.models import Dimension, Group, Item, Survey
from surveys.scoring import score_document
from tests.surveys.report_helpers import answer
from tests.surveys.test_admin import _change_form, _save, _with_new_row, _with_scheme

pytestmark = pytest.mark.django_db
PREFIX = {Dimension: "dimension_set", Item: "item_set", Group: "group_set"}


def _cell(data: dict, model, code: str) -> str:
    """The name of the weight cell of the row of that part ("dimension_set-0-weight"), found by
    the row's id (its code is read-only once answered)."""
    pk = str(model.objects.get(code=code).pk)
    prefix = PREFIX[model]
    row = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.startswith(f"{prefix}-") and k.endswith("-id") and v == pk
    )
    return f"{row}-weight"


def _post(admin_client, survey, data, lang="zh") -> str:
    """Post the change form expecting a refusal: the page."""
    page = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/?lang={lang}", data)
    assert page.status_code == 200, "refused, and shown again"
    return page.content.decode()


def _scored(survey) -> dict:
    return score_document(Survey.objects.get(pk=survey.pk), use_cache=False)


def test_the_cells_show_the_weights_the_score_uses(admin_client, survey):
    """Without a scheme: the dimensions of equal weight, the items 1, the groups none (blank)."""
    data = _change_form(admin_client, survey)
    assert data[_cell(data, Dimension, "economy")] == data[_cell(data, Dimension, "services")] == "0.5"
    assert data[_cell(data, Item, "water")] == "1"
    assert data[_cell(data, Group, "villager")] == data[_cell(data, Group, "staff")] == ""

    data = _with_scheme(
        admin_client, survey, item_weights={"water": 2}, group_weights={"villager": 3, "staff": 1}
    )
    assert data[_cell(data, Dimension, "economy")] == "0.4"
    assert data[_cell(data, Dimension, "services")] == "0.6"
    assert (data[_cell(data, Item, "water")], data[_cell(data, Item, "roads")]) == ("2", "1")
    assert (data[_cell(data, Group, "villager")], data[_cell(data, Group, "staff")]) == ("3", "1")


def test_a_dimension_weight_set_in_its_row_changes_the_saved_scheme_and_the_score(admin_client, survey):
    answer(survey, 12)
    before = _scored(survey)
    assert before["scheme"]["dimension_weights"] == {"economy": 0.5, "services": 0.5}
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = "3"
    assert _save(admin_client, survey, data) == []

    assert survey.scheme["dimension_weights"] == {"economy": 3.0, "services": 0.5}
    assert survey.scheme["option_points"]["satisfied"] == 100  # the rest as the defaults say
    after = _scored(survey)
    assert after["scheme"]["dimension_weights"] == {"economy": 3.0, "services": 0.5}
    scores = {d["code"]: d["score"] for d in after["dimensions"]}
    assert scores["economy"] != scores["services"]
    expected = (3 * scores["economy"] + 0.5 * scores["services"]) / 3.5
    assert after["composite"]["score"] == pytest.approx(expected, abs=0.01)
    assert after["composite"]["score"] != pytest.approx(before["composite"]["score"], abs=0.01)
    assert _change_form(admin_client, survey)[_cell(data, Dimension, "economy")] == "3"


def test_a_survey_without_a_scheme_saved_with_its_cells_as_shown_keeps_none(admin_client, survey):
    """Its weights are the defaults, which follow the questionnaire: saving the page unchanged
    must not freeze them into a scheme."""
    data = _change_form(admin_client, survey)
    assert data[_cell(data, Dimension, "economy")] == "0.5"
    assert _save(admin_client, survey, data) == []
    assert survey.scheme is None


def test_a_cell_left_as_shown_keeps_its_weight_exactly(admin_client, survey):
    """1/3 is shown 0.333333; sent back as shown, it is still 1/3."""
    Dimension.objects.create(survey=survey, code="safety", name="居住安全", order=3)
    data = _change_form(admin_client, survey)
    assert data[_cell(data, Dimension, "safety")] == "0.333333"
    data[_cell(data, Item, "water")] = "2"
    _save(admin_client, survey, data)
    assert survey.scheme["dimension_weights"] == {"economy": 1 / 3, "services": 1 / 3, "safety": 1 / 3}
    assert survey.scheme["item_weights"] == {"water": 2.0}


def test_new_rows_get_the_weights_typed_in_them(admin_client, survey):
    data = _with_scheme(admin_client, survey)
    data = _with_new_row(
        data, "dimension_set", {"order": "3", "code": "safety", "name": "居住安全", "weight": "0.2"}
    )
    data = _with_new_row(
        data, "group_set", {"order": "3", "code": "deputy", "name": "人大代表", "weight": "1"}
    )
    data[_cell(data, Group, "villager")] = "3"
    data[_cell(data, Group, "staff")] = "1"
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["dimension_weights"] == {"economy": 0.4, "services": 0.6, "safety": 0.2}
    assert survey.scheme["group_weights"] == {"villager": 3.0, "staff": 1.0, "deputy": 1.0}

    safety = Dimension.objects.get(survey=survey, code="safety").pk
    data = _with_new_row(
        _change_form(admin_client, survey),
        "item_set",
        {"order": "1", "code": "police", "dimension": str(safety), "text": "治安", "weight": "0.5"},
    )
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["item_weights"] == {"police": 0.5}


def test_a_row_deleted_takes_its_weight_along_and_a_code_changed_keeps_it(admin_client, survey):
    """A dimension deleted used to leave its weight in the scheme, which was then refused for
    naming an unknown dimension until the JSON was edited too."""
    data = _with_new_row(
        _with_scheme(admin_client, survey),
        "dimension_set",
        {"order": "3", "code": "safety", "name": "安全", "weight": "1"},
    )
    _save(admin_client, survey, data)
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "safety").replace("-weight", "-DELETE")] = "on"
    data[_cell(data, Dimension, "economy").replace("-weight", "-code")] = "growth"
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["dimension_weights"] == {"growth": 0.4, "services": 0.6}


def test_an_items_blank_weighs_1(admin_client, survey):
    data = _with_scheme(admin_client, survey, item_weights={"water": 2})
    data[_cell(data, Item, "water")] = ""
    _save(admin_client, survey, data)
    assert survey.scheme["item_weights"] == {}


def test_the_groups_are_weighted_all_or_none(admin_client, survey):
    data = _change_form(admin_client, survey)
    data[_cell(data, Group, "villager")] = "0.6"
    page = _post(admin_client, survey, data)
    assert "受访群体的权重要么每个都填，要么都留空：现在填了的是村民群众，没填的是政府工作人员。" in page
    assert "都留空则不按群体加权，所有答卷一起平均。" in page
    assert "其他群体填了权重，这里也要填；或者都留空。" in page  # on the staff's row
    assert "缺少群体" not in page, "said once, on the rows, not again by the scheme's check"
    assert Survey.objects.get(pk=survey.pk).scheme is None

    data[_cell(data, Group, "staff")] = "0.4"
    _save(admin_client, survey, data)
    assert survey.scheme["group_weights"] == {"villager": 0.6, "staff": 0.4}

    data = _change_form(admin_client, survey)
    data[_cell(data, Group, "villager")] = data[_cell(data, Group, "staff")] = ""
    _save(admin_client, survey, data)
    assert survey.scheme["group_weights"] is None


@pytest.mark.parametrize(
    "typed, said",
    [
        ("-1", "权重不能是负数；不计入的填 0。"),
        ("lots", "权重应是数字，如 0.25 或 1。"),
        ("1e999", "权重应是数字"),
    ],
)
def test_a_weight_that_is_not_a_number_or_negative_is_refused_on_its_cell(admin_client, survey, typed, said):
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = typed
    assert said in _post(admin_client, survey, data)
    assert Survey.objects.get(pk=survey.pk).scheme is None


def test_a_weight_typed_with_full_width_digits_is_read(admin_client, survey):
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = "０．２５"
    _save(admin_client, survey, data)
    assert survey.scheme["dimension_weights"]["economy"] == 0.25


def test_every_dimension_weighed_0_is_refused_above_the_table_by_the_schemes_own_check(admin_client, survey):
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = data[_cell(data, Dimension, "services")] = "0"
    page = _post(admin_client, survey, data)
    above = page.split('id="dimension_set-group"')[1].split("<table>")[0]
    assert "维度权重之和必须大于 0" in above
    assert page.count("维度权重之和必须大于 0") == 1, "not on the JSON box, which was not changed"


def test_a_dimension_cell_emptied_is_refused_on_it(admin_client, survey):
    data = _change_form(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = ""
    assert "请填写权重；不计入综合得分的维度填 0。" in _post(admin_client, survey, data)


def test_a_published_surveys_weights_are_shown_and_cannot_be_changed(admin_client, survey):
    _with_scheme(admin_client, survey)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.PUBLISHED)
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    shown = re.findall(r'<td class="field-weight">\s*<p>(.*?)</p>', page)
    assert shown == ["0.4", "0.6", "1", "1", "1", "-", "-"]  # dimensions, items, groups (none)
    data = _change_form(admin_client, survey)
    assert not [name for name in data if name.endswith("-weight")]
    data |= {"dimension_set-0-weight": "9", "group_set-0-weight": "1", "group_set-1-weight": "1"}
    admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert Survey.objects.get(pk=survey.pk).scheme["dimension_weights"] == {"economy": 0.4, "services": 0.6}


def _json_with(data: dict, **weights) -> str:
    scheme = json.loads(data["scheme"])
    for key, changes in weights.items():
        scheme[key] = {**(scheme.get(key) or {}), **changes}
    return json.dumps(scheme)


def test_one_weight_changed_differently_in_the_json_and_its_row_is_refused_in_both_places(
    admin_client, survey
):
    data = _with_scheme(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = "0.5"
    data["scheme"] = _json_with(data, dimension_weights={"economy": 0.45})
    page = _post(admin_client, survey, data)
    assert (
        "维度“经济发展”的权重在下方表格中改为 0.5，在计分方案中改为 0.45，两处不一致，没有保存："
        "请只在一处修改，或改成相同的数。"
    ) in page
    assert "计分方案中改为 0.45，与此不一致。" in page  # on the row
    assert Survey.objects.get(pk=survey.pk).scheme["dimension_weights"]["economy"] == 0.4

    data["scheme"] = _json_with(data, dimension_weights={"economy": 0.5})  # alike: saved
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["dimension_weights"] == {"economy": 0.5, "services": 0.6}


def test_different_weights_changed_in_the_json_and_the_rows_are_both_kept_and_said(admin_client, survey):
    data = _with_scheme(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = "0.5"
    data["scheme"] = _json_with(data, item_weights={"water": 2})
    data["scheme"] = json.dumps({**json.loads(data["scheme"]), "min_cell": 3})
    assert _save(admin_client, survey, data) == [
        ("info", "权重在下方表格和计分方案中各有修改，两处的修改都已保存。")
    ]
    assert survey.scheme["dimension_weights"] == {"economy": 0.5, "services": 0.6}
    assert survey.scheme["item_weights"] == {"water": 2}
    assert survey.scheme["min_cell"] == 3


def test_the_json_alone_still_sets_the_weights(admin_client, survey):
    data = _with_scheme(admin_client, survey)
    data["scheme"] = _json_with(
        data, dimension_weights={"economy": 0.7}, group_weights={"villager": 1, "staff": 1}
    )
    assert _save(admin_client, survey, data) == []
    assert survey.scheme["dimension_weights"] == {"economy": 0.7, "services": 0.6}
    assert survey.scheme["group_weights"] == {"villager": 1, "staff": 1}
    data = _change_form(admin_client, survey)
    assert (data[_cell(data, Dimension, "economy")], data[_cell(data, Group, "staff")]) == ("0.7", "1")


def test_the_weights_column_and_its_messages_in_english(admin_client, survey):
    Group.objects.filter(code="villager").update(name_en="Villagers")
    Group.objects.filter(code="staff").update(name_en="Government staff")
    Dimension.objects.filter(code="economy").update(name_en="Economy")
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/?lang=en").content.decode()
    assert "Weight in dimension" in page
    assert "Leave every group blank and the groups are not weighted" in page
    data = _change_form(admin_client, survey)
    data[_cell(data, Group, "villager")] = "0.6"
    data[_cell(data, Dimension, "economy")] = "-1"
    page = _post(admin_client, survey, data, lang="en")
    assert "A weight cannot be negative; enter 0 to leave it out." in page
    data[_cell(data, Dimension, "economy")] = "1"
    page = _post(admin_client, survey, data, lang="en")
    assert (
        "Give every respondent group a weight, or none: weighted now: Villagers; blank: Government staff."
        in page
    )

    data = _with_scheme(admin_client, survey)
    data[_cell(data, Dimension, "economy")] = "0.5"
    data["scheme"] = _json_with(data, dimension_weights={"economy": 0.45})
    page = _post(admin_client, survey, data, lang="en")
    assert (
        "The weight of dimension “Economy” was changed to 0.5 in the table below and to 0.45 in the scoring "
        "scheme: they differ, and nothing was saved."
    ) in page
