"""An evaluator reads the score on a phone, in Chinese by default and in English on asking."""

import time

import pytest

from surveys.models import SurveyMembership, Village
from tests.factories import make_survey
from tests.surveys.report_helpers import answer
from tests.surveys.staff_factories import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _charts_drawn(page) -> list[int]:
    """The natural width of every chart image on the page (0: not loaded)."""
    return page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def _charts_loaded(page) -> list[tuple[str, int, int]]:
    """Each chart as shown once all have loaded: the address the browser chose, its width in
    pixels and the width it is shown at on the page."""
    for image in page.locator("figure img").all():  # lazy images load when scrolled to
        image.scroll_into_view_if_needed()
    deadline = time.monotonic() + 30
    while min(_charts_drawn(page)) == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # (wait_for_function would need eval, which the CSP forbids)
    return page.eval_on_selector_all(
        "figure img", "imgs => imgs.map(i => [i.currentSrc, i.naturalWidth, i.clientWidth])"
    )


# A chart's 9 pt labels are 18.75 px tall in its image (150 dpi); shown at the page's width they
# must stay readable.
LABEL_PX = 9 / 72 * 150


def test_an_evaluator_reads_the_score_in_english_on_a_phone(live_server, browser, shots):
    from playwright.sync_api import expect

    from tests.browser.conftest import PHONE

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    survey.title_en = "Hill Town 2024 satisfaction survey"
    survey.save(update_fields=["title_en"])
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/evaluate/{survey.slug}/")
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        page.get_by_role("link", name="English").click()
        page.get_by_label("Username").fill("lilaoshi")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

        expect(page.get_by_role("heading", name="Hill Town 2024 satisfaction survey")).to_be_visible()
        expect(page.locator("ol.derivation")).to_contain_text("Composite satisfaction = ")
        pdf = page.get_by_role("link", name="PDF report")
        assert pdf.get_attribute("href").endswith("report.pdf?lang=en")
        charts = _charts_loaded(page)
        assert len(charts) == 5
        for address, natural, shown in charts:  # each laid out for a phone, its labels ≥ 11 px
            assert "size=phone" in address and natural == 540, address
            assert LABEL_PX * shown / natural >= 11, (address, shown)
        # Nothing wider than the phone: the tables scroll inside their boxes, not the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        with page.expect_download() as download:
            pdf.click()
        assert download.value.suggested_filename == "Hill Town 2024 satisfaction survey-report.pdf"
        page.screenshot(path=str(shots / "evaluator-en-phone.png"), full_page=True)
    finally:
        context.close()


def test_a_wide_screen_gets_the_wide_charts(live_server, browser):
    """Above the phone breakpoint the page shows the charts drawn 7 inches wide (1,050 px)."""
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang="zh")
        charts = _charts_loaded(page)
        assert len(charts) == 5
        for address, natural, shown in charts:
            assert "size=phone" not in address and natural == 1050, address
            assert LABEL_PX * shown / natural >= 11, (address, shown)
    finally:
        context.close()


# How many lines the first occurrence of `text` inside `selector` takes on the page.
LINES_OF = """([selector, text]) => {
  const box = [...document.querySelectorAll(selector)].find(e => e.textContent.includes(text));
  if (!box) return 0;
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const at = offset => {
    for (const node of nodes) {
      if (offset <= node.length) return [node, offset];
      offset -= node.length;
    }
  };
  const start = nodes.map(n => n.textContent).join('').indexOf(text);
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(start + text.length));
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_composites_sample_size_stays_on_one_line_at_any_phones_width(live_server, browser, lang):
    """“n = 404” wrapped as “n” / “= 404” at 390 px in English."""
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    with phone_page(browser, 390) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        broken = []
        for width in range(320, 431, 2):
            page.set_viewport_size({"width": width, "height": 800})
            lines = page.evaluate(LINES_OF, [".headline p", "n = 12"])
            if lines != 1:
                broken.append((width, lines))
        assert broken == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_count_of_the_sample_card_stays_on_one_line_at_any_phones_width(live_server, browser, lang):
    """“excluded” / “0” and “invitation links” / “1” were split over two lines at 320 px."""
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    counts = (
        ["Received 12", "valid 12", "excluded 0", "Planned sample size 3", "invitation links 1"]
        if lang == "en"
        else ["回收 12", "有效 12", "剔除 0", "计划样本量 3", "邀请链接 1"]
    )
    with phone_page(browser, 390) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        broken = []
        for width in range(320, 431, 2):
            page.set_viewport_size({"width": width, "height": 800})
            for text in counts:
                lines = page.evaluate(LINES_OF, [".cards .card p", text])
                if lines != 1:
                    broken.append((width, text, lines))
        assert broken == []


@pytest.mark.parametrize("width", [360, 1280])
def test_each_charts_place_is_kept_before_its_image_arrives(live_server, browser, width):
    """The charts load when scrolled to: each keeps its place (its size, from the width and height
    the page names) before, so that nothing below it jumps as it arrives."""
    from tests.browser.test_staff_dashboard import log_in, phone_at

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    context = (
        browser.new_context(**phone_at(width))
        if width < 600
        else browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    )
    page = context.new_page()
    boxes = "imgs => imgs.map(i => [Math.round(i.getBoundingClientRect().width), Math.round(i.getBoundingClientRect().height)])"
    try:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", "zh")
        before = page.eval_on_selector_all("figure img", boxes)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert page.eval_on_selector_all("figure img", "imgs => imgs.filter(i => !i.complete).length") >= 1, (
            "some chart is still to come (lazily) when measured"
        )
        charts = _charts_loaded(page)
        after = page.eval_on_selector_all("figure img", boxes)
        assert len(before) == len(charts) == 5
        for (w0, h0), (w1, h1) in zip(before, after, strict=True):
            assert h0 > 100 and abs(w0 - w1) <= 1 and abs(h0 - h1) <= 1, (before, after)
        assert page.evaluate("document.documentElement.scrollHeight") == height
    finally:
        context.close()


# Each item's row in the table of items: its name's and its distribution's boxes, the table's.
ITEM_ROWS = """() => {
  const table = document.querySelector('table.items'), box = table.closest('.scroll');
  const rect = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {
    table: rect(table), box: rect(box), overflow: box.scrollWidth - box.clientWidth,
    rows: [...table.querySelectorAll('tbody tr')].map(tr => ({
      name: rect(tr.querySelector('th')), shares: rect(tr.querySelector('td.shares')),
      text: tr.querySelector('td.shares').innerText,
    })),
  };
}"""


@pytest.mark.parametrize(("width", "lang"), [(360, "zh"), (390, "en"), (320, "en"), (1100, "zh")])
def test_each_items_answer_distribution_is_in_view_under_it_on_a_phone(live_server, browser, width, lang):
    """At 360 px the distribution, a fifth column, was off the screen and, wrapped there, made each
    row about 200 px tall and mostly blank: on a phone it goes under the item, the table's width;
    a wider screen keeps it as a column."""
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        items = page.evaluate(ITEM_ROWS)
        assert items["overflow"] <= 0, "the table fits its box: nothing to scroll to"
        assert len(items["rows"]) == 3
        for row in items["rows"]:
            assert row["text"].count("%") == 4, row["text"]  # every option's count and share
            if width < 640:
                assert row["shares"]["top"] >= row["name"]["bottom"] - 1, "under the item"
                assert row["shares"]["left"] - items["table"]["left"] <= 1
                assert items["table"]["right"] - row["shares"]["right"] <= 1, "the table's whole width"
            else:
                assert (
                    row["shares"]["top"] == row["name"]["top"]
                    and row["shares"]["left"] > row["name"]["right"]
                )


def test_a_long_unbroken_title_or_name_wraps_on_a_phone_instead_of_widening_the_page(live_server, browser):
    """A survey title holding a long run without spaces (an address, '=HYPERLINK("http://…")') made
    the evaluator's page 501 px wide on a 360 px phone: it scrolled sideways."""
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    survey.title = '=HYPERLINK("http://evil.example/report/2024/hill-town",' + "山村镇满意度调查" * 3
    survey.save(update_fields=["title"])
    Village.objects.filter(survey=survey, code="east").update(
        name="http://east.example/village/very-long-name"
    )
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", "zh")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_scheme_that_does_not_fit_is_listed_on_a_phone_with_the_way_to_the_admin(
    live_server, browser, shots, lang
):
    """A scheme left behind by a dimension and an item renamed in the shell: the page lists what
    does not fit, in the page's language, and links an administrator to where it is fixed."""
    from playwright.sync_api import expect

    from surveys.models import Dimension, Item, Survey
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in
    from tests.surveys.staff_factories import make_user
    from tests.surveys.test_broken_scheme import EN_PROBLEMS, FITTING, ZH_PROBLEMS

    survey = make_survey()
    answer(survey, 6, village="east")
    Survey.objects.filter(pk=survey.pk).update(scheme=FITTING)
    Dimension.objects.filter(survey=survey, code="services").update(code="public")
    Item.objects.filter(survey=survey, code="water").update(code="drinking_water")
    make_user("chief", superuser=True)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "chief", f"/evaluate/{survey.slug}/", lang)
        problems = page.locator("ul.problems li")
        expect(problems).to_have_text(EN_PROBLEMS if lang == "en" else ZH_PROBLEMS)
        link = page.get_by_role(
            "link", name="Open this survey in the admin" if lang == "en" else "在管理后台打开这项调查"
        )
        assert link.get_attribute("href") == f"/admin/surveys/survey/{survey.pk}/change/"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(shots / f"evaluator-scheme-invalid-{lang}-phone.png"), full_page=True)
        link.click()
        expect(page.locator(".messagelist .warning")).to_contain_text(
            "unknown item code 'water'" if lang == "en" else "未知的题目代码“water”"
        )
        page.screenshot(path=str(shots / f"admin-scheme-invalid-{lang}-phone.png"), full_page=True)


@pytest.mark.parametrize(("width", "lang"), [(390, "zh"), (390, "en"), (320, "zh"), (320, "en")])
def test_on_a_phone_the_publisher_reads_why_there_is_no_button_then_the_published_counts(
    live_server, browser, shots, width, lang
):
    """While collecting, the sample card says publishing waits for an administrator to close
    collection (in the admin); once published, it keeps the published counts whatever happens."""
    from playwright.sync_api import expect

    from surveys.models import Response, Survey
    from surveys.services.review import response_exclude
    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    staff = make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        card = page.locator(
            ".card", has=page.get_by_role("heading", name="Sample" if lang == "en" else "样本")
        )
        line = card.locator("#publish-after-close")
        expect(line).to_be_visible()
        expect(line).to_contain_text("Close collection" if lang == "en" else "截止收集")
        expect(card.get_by_role("button")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        line.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"evaluator-collecting-{lang}-{width}.png"))

        Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
        page.reload()
        with page.expect_navigation():
            card.get_by_role("button").click()
        expect(line).to_have_count(0)
        response_exclude(
            response=Response.objects.filter(survey=survey).first(), user=staff, reason="重复作答"
        )
        answer(survey, 2, village="west")
        page.reload()
        expect(card).to_contain_text(
            "Received 12 · valid 12 · excluded 0" if lang == "en" else "回收 12 · 有效 12 · 剔除 0"
        )
        expect(page.locator(".card.published")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"evaluator-published-{lang}-{width}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_evaluator_compares_with_last_year_and_downloads_the_comparison_as_a_pdf(
    live_server, browser, shots, lang
):
    """The comparison card on a phone: choose the base survey, read the table, tap the PDF (a
    target a finger can hit) and get the comparison report, in the page's language."""
    import subprocess

    from playwright.sync_api import expect

    from tests.browser.test_phone_accessibility import phone_page
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    last_year = make_survey("hill-2023")
    answer(last_year, 6, village="east")
    user = make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    SurveyMembership.objects.create(survey=last_year, user=user, role=SurveyMembership.Role.EVALUATOR)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        page.locator("#compare-with").select_option("hill-2023")
        page.locator("#compare form button").click()
        page.wait_for_url("**compare=hill-2023**")
        link = page.locator("#compare-pdf")
        expect(link).to_have_text(
            "Download the comparison report (PDF)" if lang == "en" else "下载比较报告（PDF）"
        )
        link.scroll_into_view_if_needed()
        assert link.bounding_box()["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#compare").screenshot(path=str(shots / f"evaluator-compare-{lang}-360.png"))
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "hill-2024-vs-hill-2023.pdf"
        path = shots / f"compare-{lang}.pdf"
        download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if lang == "en":
        assert "Composite satisfaction:" in text and "compared with" in text
    else:
        assert "综合满意度：基期" in text and "比较" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_evaluator_copies_the_reports_paragraph_with_one_tap(
    live_server, browser, shots, lang
):
    """The paragraph for the 绩效评价报告 is long; selecting it by hand on a phone is fiddly. One
    button copies it whole, as the page shows it, and says so on itself and to a screen reader."""
    from playwright.sync_api import expect

    from tests.browser.conftest import PHONE
    from tests.browser.test_staff_dashboard import log_in

    survey = make_survey()
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    make_member(survey, "lilaoshi", SurveyMembership.Role.EVALUATOR)
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "lilaoshi", f"/evaluate/{survey.slug}/", lang)
        paragraph = page.locator("#report-paragraph")
        name = "Copy the paragraph" if lang == "en" else "复制这段话"
        expect(page.get_by_role("button", name=name)).to_be_visible()
        button = page.locator("#paragraph button.copy-button")  # its text (and name) changes
        button.scroll_into_view_if_needed()
        button.click()
        copied = "Copied" if lang == "en" else "已复制"
        expect(button).to_have_text(copied)
        expect(page.locator("#paragraph-copied")).to_have_text(copied)  # heard, not only seen
        text = page.evaluate("() => navigator.clipboard.readText()")
        assert text == " ".join(paragraph.inner_text().split())
        assert ("composite satisfaction" if lang == "en" else "综合满意度为") in text
        box = button.bounding_box()
        assert box["height"] >= 44  # a finger's target
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        page.screenshot(path=str(shots / f"evaluator-paragraph-copied-{lang}-phone.png"))
        expect(button).to_have_text(name, timeout=5000)
    finally:
        context.close()
