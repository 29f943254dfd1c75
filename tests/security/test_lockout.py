"""Login lockout (django-axes): five wrong passwords for one account from one address lock that
pair out for a while, on the database cache and on Redis alike; nothing about the attempts is
written to a table."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client

from tests.surveys.staff_factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("cache_backend")


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _login(username: str, password: str, address: str = "10.0.0.1", url: str = "/accounts/login/"):
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def test_four_wrong_passwords_still_let_the_right_one_in(db):
    make_user("clerk")
    for _ in range(4):
        assert _login("clerk", "wrong").status_code == 200  # the form again, with its error

    assert _login("clerk", PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_account_out_from_that_address(db):
    make_user("clerk")
    answers = [_login("clerk", "wrong").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    refused = _login("clerk", PASSWORD)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.content.decode()


def test_the_lockout_holds_for_the_admin_login_too(db):
    make_user("root", superuser=True)
    for _ in range(5):
        _login("root", "wrong", url="/admin/login/")

    assert _login("root", PASSWORD, url="/admin/login/").status_code == 429


def test_a_colleague_behind_the_same_address_can_still_log_in(db):
    make_user("clerk")
    make_user("colleague")
    for _ in range(5):
        _login("clerk", "wrong")

    assert _login("colleague", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(db):
    make_user("clerk")
    for _ in range(4):
        _login("clerk", "wrong")
    assert _login("clerk", PASSWORD).status_code == 302
    answers = [_login("clerk", "wrong").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 200]


def test_no_attempt_is_written_to_a_table(db):
    make_user("clerk")
    for _ in range(6):
        _login("clerk", "wrong")
    _login("clerk", PASSWORD)

    assert (AccessAttempt.objects.count(), AccessLog.objects.count(), AccessFailureLog.objects.count()) == (
        0,
        0,
        0,
    )


def _behind_proxy(username: str, password: str, client_address: str):
    """As nginx forwards it: REMOTE_ADDR is the proxy's, the sender is appended to X-Forwarded-For."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.9, {client_address}").post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_behind_a_proxy_one_senders_failed_logins_do_not_lock_out_everyone_else(db, settings):
    """Behind nginx every sender had the proxy's address: five wrong passwords from anywhere
    locked the account for its owner too. With NUM_PROXIES=1 the sender is the address the proxy
    saw (the header's last hop; the hop before it came from the client and is not trusted)."""
    settings.NUM_PROXIES = 1
    make_user("clerk")
    assert [_behind_proxy("clerk", "wrong", "203.0.113.5").status_code for _ in range(5)][-1] == 429
    assert _behind_proxy("clerk", PASSWORD, "203.0.113.5").status_code == 429
    assert _behind_proxy("clerk", PASSWORD, "203.0.113.77").status_code == 302
