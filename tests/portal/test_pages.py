import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_are_in_vietnamese_by_default_even_for_an_english_browser(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập" in page.content.decode()


def test_the_language_switch_changes_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()


def test_login_with_the_demo_password_lands_on_home(client, demo):
    response = client.post(
        "/accounts/login/", {"username": "hongngu", "password": "demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Huyện Hồng Ngự" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, demo):
    response = client.post("/accounts/login/", {"username": "hongngu", "password": "x"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_password_change_page_works(as_user):
    client = as_user("hongngu")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "demo",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="hongngu").check_password("Mat-khau-moi-2026")


def test_logout_ends_the_session(as_user):
    client = as_user("hongngu")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_admin_loads_for_the_superuser_in_vietnamese(as_user):
    client = as_user("admin")
    for url in [
        "/admin/",
        "/admin/portal/reportingunit/",
        "/admin/portal/directive/?q=CTr",
        "/admin/portal/membership/",
        "/admin/portal/directive/add/",
        "/admin/indicators/indicator/?q=tỷ lệ",
        "/admin/indicators/target/?year=2025",
        "/admin/reports/reportvalue/",
        "/admin/indicators/indicatorgroup/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    index = client.get("/admin/").content.decode()
    assert "Cổng báo cáo thực hiện Nghị quyết 20 và 21" in index
    assert "Văn bản chỉ đạo" in index and "Đơn vị báo cáo" in index


def test_the_admin_is_closed_to_district_staff(as_user):
    response = as_user("chauthanh").get("/admin/")
    assert response.status_code == 302
