"""Staff and evaluators on a phone, and with a screen reader: text they can read, targets a
finger can hit, tables whose rows keep their names."""

from contextlib import contextmanager

import pytest

from surveys.models import SurveyMembership
from tests.browser.conftest import close_context
from tests.browser.test_staff_dashboard import _a_paper_survey, log_in, phone_at, staff_pages
from tests.surveys.report_helpers import answer
from tests.surveys.staff_factories import make_member, make_response


@contextmanager
def phone_page(browser, width: int):
    """A page on a phone that wide; the charts' images are not fetched (these tests do not read
    them, and none is left drawing after the test)."""
    context = browser.new_context(**phone_at(width))
    context.route("**/charts/**", lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        # Not context.close() alone: a chart request still waiting for its route when the context
        # closed was let through, reached the live server as its database was being emptied
        # (`database table is locked: auth_user`), and the next test found this one's rows.
        close_context(context)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every visible piece of text whose contrast with what is behind it (the first opaque background
# colour up the tree, with the opacity of the element and its parents applied) is below WCAG AA:
# 4.5:1, or 3:1 from 24 px (18.66 px bold).
LOW_CONTRAST = """() => {
  const parse = c => { const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(Number);
                       return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const mix = (top, a, under) => ({r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
                                    b: top.b * a + under.b * (1 - a)});
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                     return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((under, c) => mix(c, c.a, under), {r: 255, g: 255, b: 255});
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    const back = behind(el), colour = parse(style.color);
    const fore = mix(colour, colour.a * opacity, back);
    const [hi, lo] = [lum(fore), lum(back)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    if (ratio < (size >= 24 || (bold && size >= 18.66) ? 3 : 4.5)) {
      found.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
    }
  }
  return [...new Set(found)];
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_on_the_staff_and_evaluator_pages_is_readable_against_its_background(
    live_server, browser, lang
):
    survey = _a_paper_survey()
    make_member(survey, "pingjia", SurveyMembership.Role.EVALUATOR)
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    make_response(survey, excluded=True, flags=[{"code": "straight_lining", "reason": "全部选择“满意”。"}])
    answer(survey, 6, village="east")
    with phone_page(browser, 390) as page:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", lang)
        for url in staff_pages(survey):
            page.goto(live_server.url + url)
            assert page.evaluate(LOW_CONTRAST) == [], url
        page.context.clear_cookies()
        log_in(page, live_server.url, "pingjia", f"/evaluate/{survey.slug}/", lang)
        assert page.evaluate(LOW_CONTRAST) == [], "evaluate"
        page.goto(f"{live_server.url}/evaluate/")
        assert page.evaluate(LOW_CONTRAST) == [], "evaluate list"


# What a finger taps on these pages apart from links inside running sentences (which WCAG exempts);
# the links to the API token and the API's documentation are what their paragraphs are for.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'summary, select, a.button, ul.downloads a, figcaption a, .crumbs a, .cards .card p > a, p.taps > a,' +
    'main a[href="/evaluate/token/"], main a[href^="/api/v1/docs/"], main a[href="/api/v1/schema/"]'))
    .filter(e => e.checkVisibility())
    .map(e => [e.textContent.trim().slice(0, 20), Math.round(e.getBoundingClientRect().height)])
    .filter(([, height]) => height < 44)"""


@pytest.mark.parametrize("width", [320, 390])
def test_summaries_menus_downloads_and_chart_links_are_big_enough_for_a_finger(live_server, browser, width):
    survey = _a_paper_survey()
    make_member(survey, "pingjia", SurveyMembership.Role.EVALUATOR)
    answer(survey, 6, village="east")
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", "zh")
        for url in ("/staff/", f"/staff/{survey.slug}/", f"/staff/{survey.slug}/paper/", "/evaluate/token/"):
            page.goto(live_server.url + url)
            assert page.evaluate(SMALL_TARGETS) == [], url
        page.context.clear_cookies()
        log_in(page, live_server.url, "pingjia", f"/evaluate/{survey.slug}/", "zh")
        assert page.locator("ul.downloads a").count() == 4
        assert page.evaluate(SMALL_TARGETS) == [], "evaluate"
        for url, links in (("/evaluate/", 2), ("/evaluate/token/", 4)):  # the token, the docs (3), a survey
            for lang in ("zh", "en"):
                page.goto(f"{live_server.url}{url}?lang={lang}")
                assert page.locator("p.taps > a").count() == links, url
                assert page.evaluate(SMALL_TARGETS) == [], (url, lang)


# Table headers whose text is squeezed to fewer than four characters a line (or its whole text,
# when shorter): at 390 px the evaluator's dimension names went down a column, one a line.
SQUEEZED_HEADERS = """() => Array.from(document.querySelectorAll('main table th'))
    .filter(th => th.checkVisibility() && th.textContent.trim())
    .map(th => {
        const style = getComputedStyle(th);
        const inside = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const ruler = document.createElement('canvas').getContext('2d');
        ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const oneLine = ruler.measureText(th.textContent.trim()).width;
        const needed = Math.min(oneLine, 4 * parseFloat(style.fontSize));
        return [th.textContent.trim().slice(0, 20), Math.round(inside), Math.round(needed)];
    })
    .filter(([, inside, needed]) => inside + 1 < needed)"""


@pytest.mark.parametrize("width", [320, 390])
def test_table_headers_are_not_squeezed_to_a_character_a_line_on_a_phone(live_server, browser, width):
    from surveys.models import Dimension

    survey = _a_paper_survey()
    Dimension.objects.filter(survey=survey, code="economy").update(name="经济发展满意度")
    make_member(survey, "pingjia", SurveyMembership.Role.EVALUATOR)
    answer(survey, 6, village="east")
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/", "zh")
        assert page.evaluate(SQUEEZED_HEADERS) == [], "paper"
        page.goto(f"{live_server.url}/staff/{survey.slug}/")
        assert page.evaluate(SQUEEZED_HEADERS) == [], "dashboard"
        page.context.clear_cookies()
        log_in(page, live_server.url, "pingjia", f"/evaluate/{survey.slug}/", "zh")
        assert page.evaluate(SQUEEZED_HEADERS) == [], "evaluate"


# The answers a supervisor chooses between, each wrapped onto more than one line.
BROKEN_CHOICES = """() => Array.from(document.querySelectorAll('fieldset.choose label'))
    .map(label => {
        const tops = new Set();
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            if (!walker.currentNode.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(walker.currentNode);
            for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        }
        return [label.textContent.trim(), tops.size];
    })
    .filter(([, lines]) => lines > 1)"""


@pytest.mark.parametrize("width", [320, 390])
def test_the_answers_to_choose_between_on_a_discrepancy_keep_to_one_line_on_a_phone(
    live_server, browser, width
):
    survey = _a_paper_survey()
    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    try:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/paper/discrepancies/", "zh")
        assert page.locator("fieldset.choose label").count() == 5  # one item differs: 4 answers and blank
        assert page.evaluate(BROKEN_CHOICES) == []
    finally:
        close_context(context)


# Every visible field whose example (placeholder) is wider than the field: the reader sees it cut.
CUT_PLACEHOLDERS = """() => Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]'))
    .filter(field => field.checkVisibility() && field.placeholder)
    .map(field => {
        const style = getComputedStyle(field);
        const inside = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const ruler = document.createElement('canvas').getContext('2d');
        // From the longhands: the shorthand is "" when it cannot say them all (tabular-nums).
        ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        ruler.letterSpacing = style.letterSpacing;
        return [field.id || field.name, field.placeholder, Math.round(inside),
                Math.round(ruler.measureText(field.placeholder).width)];
    })
    .filter(([, , inside, needed]) => inside + 1 < needed)"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_fields_example_is_not_cut_off_on_a_small_phone(live_server, browser, lang):
    """At 320 px the sheet number's example "如 0012-7，或扫描二维码" showed "如 0012-7，或扫描"."""
    survey = _a_paper_survey()
    with phone_page(browser, 320) as page:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", lang)
        checked = 0
        for url in staff_pages(survey):
            page.goto(f"{live_server.url}{url}?lang={lang}")
            checked += page.locator("input[placeholder]:visible").count()
            assert page.evaluate(CUT_PLACEHOLDERS) == [], url
        assert checked >= 1, "the paper entry's sheet number has an example"


# Village names wider than their cell on the dashboard: the quota tables' row names and the
# invitations' places.
NAMES_OVER_THEIR_CELL = """() => Array.from(document.querySelectorAll(
    'table.quota th[scope=row], table.invitations td.place'))
    .filter(cell => cell.checkVisibility() && cell.scrollWidth > cell.clientWidth + 1)
    .map(cell => [cell.textContent.trim().slice(-12), cell.clientWidth, cell.scrollWidth])"""


@pytest.mark.parametrize("width", [320, 390])
def test_a_village_name_with_a_long_run_without_spaces_stays_in_its_cell(live_server, browser, width):
    """A name ending in 30 Latin letters without a space ran over the quota table's cells beside it."""
    from surveys.models import Invitation, Quota, Village

    survey = _a_paper_survey()
    villager = survey.group_set.get(code="villager")
    long = Village.objects.create(survey=survey, code="long", name="长" * 30 + "x" * 30, order=3)
    for band in survey.ageband_set.all():  # every age band a column, as on a real survey
        Quota.objects.create(survey=survey, group=villager, village=long, age_band=band, target=2)
    Invitation.objects.create(survey=survey, token="hill-long", group=villager, village=long)
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", "zh")
        page.locator("#invitations summary").click()
        assert page.locator("table.quota th[scope=row]").filter(has_text="xxx").count() == 1
        assert page.evaluate(NAMES_OVER_THEIR_CELL) == []
