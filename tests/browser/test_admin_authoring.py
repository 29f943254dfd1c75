"""A new administrator builds and edits a questionnaire in the admin, in a real browser."""

import pytest

from surveys.models import AgeBand
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(desk, live_server):
    make_user("chief", superuser=True)
    page = desk.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def test_a_draft_survey_with_the_age_band_45_plus_saves_and_takes_a_60_plus(live_server, page):
    from playwright.sync_api import expect

    survey = make_survey(status="draft")  # its age bands are 18-44 and 45+, as in the fixture's 60+
    page.goto(f"{live_server.url}/admin/surveys/survey/{survey.pk}/change/")
    page.get_by_text("添加另一个 年龄段").click()
    page.locator("#id_ageband_set-2-code").fill("60+")
    page.locator("#id_ageband_set-2-label").fill("60岁及以上")
    page.get_by_role("button", name="保存并继续编辑").click()

    expect(page.locator(".messagelist .success")).to_contain_text("成功修改")
    assert set(AgeBand.objects.filter(survey=survey).values_list("code", flat=True)) == {
        "18-44",
        "45+",
        "60+",
    }
