"""Login protection (django-axes) and sessions that end after inactivity."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOCKED_VI = "Đăng nhập bị khóa"


def attempt(client, password, username="chauthanh", url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def logged_in(client):
    return SESSION_KEY in client.session


@pytest.fixture
def browser(demo):
    return Client(REMOTE_ADDR="203.0.113.7")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(browser):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(browser, "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
        assert not logged_in(browser)
    fifth = attempt(browser, "sai-mat-khau")
    assert fifth.status_code == 429
    sixth = attempt(browser, "demo")
    assert sixth.status_code == 429
    assert not logged_in(browser)
    page = sixth.content.decode()
    assert LOCKED_VI in page
    assert "5 lần liên tiếp" in page
    assert "15 phút" in page
    assert 'id="lockout-message"' in page
    # Nor through the admin's login page.
    response = attempt(browser, "demo", url=reverse("admin:login"))
    assert response.status_code == 429
    assert not logged_in(browser)
    assert browser.get(reverse("home")).status_code == 302


def test_the_lock_is_for_one_username_from_one_address(browser):
    for _ in range(5):
        attempt(browser, "sai-mat-khau")
    assert attempt(browser, "demo").status_code == 429
    # The same person from another address, and another user from this one, log in.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(elsewhere, "demo").status_code == 302
    assert logged_in(elsewhere)
    colleague = Client(REMOTE_ADDR="203.0.113.7")
    assert attempt(colleague, "demo", username="chauthanh.lead").status_code == 302


def test_the_lock_ends_after_the_cool_off(browser):
    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(browser, "sai-mat-khau")
    assert attempt(browser, "demo").status_code == 429
    # 15 minutes later, as the database will see it.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert attempt(browser, "demo").status_code == 302
    assert logged_in(browser)


def test_a_success_clears_the_earlier_failures(browser):
    for _ in range(4):
        attempt(browser, "sai-mat-khau")
    assert attempt(browser, "demo").status_code == 302
    browser.post(reverse("logout"))
    for _ in range(4):
        assert attempt(browser, "sai-mat-khau").status_code == 200
    assert attempt(browser, "demo").status_code == 302


def test_a_session_ends_after_two_hours_without_a_request(as_user):
    assert settings.SESSION_COOKIE_AGE == 2 * 3600
    client = as_user("chauthanh")
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes the end back by SESSION_COOKIE_AGE.
    left = session.expire_date - timezone.now()
    assert dt.timedelta(hours=2) - dt.timedelta(minutes=1) < left <= dt.timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(1))
    assert client.get(reverse("home")).status_code == 200
    session.refresh_from_db()
    assert session.expire_date - timezone.now() <= dt.timedelta(hours=2)
    # Two hours without a request: the session is over.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_locked_address_is_the_clients_behind_trusted_proxies(monkeypatch, rf):
    import portal.settings

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert settings.AXES_CLIENT_IP_CALLABLE(request) == "10.0.0.2"  # no proxy trusted
    monkeypatch.setattr(portal.settings, "TRUSTED_PROXY_COUNT", 1)
    # One proxy: the address it saw, not the one the client wrote in the header.
    assert settings.AXES_CLIENT_IP_CALLABLE(request) == "203.0.113.9"
    monkeypatch.setattr(portal.settings, "TRUSTED_PROXY_COUNT", 2)
    assert settings.AXES_CLIENT_IP_CALLABLE(request) == "1.2.3.4"
    monkeypatch.setattr(portal.settings, "TRUSTED_PROXY_COUNT", 3)
    assert settings.AXES_CLIENT_IP_CALLABLE(request) == "10.0.0.2"  # fewer hops than proxies
