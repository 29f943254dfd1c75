"""The admin in Chinese, the default language of everything staff see: Django's own texts that
its zh_Hans catalogues leave in English have their Chinese in locale/zh_Hans/ (both domains),
permissions are named from their models' translated names, and a locked-out login gets a page in
the person's language. ?lang=en still gives the English of each."""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from tests.surveys.staff_factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
DJANGO_ADMIN_LOCALE = Path(django.__file__).parent / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES"

# What the admin showed in English on Chinese pages before locale/zh_Hans/ and surveys/admin_accounts.py.
ENGLISH_SEEN = [
    "Model name",  # the home page's table headers, read by screen readers
    "Add link",
    "Change or view list link",
    "Can add",  # permission names, stored in English by Django
    "Can change",
    "Can view",
    "Axes",  # django-axes' models (its attempts live in the cache, not its tables)
    "access attempt",
    "After you’ve created a user",
    'alt="Search"',
    "for a staff account",  # the login error (its Chinese said 工作人员, whom the admin refuses)
    "Too many failed logins",
    'alt="True"',  # the yes/no icons of a list's boolean columns
    'alt="False"',
]


@pytest.fixture
def chief(client):
    client.force_login(get_user_model().objects.create_superuser("chief", password=PASSWORD))
    return client


def _has_words(text: str) -> bool:
    """Letters other than a placeholder's name ("%(class_name)s %(instance)s" has none)."""
    return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)[sdr]", "", text)))


def _english_in(html: str) -> list[str]:
    return [text for text in ENGLISH_SEEN if text in html]


@pytest.mark.parametrize(
    "address",
    [
        "/admin/",
        "/admin/surveys/",
        "/admin/surveys/survey/",
        "/admin/surveys/auditentry/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/add/",
    ],
)
def test_the_admin_pages_have_no_english_left_in_chinese(chief, address):
    page = chief.get(address)
    assert page.status_code == 200
    assert _english_in(page.content.decode()) == []


def test_a_users_permissions_are_named_in_chinese_and_in_english_when_chosen(chief):
    user = make_user("xiaoli")
    chinese = chief.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "满意度调查 | 可添加调查" in chinese and "认证和授权 | 可查看用户" in chinese
    assert _english_in(chinese) == []
    english = chief.get(f"/admin/auth/user/{user.pk}/change/?lang=en").content.decode()
    assert "Can add Survey" in english and "Can view user" in english
    assert "Axes" not in english, "axes' tables are not used: their permissions would grant nothing"


@pytest.mark.parametrize("query", ["", "?lang=en"], ids=["zh", "en"])
def test_no_permission_is_listed_twice_under_one_name(chief, query):
    """DRF's Token and its admin's TokenProxy carry the same names; only the proxy's grant anything."""
    user = make_user("xiaoli")
    page = chief.get(f"/admin/auth/user/{user.pk}/change/{query}").content.decode()
    select = re.search(r'<select name="user_permissions".*?</select>', page, re.S).group(0)
    labels = re.findall(r"<option [^>]*>([^<]*)</option>", select)
    assert len(labels) > 50
    assert sorted({label for label in labels if labels.count(label) > 1}) == []
    assert ("认证令牌 | 可添加令牌" if not query else "Auth Token | Can add Token") in labels


def test_the_yes_no_icons_are_described_in_the_pages_language(chief):
    make_user("xiaoli")  # not staff: a ✗ beside the chief's ✓
    chinese = chief.get("/admin/auth/user/").content.decode()
    english = chief.get("/admin/auth/user/?lang=en").content.decode()
    assert 'icon-yes.svg" alt="是"' in chinese and 'icon-no.svg" alt="否"' in chinese
    assert 'icon-yes.svg" alt="Yes"' in english and 'icon-no.svg" alt="No"' in english


def test_the_admin_home_page_in_english_keeps_djangos_english(chief):
    chinese = chief.get("/admin/").content.decode()
    assert "修改或查看列表链接" in chinese
    english = chief.get("/admin/?lang=en").content.decode()
    assert "Model name" in english and "Change or view list link" in english
    assert 'alt="Search"' in chief.get("/admin/surveys/survey/").content.decode()  # the cookie: en
    assert 'alt="搜索"' in chief.get("/admin/surveys/survey/?lang=zh").content.decode()


def test_a_wrong_password_at_the_admin_login_is_explained_in_chinese_naming_the_administrator():
    make_user("xiaoli")
    page = Client().post("/admin/login/", {"username": "xiaoli", "password": "wrong"})
    html = page.content.decode()
    assert "请输入正确的管理员用户名和密码（区分大小写）。" in html
    assert _english_in(html) == []
    english = Client().post("/admin/login/?lang=en", {"username": "xiaoli", "password": "wrong"})
    assert "Please enter the correct username and password for a staff account." in english.content.decode()


def test_a_locked_out_login_gets_a_page_in_the_persons_language(settings, fresh_rate_limits):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_user("xiaoli")
    browser = Client(REMOTE_ADDR="10.0.0.9")
    answers = [browser.post("/admin/login/", {"username": "xiaoli", "password": "wrong"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    locked = answers[-1].content.decode()
    assert "<h1>登录失败次数过多</h1>" in locked
    assert "这个账号从这个网络地址连续 3 次登录失败，15 分钟内不能再从这里登录" in locked
    assert _english_in(locked) == []
    english = browser.post("/admin/login/?lang=en", {"username": "xiaoli", "password": PASSWORD})
    assert english.status_code == 429
    assert "it cannot log in from here for 15 minutes" in english.content.decode()


def test_every_text_of_djangos_admin_has_its_chinese():
    """Each msgid of Django's admin catalogue (templates, forms, messages) is Chinese on a Chinese
    page: one that a Django upgrade adds without a zh_Hans translation fails here, to be added
    to locale/zh_Hans/LC_MESSAGES/django.po."""
    catalogue = polib.pofile(str(DJANGO_ADMIN_LOCALE / "django.po"))
    untranslated = []
    with translation.override("zh-hans"):
        for entry in catalogue:
            if entry.msgid_plural:
                shown = (
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, 2)
                )
                english = entry.msgid_plural
            else:
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                english = entry.msgid
            if shown == english and _has_words(english):
                untranslated.append(entry.msgid)
    assert untranslated == []


def _javascript_catalogue(client, query: str = "") -> dict:
    script = client.get(f"/admin/jsi18n/{query}").content.decode()
    found = re.search(r"const newcatalog = (\{.*?\n  \});", script, re.S)
    return json.loads(found.group(1)) if found else {}  # English: none, the msgids are English


def test_every_text_of_the_admins_javascript_has_its_chinese(chief):
    """The admin's JavaScript catalogue (djangojs: the calendar, the two-list selector of a user's
    groups and permissions…) holds a Chinese text for each of Django's msgids."""
    catalogue = polib.pofile(str(DJANGO_ADMIN_LOCALE / "djangojs.po"))
    chinese = _javascript_catalogue(chief)
    assert chinese["Choose all %s"] == "选择全部%s" and chinese["(click to clear)"] == "（点击清除）"
    keys = {
        entry.msgid: f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for entry in catalogue
    }
    assert [msgid for msgid, key in keys.items() if _has_words(msgid) and key not in chinese] == []
    # The calendar's day headers, a letter each, which Django's translation keeps.
    days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    assert [chinese[f"one letter {day}\x04{day[0]}"] for day in days] == list("日一二三四五六")
    assert "Choose all %s" not in _javascript_catalogue(chief, "?lang=en")


def test_the_admin_login_page_offers_its_english():
    page = Client().get("/admin/login/?next=/admin/").content.decode()
    assert 'hreflang="en"' in page and "?next=%2Fadmin%2F&amp;lang=en" in page
    english = Client().get("/admin/login/?lang=en").content.decode()
    assert "Log in" in english and 'hreflang="zh-Hans"' in english


def test_staff_are_addressed_as_您_in_djangos_sentences_too():
    """Django's Chinese says 你 (“成功添加了…。你可以在下面添加另一个”, “你的密码已修改。”), where
    every sentence of the service says 您, as a government office writes."""
    from django.utils import translation

    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")
        sentences = catalog._catalog  # of Django, its apps and ours, ours first
        with_ni = [
            text for key in set(sentences.keys()) if isinstance(text := sentences[key], str) and "你" in text
        ]
        assert with_ni == []
        assert translation.gettext("Are you sure?") == "您确定吗？"


def test_a_survey_part_added_in_the_admin_is_confirmed_with_您(chief):
    page = chief.post(
        "/admin/auth/group/add/", {"name": "评价组", "_addanother": "1"}, follow=True
    ).content.decode()
    assert "您可以在下面添加另一个" in page and "你可以" not in page
