"""An administrator sets a new password for a user who lost theirs.

Django's admin has the page (/admin/auth/user/<id>/password/, the "reset
password" link of the user's page); the portal relies on it rather than a
page of its own. These tests hold it to what the portal needs: Vietnamese,
the password rules, administrators only.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

NEW_PASSWORD = "Mat-khau-tam-2026!"


@pytest.fixture
def reporter(demo):
    return get_user_model().objects.get(username="chauthanh")


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def test_the_administrator_sets_a_new_password_in_vietnamese(as_user, reporter):
    admin = as_user("admin")
    user_page = admin.get(reverse("admin:auth_user_change", args=[reporter.pk])).content.decode()
    # The way from the user's page: the "Reset password" button (Django's
    # Vietnamese catalogue leaves that label, and a few others, in English).
    assert 'href="../password/"' in user_page
    page = admin.get(password_url(reporter))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hãy nhập mật khẩu mới cho người sử dụng" in text
    assert "Đổi mật khẩu" in text
    response = admin.post(
        password_url(reporter), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password(NEW_PASSWORD)
    assert not reporter.check_password("demo")
    # The user logs in with it.
    browser = Client()
    response = browser.post(reverse("login"), {"username": "chauthanh", "password": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "weak, rule",
    [
        ("chauthanh1", "quá giống"),  # like the username
        ("Ab3-xyz#q", "ít nhất 10 ký tự"),  # shorter than 10
        ("password123", "quá phổ biến"),  # a common password
        ("2026071531", "hoàn toàn là số"),  # only digits
    ],
)
def test_the_password_rules_apply(as_user, reporter, weak, rule):
    admin = as_user("admin")
    response = admin.post(password_url(reporter), {"password1": weak, "password2": weak})
    assert response.status_code == 200
    assert rule in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password("demo")


@pytest.mark.parametrize("username", ["chauthanh", "chauthanh.lead", "syt"])
def test_only_administrators_reach_it(as_user, reporter, username):
    client = as_user(username)
    response = client.get(password_url(reporter))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.post(password_url(reporter), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    reporter.refresh_from_db()
    assert reporter.check_password("demo")
