"""Every page's form sent back with hostile values, as the administrator (who may open every
page), a staff member, an evaluator and a respondent: a form says what is wrong with a value,
it never answers 500. The values go to the page itself and to every address of the site a form
of the page sends to (a flagged response's review, say).

Each page of the site is read; the fields of its forms are found in the HTML, and the form is
posted (and the page asked with them as query parameters) with every field holding the same
hostile value: a word where a number is due, a number past any integer column (PostgreSQL's
range, not SQLite's), a float's overflow, a NUL character, a negative number, a long text. Found
this way: the account box of a survey's membership (admin), a 500 for any value not an id
(surveys/admin_autocomplete.py); on SQLite, an id past 64 bits in a list's checked rows, an
account box or a form's groups (surveys/lookups.py).

A page that narrows what it lists with a GET form (the lists of surveys, the comments) offers its
Excel and CSV downloads with the same choices: each of them is asked with the form's fields
holding the hostile values too. Found this way: words with a control character, written into the
workbook's heading, a 500 (openpyxl refuses control characters) on /evaluate/surveys.xlsx and
comments.xlsx.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from surveys.models import Response, Survey
from surveys.selectors_surveys import NARROW_FROM
from tests.security.urlmap import site_routes
from tests.surveys.staff_factories import make_response

HOSTILE = ["abc", "1e400", "99999999999999999999999", "-1", "\x00x", "x\x01\x0by", "中" * 3000]
SKIPPED = ("delete", "logout", "password_change")  # a delete's confirmation deletes; the rest sign out


class _Fields(HTMLParser):
    """The names of a page's fields, all together and by the address each form sends to."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.actions: dict[str, set[str]] = {}
        self.narrowing: set[str] = set()  # the fields of the forms that GET (a list's choices)
        self.downloads: set[str] = set()  # the links to an Excel or CSV file
        self._action: str | None = None
        self._get = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = attrs.get("action") or None
            self._get = (attrs.get("method") or "get").lower() == "get"
            if self._action is not None:
                self.actions.setdefault(self._action, set())
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs.get("type") not in ("submit", "button", "file"):
                self.names.add(attrs["name"])  # hidden ones too: a list's row ids, a formset's counts
                if self._action is not None:
                    self.actions[self._action].add(attrs["name"])
                if self._get:
                    self.narrowing.add(attrs["name"])
        if tag == "a" and urlsplit(attrs.get("href") or "").path.endswith((".xlsx", ".csv")):
            self.downloads.add(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None
            self._get = False


def _targets(url: str, page: str) -> dict[str, list[str]]:
    """Where to send hostile values from this page: the page itself with every field of it, and
    each other address of this site a form of it sends to (a response's review, a sheet's
    resolution…) with that form's fields, and — on a page that narrows with a GET form — each of
    its Excel and CSV downloads with that form's fields."""
    parser = _Fields()
    parser.feed(page)
    targets = {url: parser.names}
    for action, names in parser.actions.items():
        address = urlsplit(urljoin(url, action))
        if address.netloc or any(word in address.path for word in SKIPPED):
            continue
        target = address.path + (f"?{address.query}" if address.query else "")
        targets[target] = targets.get(target, set()) | names
    for href in parser.downloads if parser.narrowing else ():
        address = urlsplit(urljoin(url, href))
        if not address.netloc or address.netloc == "testserver":
            targets[address.path] = targets.get(address.path, set()) | parser.narrowing
    return {
        target: sorted(names - {"csrfmiddlewaretoken"})
        for target, names in targets.items()
        if names - {"csrfmiddlewaretoken"}
    }


# Who signs in, and how many addresses with a form each finds at the least (2026-12: 44, 18,
# 5, 3; the six flagged responses' review forms among them): a staff member's and an evaluator's pages take other paths than the administrator's
# (their surveys are those they are members of), and a respondent sends the questionnaire
# unsigned.
SIGNED_IN = {"administrator": 40, "staff": 15, "evaluator": 4, "respondent": 2}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_no_form_of_the_site_answers_hostile_values_with_a_500(world, persona):
    # Flagged responses with comments, so that the pages show the forms that narrow and review
    # them (the list to review, the flags' kinds and places, the comments' filter).
    for n in range(6):
        flagged = make_response(world.survey, flags=[{"code": "straight_lining", "reason": "一律同答"}])
        Response.objects.filter(pk=flagged.pk).update(comment=f"路灯不亮 {n}")
    # Enough other surveys (not yet written) for the administrator's lists of surveys to offer
    # their choices, which their downloads follow.
    Survey.objects.bulk_create(
        Survey(slug=f"town-{n}", title=f"第{n}镇调查", organisation=f"第{n}镇", year=2023)
        for n in range(NARROW_FROM)
    )
    client = world.client(persona)
    client.raise_request_exception = False
    values = world.admin_url_kwargs() if persona == "administrator" else world.url_kwargs(persona)
    crashed, sent = [], set()
    for route in site_routes():
        if any(word in route.name for word in SKIPPED):
            continue
        try:
            url = route.url(values)
        except KeyError:  # an admin page's parameter: not a page for this persona
            continue
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for target, names in _targets(url, page.content.decode()).items():
            if target in sent:
                continue
            sent.add(target)
            for value in HOSTILE:
                for method in (client.post, client.get):
                    answer = method(target, {name: value for name in names})
                    if answer.status_code >= 500:
                        crashed.append(
                            f"{method.__name__.upper()} {target} {value[:12]!r}: {answer.status_code}"
                        )
    assert not crashed
    assert len(sent) >= SIGNED_IN[persona], f"the forms {persona} may send were found: {sorted(sent)}"


@pytest.mark.django_db
def test_an_id_past_any_integer_column_matches_nothing(world):
    """As Django's own `exact` does; SQLite's driver cannot bind it (OverflowError)."""
    past = 2**70
    assert not Survey.objects.filter(pk__in=[past]).exists()
    assert list(Survey.objects.filter(pk__in=[past, world.survey.pk])) == [world.survey]
    assert Survey.objects.exclude(pk__in=[past, -past]).count() == Survey.objects.count()


# Times a form's hidden field may be sent with instead of the page's: no zone, a month 13, a
# year that leaves the calendar once in UTC.
HOSTILE_TIMES = ["2024-11-02T09:00:00", "2024-13-45T10:00:00+00:00", "0001-01-01T00:00:00+14:00"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "administrator"])
def test_a_narrowed_list_s_forms_answer_hostile_values_without_a_500(world, persona):
    """The list still to check of one kind of flag from one village: its review forms carry the
    narrowing, and it offers 一次处理全部 (the crawl above reads the lists unnarrowed). Each field
    of each form with each hostile value, one field at a time, the others as the page wrote them
    (a NUL in a village's code reached the database: a 500 on PostgreSQL, found this way)."""
    for _ in range(3):
        make_response(world.survey, flags=[{"code": "straight_lining", "reason": "一律同答"}])
    client = world.client(persona)
    client.raise_request_exception = False
    url = f"/staff/{world.survey.slug}/?review=to-check&flag=straight_lining&village=east"
    page = client.get(url).content.decode()
    targets = _targets(url, page)
    batch = f"/staff/{world.survey.slug}/responses/batch/"
    assert batch in targets and "through" in targets[batch], sorted(targets)
    written = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    crashed = []
    for target, names in targets.items():
        if target == url:
            continue  # the page itself: the crawl above asks it
        for name in names:
            for value in (*HOSTILE, *(HOSTILE_TIMES if name == "through" else ())):
                fields = {n: written.get(n, "一律同答") for n in names} | {name: value}
                answer = client.post(target, fields)
                if answer.status_code >= 500:
                    crashed.append(f"POST {target} {name}={value[:12]!r}: {answer.status_code}")
    assert not crashed
