"""The lists of surveys on a phone, at 320 and 360 px without sideways scrolling: /evaluate/ (each
survey's composite, its interval and sample, the change since the year before, the comparison a
tap away) and /staff/ (each survey's collection, the flagged responses to check a tap away)."""

import pytest

from stats.compare import compare_documents
from stats.text import rounded, signed
from surveys.evaluate.selectors import evaluator_document
from surveys.models import Quota, Response, Survey, SurveyMembership
from tests.browser.test_phone_accessibility import SMALL_TARGETS, phone_page
from tests.browser.test_staff_dashboard import log_in
from tests.factories import make_survey
from tests.surveys.report_helpers import answer
from tests.surveys.staff_factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_SCREEN = """() => Array.from(document.querySelectorAll('main *'))
    .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.trim().slice(0, 20))"""


def _two_years():
    before = make_survey("hill-2023")
    Survey.objects.filter(pk=before.pk).update(year=2023)
    answer(answer(before, 5, village="east"), 5, village="west")
    this = answer(answer(make_survey("hill-2024"), 6, village="east"), 6, village="west")
    # Demo data, as on a fresh install: the card says so in red, within the screen too.
    Response.objects.filter(survey=this).update(source=Response.Source.SYNTHETIC)
    evaluator = make_member(this, "pingjia", SurveyMembership.Role.EVALUATOR)
    SurveyMembership.objects.create(survey=before, user=evaluator, role=SurveyMembership.Role.EVALUATOR)
    return Survey.objects.get(pk=before.pk), this


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_each_survey_reads_with_its_change_and_the_comparison_is_a_tap_away(
    live_server, browser, width, lang
):
    before, this = _two_years()
    change = compare_documents(evaluator_document(before), evaluator_document(this)).composite
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "pingjia", "/evaluate/", lang)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        assert page.evaluate(SMALL_TARGETS) == []
        card = page.locator('li[data-survey="hill-2024"]')
        score = card.locator(".figures .score")
        assert score.is_visible() and score.text_content() == rounded(
            evaluator_document(this)["composite"]["score"]
        )
        assert card.locator("b.diff").text_content() == signed(change.difference)
        link = card.locator("a.compare-link")
        assert link.bounding_box()["height"] >= 44
        assert page.locator('li[data-survey="hill-2023"] a.compare-link').count() == 0
        for download in page.locator("#overview-downloads ul.downloads a").all():
            assert download.bounding_box()["height"] >= 44
        link.click()
        page.wait_for_url("**/evaluate/hill-2024/?compare=hill-2023#compare")
        assert page.locator("#compare tr.composite b.diff").text_content() == signed(change.difference)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_staff_see_each_surveys_collection_and_reach_what_is_left_to_check(
    live_server, browser, width, lang
):
    from tests.surveys.staff_factories import make_response

    _before, this = _two_years()
    make_member(this, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(this, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "xiaowang", "/staff/", lang)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        card = page.locator('li[data-survey="hill-2024"]')
        assert card.locator(".listed-progress b").first.text_content() == "13"  # 12 imported, 1 flagged
        link = card.locator("a.to-check")
        assert link.bounding_box()["height"] >= 44
        link.click()
        page.wait_for_url("**/staff/hill-2024/?review=to-check#review")
        assert page.locator("#review").is_visible()


@pytest.mark.parametrize("width", [320])  # the narrowest: the choices' two selects side by side
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("address", ["/staff/", "/evaluate/"])
def test_on_a_phone_a_long_list_is_narrowed_and_paged_by_thumb(live_server, browser, width, lang, address):
    """A county's 26 surveys: the year chosen, the words typed and the page turned on the phone,
    the choices and the page links within the screen and big enough for a finger."""
    before, this = _two_years()
    user = SurveyMembership.objects.get(survey=this, role=SurveyMembership.Role.EVALUATOR).user
    for n in range(24):
        extra = Survey.objects.create(
            slug=f"town{n:02d}", title=f"第{n}镇调查", organisation=f"第{n}镇", year=2022
        )
        SurveyMembership.objects.create(survey=extra, user=user, role=SurveyMembership.Role.EVALUATOR)
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "pingjia", address, lang)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        assert page.evaluate(SMALL_TARGETS) == []
        assert page.locator("ul.surveys > li.card").count() == 20
        page.locator('nav.pages a[rel="next"]').click()
        page.wait_for_url("**?page=2")
        assert page.locator("ul.surveys > li.card").count() == 6
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        page.select_option("#survey-year", "2024")
        page.locator("#survey-choices button").click()
        page.wait_for_url("**year=2024**")
        cards = page.locator("ul.surveys > li.card")
        assert [cards.nth(i).get_attribute("data-survey") for i in range(cards.count())] == ["hill-2024"]
        assert page.locator("nav.pages").count() == 0
        page.fill("#survey-q", "第1")
        page.select_option("#survey-year", "")
        page.locator("#survey-choices button").click()
        page.wait_for_url("**q=**")
        assert {cards.nth(i).get_attribute("data-survey") for i in range(cards.count())} == {
            f"town{n:02d}" for n in (1, *range(10, 20))
        }
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        assert page.evaluate(SMALL_TARGETS) == []
        page.locator("#survey-choices-kept a").click()
        page.wait_for_url(f"**{address}?")
        assert cards.count() == 20
        if address == "/evaluate/":  # the evaluator ranks by the composite: the lowest first
            scores = {s.slug: evaluator_document(s)["composite"]["score"] for s in (before, this)}
            page.select_option("#survey-order", "score-asc")
            page.locator("#survey-choices button").click()
            page.wait_for_url("**order=score-asc**")
            assert cards.first.get_attribute("data-survey") == min(scores, key=scores.get)
            assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
            assert page.evaluate(SMALL_TARGETS) == []
        else:  # staff put the collection that lags first: 2023's, its quota raised, before 2024's
            Quota.objects.filter(survey=before).update(target=50)
            page.select_option("#survey-order", "progress-asc")
            page.locator("#survey-choices button").click()
            page.wait_for_url("**order=progress-asc**")
            assert [cards.nth(i).get_attribute("data-survey") for i in range(2)] == ["hill-2023", "hill-2024"]
            assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
            assert page.evaluate(SMALL_TARGETS) == []
