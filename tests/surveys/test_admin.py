"""The admin as a non-programmer uses it: in Chinese, through the real URLs."""

import html
import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from surveys.models import Invitation, Quota, Survey, Village
from surveys.scoring import score_document
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def daligang(db):
    call_command("loaddata", "daligang-2020", verbosity=0)
    return Survey.objects.get(slug="daligang-2020")


def test_the_admin_speaks_chinese_and_lists_the_2020_survey(admin_client, daligang):
    page = admin_client.get("/admin/surveys/survey/").content.decode()
    assert "满意度 · 问卷调查与统计" in page
    assert "桃江县大栗港镇人民政府 2020年度部门社会公众满意度问卷调查" in page
    assert "收集中" in page


def test_the_survey_page_shows_its_questionnaire(admin_client, daligang):
    page = admin_client.get(f"/admin/surveys/survey/{daligang.pk}/change/").content.decode()
    for text in ["经济发展满意度", "勤政廉政情况", "不了解", "村民群众", "60+"]:
        assert text in page


def test_a_placeholder_village_can_be_renamed(admin_client, daligang):
    village = Village.objects.get(survey=daligang, code="village-14")
    response = admin_client.post(
        f"/admin/surveys/village/{village.pk}/change/",
        {
            "survey": daligang.pk,
            "code": "village-14",
            "order": 14,
            "name": "金竹村",
            "name_en": "",
            "is_placeholder": "",
        },
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.name, village.is_placeholder) == ("金竹村", False)


@pytest.fixture
def daligang_answered(daligang, settings):
    path = settings.BASE_DIR / "fixtures" / "daligang-2020-synthetic.csv"
    responses_import_text(survey=daligang, text=path.read_text(encoding="utf-8"))
    return daligang


def _village_names(survey) -> dict[str, str]:
    document = score_document(Survey.objects.get(pk=survey.pk))
    return {cell["code"]: cell["name"] for cell in document["by_village"]}


@pytest.mark.parametrize("page", ["change form", "list"])
def test_a_renamed_village_is_scored_under_its_new_name_at_once(admin_client, daligang_answered, page):
    """The score document is cached for a day, keyed by the survey's modification time."""
    survey = daligang_answered
    assert _village_names(survey)["village-14"] == "待命名村（社区）14"  # now cached
    village = Village.objects.get(survey=survey, code="village-14")
    fields = {"name": "石牛江村", "name_en": "Shiniujiang", "is_placeholder": ""}
    if page == "change form":
        sent = admin_client.post(
            f"/admin/surveys/village/{village.pk}/change/",
            {"survey": survey.pk, "code": "village-14", "order": 14, **fields},
        )
    else:  # the list's editable columns, every village of the page sent back
        rows = admin_client.get("/admin/surveys/village/").context["cl"].result_list
        form = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "1"}
        for k, row in enumerate(rows):
            values = (
                fields
                if row.pk == village.pk
                else {
                    "name": row.name,
                    "name_en": row.name_en,
                    "is_placeholder": "on" if row.is_placeholder else "",
                }
            )
            form |= {f"form-{k}-id": row.pk, **{f"form-{k}-{name}": value for name, value in values.items()}}
        sent = admin_client.post("/admin/surveys/village/", form)
    assert sent.status_code == 302
    assert _village_names(survey)["village-14"] == "石牛江村"


def test_a_quota_can_be_changed(admin_client, daligang):
    quota = Quota.objects.get(survey=daligang, group__code="staff")
    response = admin_client.post(
        f"/admin/surveys/quota/{quota.pk}/change/",
        {"survey": daligang.pk, "group": quota.group_id, "village": "", "age_band": "", "target": 45},
    )
    assert response.status_code == 302
    quota.refresh_from_db()
    assert quota.target == 45
    # What each process remembers of the survey's quotas (the over-quota flag) is keyed by this.
    assert Survey.objects.get(pk=daligang.pk).updated_at > daligang.updated_at


def test_a_second_quota_for_the_same_cell_is_refused_in_chinese(admin_client, daligang):
    quota = Quota.objects.get(survey=daligang, group__code="staff")
    response = admin_client.post(
        "/admin/surveys/quota/add/",
        {"survey": daligang.pk, "group": quota.group_id, "village": "", "age_band": "", "target": 3},
    )
    assert response.status_code == 200
    assert "这个群体已有配额。" in response.content.decode()


@pytest.mark.parametrize("cell", ["village", "age_band"])
def test_a_quota_for_a_group_not_sampled_by_village_names_neither_village_nor_age_band(
    admin_client, daligang, cell
):
    """Staff answer with no village and no age band: such a cell would stay behind for good."""
    staff = Quota.objects.get(survey=daligang, group__code="staff").group
    part = {"village": daligang.village_set.first(), "age_band": daligang.ageband_set.first()}[cell]
    form = {"survey": daligang.pk, "group": staff.pk, "village": "", "age_band": "", "target": 10}
    response = admin_client.post("/admin/surveys/quota/add/", {**form, cell: part.pk})
    assert response.status_code == 200
    expected = "不按村抽样，村（社区）应留空" if cell == "village" else "不按年龄段抽样，年龄段应留空"
    assert expected in response.content.decode()
    assert not Quota.objects.filter(group=staff, **{cell: part}).exists()


def _action(admin_client, survey, action):
    return admin_client.post(
        "/admin/surveys/survey/", {"action": action, "_selected_action": [survey.pk]}, follow=True
    )


def test_a_survey_is_closed_and_reopened_by_admin_actions(admin_client, daligang):
    _action(admin_client, daligang, "close_survey")
    daligang.refresh_from_db()
    assert daligang.status == "closed"
    _action(admin_client, daligang, "open_survey")
    daligang.refresh_from_db()
    assert daligang.status == "open"


def test_a_published_survey_cannot_be_reopened(admin_client, daligang):
    _action(admin_client, daligang, "close_survey")
    _action(admin_client, daligang, "publish_survey")
    page = _action(admin_client, daligang, "open_survey").content.decode()
    daligang.refresh_from_db()
    assert daligang.status == "published" and daligang.published_at is not None
    assert "目前为已发布，不能改为收集中" in page


def test_invitations_are_issued_from_the_admin(admin_client, daligang):
    Invitation.objects.filter(survey=daligang, group__code="deputy").delete()
    page = _action(admin_client, daligang, "issue_invitations").content.decode()
    assert "新生成 1 个邀请链接" in page
    assert Invitation.objects.filter(survey=daligang, group__code="deputy").count() == 1


def test_once_answered_item_codes_are_read_only_and_items_cannot_be_deleted(admin_client, survey):
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert 'name="item_set-0-code"' in page and 'name="item_set-0-DELETE"' in page
    responses_import_text(survey=survey, text=csv_text(csv_row()))
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert 'name="item_set-0-code"' not in page
    assert 'name="item_set-0-DELETE"' not in page


def test_responses_are_listed_but_never_deleted_in_the_admin(admin_client, survey):
    responses_import_text(survey=survey, text=csv_text(csv_row()))
    assert admin_client.get("/admin/surveys/response/").status_code == 200
    response = survey.response_set.get()
    assert admin_client.get(f"/admin/surveys/response/{response.pk}/delete/").status_code == 403


def test_a_draft_survey_nothing_was_collected_for_is_deleted_with_its_parts(admin_client):
    """A survey made by mistake: its items PROTECT its dimensions and its links its groups, so
    the admin used to refuse it, telling a superuser they lacked a permission."""
    from surveys.models import Dimension, Item, Quota
    from surveys.services.questionnaire import questionnaire_version_current
    from tests.factories import make_survey

    draft = make_survey("oops-2024", status=Survey.Status.DRAFT)
    questionnaire_version_current(survey=draft)
    page = admin_client.get(f"/admin/surveys/survey/{draft.pk}/delete/").content.decode()
    assert "无权删除" not in page and "受保护" not in page
    assert 'name="post"' in page and "收入" in page
    response = admin_client.post(f"/admin/surveys/survey/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Survey.objects.filter(slug="oops-2024").exists()
    assert not Item.objects.exists() and not Dimension.objects.exists() and not Quota.objects.exists()
    assert not Invitation.objects.exists()


def test_a_survey_with_responses_is_not_deleted_and_the_admin_is_told_why(admin_client, survey):
    from tests.factories import make_survey

    responses_import_text(survey=survey, text=csv_text(csv_row()))
    survey.status = Survey.Status.CLOSED
    survey.save()
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/delete/").content.decode()
    assert "无权删除" not in page and 'name="post"' not in page
    assert "已有 1 份答卷，不能删除" in page
    admin_client.post(f"/admin/surveys/survey/{survey.pk}/delete/", {"post": "yes"})
    assert Survey.objects.filter(pk=survey.pk).exists()
    # Several at once: one that may not go keeps all of them.
    other = make_survey("other-2024", status=Survey.Status.DRAFT)
    chosen = {"action": "delete_selected", "_selected_action": [survey.pk, other.pk]}
    page = admin_client.post("/admin/surveys/survey/", chosen).content.decode()
    assert "没有删除任何一个" in page and "已有 1 份答卷" in page
    admin_client.post("/admin/surveys/survey/", {**chosen, "post": "yes"})
    assert Survey.objects.filter(pk__in=[survey.pk, other.pk]).count() == 2


def test_a_collecting_survey_or_one_with_paper_sheets_is_not_deleted(admin_client, survey):
    from surveys.services.paper import paper_sheets_print

    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/delete/").content.decode()
    assert "正在收集中" in page and 'name="post"' not in page
    survey.status = Survey.Status.CLOSED
    survey.save()
    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=1)
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/delete/").content.decode()
    assert "已打印纸质问卷，不能删除" in page and 'name="post"' not in page


def test_a_link_with_responses_or_paper_sheets_is_not_deleted_and_the_admin_is_told_why(admin_client, survey):
    """Django said a superuser lacked the permission to delete responses."""
    from surveys.services.paper import paper_sheets_print

    link = Invitation.objects.get(survey=survey)
    paper_sheets_print(invitation=link, count=2)
    page = admin_client.get(f"/admin/surveys/invitation/{link.pk}/delete/").content.decode()
    assert "无权删除" not in page and 'name="post"' not in page
    assert "已有 0 份答卷、印过 2 份纸质问卷，不能删除" in page and "停用所选链接" in page
    admin_client.post(f"/admin/surveys/invitation/{link.pk}/delete/", {"post": "yes"})
    assert Invitation.objects.filter(pk=link.pk).exists()
    unused = Invitation.objects.create(survey=survey, token="spare", group=link.group, village=link.village)
    page = admin_client.get(f"/admin/surveys/invitation/{unused.pk}/delete/").content.decode()
    assert 'name="post"' in page
    assert (
        admin_client.post(f"/admin/surveys/invitation/{unused.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Invitation.objects.filter(pk=unused.pk).exists()


def test_an_administrator_gives_someone_a_role_on_a_survey(admin_client, survey):
    user = get_user_model().objects.create_user("xiaozhang", password="pw-long-enough-123")
    response = admin_client.post(
        "/admin/surveys/surveymembership/add/", {"survey": survey.pk, "user": user.pk, "role": "evaluator"}
    )
    assert response.status_code == 302
    assert survey.surveymembership_set.get().user == user
    assert "评价人员" in admin_client.get("/admin/surveys/surveymembership/").content.decode()


@pytest.mark.parametrize("value", ["abc", "1e400", "1.5"])
def test_an_account_that_is_not_an_id_is_the_forms_error_not_a_500(admin_client, survey, value):
    """Django's search-as-you-type box looked the posted value up to draw it (ValueError)."""
    add = "/admin/surveys/surveymembership/add/"
    page = admin_client.post(add, {"survey": survey.pk, "user": value, "role": "staff"})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert not survey.surveymembership_set.exists()
    assert admin_client.get(add, {"user": value}).status_code == 200
    user = get_user_model().objects.create_user("xiaoli", password="pw-long-enough-123")
    chosen = admin_client.post(add, {"survey": "", "user": user.pk, "role": "staff"}).content.decode()
    assert f'<option value="{user.pk}" selected>xiaoli</option>' in chosen  # a valid one still drawn


def test_the_audit_log_is_shown_and_cannot_be_changed(admin_client, survey):
    from surveys.models import AuditEntry

    entry = AuditEntry.objects.create(survey=survey, action="response_excluded", reason="重复提交")
    assert "重复提交" in admin_client.get("/admin/surveys/auditentry/").content.decode()
    assert (
        admin_client.post(f"/admin/surveys/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admins_confirmations_in_english(admin_client, daligang):
    """Chosen English (?lang=en, kept in the cookie): the actions' confirmations and the record
    lists name the survey and its parts in English."""
    assert admin_client.get("/admin/?lang=en").status_code == 200
    page = _action(admin_client, daligang, "close_survey").content.decode()
    assert "“Daligang Town Government, Taojiang County: 2020 public satisfaction survey” is now" in page
    Invitation.objects.filter(survey=daligang, group__code="deputy").delete()
    page = _action(admin_client, daligang, "issue_invitations").content.decode()
    assert ": 1 new invitation link." in page
    token = Invitation.objects.get(survey=daligang, group__code="deputy").pk
    page = admin_client.post(
        "/admin/surveys/invitation/", {"action": "deactivate", "_selected_action": [token]}, follow=True
    ).content.decode()
    assert "1 invitation link deactivated." in page
    assert "County and town people&#x27;s congress deputies" in page  # the link's group, in English
    villages = admin_client.get("/admin/surveys/village/").content.decode()
    assert 'value="Wuyangping"' in villages  # the English name, editable beside the Chinese


def test_the_audit_list_names_its_actions(admin_client, survey):
    """As the dashboard does, not the codes the services write (response_excluded…)."""
    from surveys.models import Response
    from surveys.services.review import response_exclude

    responses_import_text(survey=survey, text=csv_text(csv_row()))
    user = get_user_model().objects.get(username="chief")
    response_exclude(response=Response.objects.get(), user=user, reason="重复")
    chinese = admin_client.get("/admin/surveys/auditentry/?lang=zh").content.decode()
    assert "剔除答卷" in chinese and ">response_excluded<" not in chinese  # (its filter link keeps the code)
    assert "Excluded a response" in admin_client.get("/admin/surveys/auditentry/?lang=en").content.decode()


def test_a_part_code_with_a_space_is_refused_with_the_characters_it_may_hold(survey):
    from django.core.exceptions import ValidationError

    from surveys.models import AgeBand

    AgeBand(survey=survey, code="60+", label="60岁及以上").full_clean()
    with pytest.raises(ValidationError) as refused:
        AgeBand(survey=survey, code="60 岁", label="60岁及以上").full_clean()
    assert "代码只能由英文字母、数字和 _ . + - 组成" in str(refused.value)


class _FormFields(HTMLParser):
    """The values a browser would send for the page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.data[name] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def _change_form(admin_client, survey) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode())
    return {k: v for k, v in parser.data.items() if k not in ("csrfmiddlewaretoken", "q")}


def _save(admin_client, survey, data, lang="zh") -> list[tuple[str, str]]:
    """Post the survey's change form and follow to the next page: the messages that are not the
    admin's "changed successfully" (the form must have saved)."""
    page = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/?lang={lang}", data, follow=True)
    assert page.status_code == 200 and not page.context.get("errors"), page.content.decode()[:500]
    survey.refresh_from_db()
    return [(m.level_tag, str(m)) for m in page.context["messages"] if m.level_tag != "success"]


def _with_scheme(admin_client, survey, **given) -> dict[str, str]:
    """Save a scheme (economy 0.4, services 0.6, and `given`) without a note; the change form's
    data afterwards."""
    data = _change_form(admin_client, survey)
    data["scheme"] = json.dumps({"dimension_weights": {"economy": 0.4, "services": 0.6}, **given})
    assert _save(admin_client, survey, data) == []
    return _change_form(admin_client, survey)


def test_the_survey_form_sent_back_unchanged_saves(admin_client, survey):
    response = admin_client.post(
        f"/admin/surveys/survey/{survey.pk}/change/", _change_form(admin_client, survey)
    )
    assert response.status_code == 302


def test_a_scheme_that_does_not_fit_the_questionnaire_is_refused_and_not_stored(admin_client, survey):
    data = _change_form(admin_client, survey)
    data["scheme"] = json.dumps({"dimension_weights": {"nope": 1}, "option_points": {"satisfied": "lots"}})
    response = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未知的维度代码“nope”" in page and "不是数字或 null" in page
    survey.refresh_from_db()
    assert survey.scheme is None


@pytest.mark.parametrize(
    "typed, lang, said",
    [
        (
            '{"dimension_weights": {\n  "economy": 0.4\n  "services": 0.6}}',
            "zh",
            "不是有效的 JSON：第 3 行第 3 个字符处缺少逗号。",
        ),
        (
            '{"dimension_weights"：{"economy": 0.4, "services": 0.6}}',
            "zh",
            "不是有效的 JSON：第 1 行第 21 个字符处是中文标点“：”，JSON 中应改为英文冒号（:）。",
        ),
        (
            '{"dimension_weights": {"economy": 0.4, "services": 0.6,}}',
            "en",
            "Not valid JSON: at line 1, character 56, a name in double quotes is expected "
            "(a comma too many before it, or a name without quotes).",
        ),
        (
            '{"dimension_weights": {"economy": NaN, "services": 0.6}}',
            "zh",
            "不是有效的 JSON：NaN 不是数字，请写出具体数值。",
        ),
        (
            '{"dimension_weights": {"economy": 0.4， "services": 0.6}}',
            "en",
            "Not valid JSON: at line 1, character 38, there is the full-width “，” where JSON needs a comma (,).",
        ),
        (
            '{"dimension_weights": ' + "[" * 5000 + "]" * 5000 + "}",
            "zh",
            "不是有效的 JSON：嵌套过深。",  # a server error (RecursionError) before
        ),
    ],
    ids=["comma", "full-width-colon", "trailing-comma-en", "nan", "full-width-comma-en", "nested-too-deeply"],
)
def test_a_scheme_that_is_not_json_says_where_and_why_and_keeps_the_text(
    admin_client, survey, typed, lang, said
):
    """Django said only "输入一个有效的JSON。": the administrator hunted for the slip by eye."""
    data = _change_form(admin_client, survey) | {"scheme": typed}
    response = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/?lang={lang}", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["scheme"] == [said]
    assert html.escape(typed) in response.content.decode()  # given back to be corrected
    survey.refresh_from_db()
    assert survey.scheme is None


def test_the_scheme_is_shown_one_entry_a_line_and_none_as_an_empty_box(admin_client, survey):
    """Django wrote the whole scheme on one line (the error's "第 3 行" named a line the box did
    not show), and "null" for a survey without one."""
    assert _change_form(admin_client, survey)["scheme"] == ""
    _with_scheme(admin_client, survey)
    shown = _change_form(admin_client, survey)["scheme"]
    lines = shown.splitlines()  # in the order the database keeps the keys (PostgreSQL's jsonb sorts them)
    assert lines[0] == "{" and '  "option_points": {' in lines and '  "dimension_weights": {' in lines
    assert any(line.startswith('    "satisfied": 100') for line in lines)
    assert json.loads(shown) == Survey.objects.get(pk=survey.pk).scheme


def test_a_fitting_scheme_is_stored_completed_as_the_score_uses_it(admin_client, survey):
    data = _change_form(admin_client, survey)
    data["scheme"] = json.dumps({"dimension_weights": {"economy": 0.4, "services": 0.6}})
    response = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.scheme["dimension_weights"] == {"economy": 0.4, "services": 0.6}
    assert survey.scheme["option_points"]["satisfied"] == 100


def _with_new_row(data: dict, prefix: str, fields: dict) -> dict:
    """The change form's data with one more row in an inline (as the admin's "add another")."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data = {**data, f"{prefix}-TOTAL_FORMS": str(n + 1)}
    data.update({f"{prefix}-{n}-{name}": value for name, value in fields.items()})
    return data


def test_a_dimension_added_after_the_scheme_was_saved_asks_for_its_weight_and_breaks_no_score(
    admin_client, survey
):
    """A saved scheme weighs the dimensions it knew; a dimension added later without a weight
    used to be stored, and every score page, download and the publish action answered 500."""
    from surveys.models import Dimension
    from surveys.scoring import score_document

    data = _with_new_row(
        _with_scheme(admin_client, survey),
        "dimension_set",
        {"order": "3", "code": "safety", "name": "居住安全", "name_en": ""},
    )
    response = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert response.status_code == 200
    assert "请填写权重；不计入综合得分的维度填 0。" in response.content.decode()  # on its row's 权重
    assert not Dimension.objects.filter(survey=survey, code="safety").exists()
    score_document(survey)  # still scores

    # The dimension and its weight in one save: both stored.
    data["scheme"] = json.dumps({"dimension_weights": {"economy": 0.4, "services": 0.4, "safety": 0.2}})
    assert admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data).status_code == 302
    survey.refresh_from_db()
    assert Dimension.objects.filter(survey=survey, code="safety").exists()
    assert survey.scheme["dimension_weights"]["safety"] == 0.2
    score_document(survey)


def test_a_dimensions_code_changed_with_its_scheme_in_one_save_is_stored(admin_client, survey):
    """The scheme was checked against the items' dimensions by their stored code: the new code
    and the old one were both taken for dimensions, and one of them always lacked a weight."""
    from surveys.models import Dimension

    data = _with_scheme(admin_client, survey)
    row = next(
        k
        for k, v in data.items()
        if k.startswith("dimension_set-") and k.endswith("-code") and v == "economy"
    )
    data[row] = "growth"
    data["scheme"] = json.dumps({"dimension_weights": {"growth": 0.4, "services": 0.6}})
    assert _save(admin_client, survey, data) == []
    assert Dimension.objects.get(survey=survey, order=1).code == "growth"
    assert survey.scheme["dimension_weights"] == {"growth": 0.4, "services": 0.6}


def test_an_option_added_after_the_scheme_was_saved_scores_its_default_points(admin_client, survey):
    from surveys.scoring import score_document

    data = _with_new_row(
        _with_scheme(admin_client, survey),
        "option_set",
        {"order": "5", "code": "very_dissatisfied", "label": "很不满意", "label_en": "", "points": "0"},
    )
    assert admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data).status_code == 302
    survey.refresh_from_db()
    assert survey.scheme["option_points"]["very_dissatisfied"] == 0
    score_document(survey)


def test_a_published_surveys_scheme_cannot_be_changed_in_the_admin(admin_client, survey):
    survey.status = Survey.Status.PUBLISHED
    survey.save()
    data = _change_form(admin_client, survey)
    assert "scheme" not in data
    data["scheme"] = json.dumps({"dimension_weights": {"economy": 0.9, "services": 0.1}})
    admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    survey.refresh_from_db()
    assert survey.scheme is None


def test_publishing_from_the_admin_freezes_the_report_as_the_evaluators_page_does(admin_client, survey):
    from surveys.models import PublishedReport

    responses_import_text(survey=survey, text=csv_text(csv_row()))
    _action(admin_client, survey, "close_survey")
    page = _action(admin_client, survey, "publish_survey").content.decode()
    survey.refresh_from_db()
    assert survey.status == "published"
    report = PublishedReport.objects.get(survey=survey)
    assert report.pdf and report.xlsx and report.score["survey"] == survey.slug
    assert report.data_hash[:16] in page


def test_a_quota_or_link_with_a_village_of_another_years_survey_is_refused(admin_client, daligang):
    from surveys.models import Group

    call_command("copy_survey", "daligang-2020", "daligang-2021", "--year", "2021", verbosity=0)
    new = Survey.objects.get(slug="daligang-2021")
    old_village = Village.objects.get(survey=daligang, code="zhujia")
    new_group = Group.objects.get(survey=new, code="villager")
    page = admin_client.get("/admin/surveys/quota/add/").content.decode()
    assert "朱家村（daligang-2020）" in page and "朱家村（daligang-2021）" in page
    quotas, links = Quota.objects.count(), Invitation.objects.count()

    response = admin_client.post(
        "/admin/surveys/quota/add/",
        {"survey": new.pk, "group": new_group.pk, "village": old_village.pk, "age_band": "", "target": 9},
    )
    assert response.status_code == 200
    assert (
        "朱家村 属于另一项调查（daligang-2020），请选本调查（daligang-2021）的。" in response.content.decode()
    )
    response = admin_client.post(
        "/admin/surveys/invitation/add/",
        {"survey": new.pk, "token": "abc12345", "group": new_group.pk, "village": old_village.pk, "note": ""},
    )
    assert response.status_code == 200
    assert (
        "朱家村 属于另一项调查（daligang-2020），请选本调查（daligang-2021）的。" in response.content.decode()
    )
    assert (Quota.objects.count(), Invitation.objects.count()) == (quotas, links)


def test_a_survey_without_items_cannot_be_opened_and_the_admin_says_what_is_missing(admin_client):
    empty = Survey.objects.create(
        slug="new-2023", title="新镇2023年度满意度调查", organisation="新镇", year=2023
    )
    page = _action(admin_client, empty, "open_survey").content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft"
    assert "的问卷还缺少题目、答案选项、受访群体，不能开始收集" in page


def test_a_survey_staff_member_at_the_admin_login_is_told_it_is_for_administrators(client, survey):
    from surveys.models import SurveyMembership
    from tests.surveys.staff_factories import PASSWORD, make_member

    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    page = client.post("/admin/login/?next=/admin/", {"username": "xiaowang", "password": PASSWORD})
    text = page.content.decode()
    assert "“xiaowang”不是管理员账号" in text and 'href="/staff/"' in text
    assert "请输入一个正确的" not in text
    wrong = client.post(
        "/admin/login/?next=/admin/", {"username": "xiaowang", "password": "wrong-password-1"}
    )
    assert "不是管理员账号" not in wrong.content.decode()


def test_the_quota_page_in_english_names_each_village_with_its_survey_in_plain_brackets(
    admin_client, daligang
):
    page = admin_client.get("/admin/surveys/quota/add/?lang=en").content.decode()
    assert "Zhujia (daligang-2020)" in page


def test_two_dimensions_with_one_code_are_refused_naming_the_field_in_chinese(admin_client, survey):
    data = _change_form(admin_client, survey)
    total = int(data["dimension_set-TOTAL_FORMS"])
    for n in (total, total + 1):
        data |= {f"dimension_set-{n}-survey": survey.pk, f"dimension_set-{n}-order": "9"}
        data |= {f"dimension_set-{n}-code": "safety", f"dimension_set-{n}-name": f"安全{n}"}
    data["dimension_set-TOTAL_FORMS"] = str(total + 2)
    page = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data).content.decode()
    assert "维度的代码有重复：同一项调查中每个代码只能用一次。" in page
    assert "code的重复数据" not in page


def test_a_published_surveys_questionnaire_is_shown_but_cannot_be_changed(admin_client, survey):
    from surveys.models import Group, Option

    survey.status = Survey.Status.PUBLISHED
    survey.save()
    data = _change_form(admin_client, survey)
    assert not {"option_set-0-points", "group_set-0-population", "item_set-0-text"} & set(data)
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()
    assert "基本满意" in page and "政府工作人员" in page
    data |= {"option_set-0-id": Option.objects.get(survey=survey, code="satisfied").pk}
    data |= {"option_set-0-points": "50", "option_set-0-label": "满意", "option_set-0-code": "satisfied"}
    admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data)
    assert Option.objects.get(survey=survey, code="satisfied").points == 100
    assert Group.objects.get(survey=survey, code="staff").population == 30


def test_a_link_that_would_close_before_it_opens_is_refused(admin_client, survey):
    from surveys.models import Group

    group = Group.objects.get(survey=survey, code="staff")
    links = Invitation.objects.count()
    response = admin_client.post(
        "/admin/surveys/invitation/add/",
        {
            "survey": survey.pk,
            "token": "abc12345",
            "group": group.pk,
            "village": "",
            "is_active": "on",
            "opens_at_0": "2024-11-10",
            "opens_at_1": "08:00:00",
            "closes_at_0": "2024-11-01",
            "closes_at_1": "08:00:00",
            "created_at_0": "2024-10-30",
            "created_at_1": "08:00:00",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "截止时间早于开始时间" in response.content.decode()
    assert Invitation.objects.count() == links


@pytest.mark.parametrize(
    ("group_code", "village_code", "refusal"),
    [
        ("villager", None, "“村民群众”按村抽样，请选择村（社区）。"),
        ("staff", "east", "“政府工作人员”不按村抽样，村（社区）应留空。"),
    ],
)
def test_a_link_must_name_a_village_exactly_when_its_group_is_sampled_by_village(
    admin_client, survey, group_code, village_code, refusal
):
    from surveys.models import Group

    group = Group.objects.get(survey=survey, code=group_code)
    village = Village.objects.get(survey=survey, code=village_code).pk if village_code else ""
    links = Invitation.objects.count()
    response = admin_client.post(
        "/admin/surveys/invitation/add/",
        {
            "survey": survey.pk,
            "token": "abc12345",
            "group": group.pk,
            "village": village,
            "is_active": "on",
            "created_at_0": "2024-10-30",
            "created_at_1": "08:00:00",
            "note": "",
        },
    )
    assert refusal in response.content.decode()
    assert Invitation.objects.count() == links


def test_the_survey_page_lists_the_items_dimension_by_dimension(admin_client, survey):
    """An item's 顺序 is its place in its dimension: ordered by it alone, the page listed the first
    item of every dimension, then the second of every dimension, and so on."""
    from surveys.models import Item

    Item.objects.filter(survey=survey, code="income").update(order=2)  # 经济发展's only item, second
    page = admin_client.get(f"/admin/surveys/survey/{survey.pk}/change/")
    [items] = [f for f in page.context["inline_admin_formsets"] if f.opts.model is Item]
    assert [form.instance.code for form in items.formset.forms] == ["income", "roads", "water"]
