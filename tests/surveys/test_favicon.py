"""/favicon.ico: the site's icon also for what is not one of its pages (a poster's PNG, a PDF, the API)."""

from django.contrib.staticfiles import finders


def test_favicon_ico_leads_to_the_icon_the_pages_name(client):
    reply = client.get("/favicon.ico")
    assert reply.status_code == 302
    assert reply["Location"] == "/static/surveys/favicon-32.png"
    assert finders.find("surveys/favicon-32.png")
    assert "max-age=86400" in reply["Cache-Control"]
    assert 'href="/static/surveys/favicon-32.png"' in client.get("/").content.decode()


def test_favicon_ico_needs_no_login_and_takes_no_post(client):
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405
