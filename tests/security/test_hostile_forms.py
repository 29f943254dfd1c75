"""Every page's form sent back with hostile values, as the administrator (who may open every
page): a form says what is wrong with a value, it never answers 500.

Each page of the site is read; the fields of its forms are found in the HTML, and the form is
posted (and the page asked with them as query parameters) with every field holding the same
hostile value: a word where a number is due, a number past any integer column (PostgreSQL's
range, not SQLite's), a float's overflow, a NUL character, a negative number, a long text. Found
this way: the account box of a survey's membership (admin), a 500 for any value not an id
(surveys/admin_autocomplete.py); on SQLite, an id past 64 bits in a list's checked rows, an
account box or a form's groups (surveys/lookups.py).
"""

from html.parser import HTMLParser

import pytest

from surveys.models import Survey
from tests.security.urlmap import site_routes

HOSTILE = ["abc", "1e400", "99999999999999999999999", "-1", "\x00x", "中" * 3000]
SKIPPED = ("delete", "logout", "password_change")  # a delete's confirmation deletes; the rest sign out


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs.get("type") not in ("submit", "button", "file"):
                self.names.add(attrs["name"])  # hidden ones too: a list's row ids, a formset's counts


def _fields(page: str) -> list[str]:
    parser = _Fields()
    parser.feed(page)
    return sorted(parser.names - {"csrfmiddlewaretoken"})


@pytest.mark.django_db
def test_no_form_of_the_site_answers_hostile_values_with_a_500(world):
    client = world.client("administrator")
    client.raise_request_exception = False
    values = world.admin_url_kwargs()
    crashed, forms = [], 0
    for route in site_routes():
        if any(word in route.name for word in SKIPPED):
            continue
        url = route.url(values)
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        names = _fields(page.content.decode())
        if not names:
            continue
        forms += 1
        for value in HOSTILE:
            for method in (client.post, client.get):
                answer = method(url, {name: value for name in names})
                if answer.status_code >= 500:
                    crashed.append(f"{method.__name__.upper()} {url} {value[:12]!r}: {answer.status_code}")
    assert not crashed
    assert forms >= 25, "the site's forms were found (30 in 2026-12)"


@pytest.mark.django_db
def test_an_id_past_any_integer_column_matches_nothing(world):
    """As Django's own `exact` does; SQLite's driver cannot bind it (OverflowError)."""
    past = 2**70
    assert not Survey.objects.filter(pk__in=[past]).exists()
    assert list(Survey.objects.filter(pk__in=[past, world.survey.pk])) == [world.survey]
    assert Survey.objects.exclude(pk__in=[past, -past]).count() == Survey.objects.count()
