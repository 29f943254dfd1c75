"""The API's documentation (Redoc, /api/v1/docs/) on a phone: everything from our own server, and
not one error in the browser's console."""

import pytest

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("lang", "html_lang"), [("zh", "zh-Hans"), ("en", "en")])
def test_the_api_documentation_opens_without_an_error_or_a_request_to_another_site(
    live_server, browser, lang, html_lang
):
    """Redoc's menu used to ask cdn.redoc.ly for Redocly's logo, which the Content-Security-Policy
    refuses: an error on every visit (and a CDN many readers cannot reach)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors, elsewhere = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http:", "https:"))
            and not request.url.startswith(live_server.url)
            and elsewhere.append(request.url)
        ),
    )
    try:
        page.goto(f"{live_server.url}/api/v1/docs/?lang={lang}")
        page.get_by_role("heading", name="满意度 API").wait_for()
        page.get_by_text("API docs by Redocly").wait_for(state="attached")  # the menu's end, drawn
        page.wait_for_load_state("networkidle")
        assert errors == []
        assert elsewhere == []
        assert page.evaluate("document.documentElement.lang") == html_lang
        assert page.evaluate("[...document.images].filter(i => !i.hidden).map(i => i.src)") == []
    finally:
        context.close()
