import pytest

from portal import permissions
from portal.models import ReportingUnit

pytestmark = pytest.mark.django_db


def pk(code):
    return ReportingUnit.objects.get(code=code, valid_from=None).pk


def test_anonymous_users_are_sent_to_login(client, demo):
    for url in ["/", f"/units/{pk('877')}/", "/directives/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_reporter_sees_their_own_unit_and_not_another_district(as_user):
    client = as_user("chauthanh")
    own = client.get(f"/units/{pk('877')}/")
    assert own.status_code == 200
    assert "Huyện Châu Thành" in own.content.decode()
    assert client.get(f"/units/{pk('870')}/").status_code == 404
    assert client.get(f"/units/{pk('87')}/").status_code == 404


def test_a_reporter_does_not_reach_the_communes_below_their_district(as_user):
    client = as_user("chauthanh")
    commune = ReportingUnit.objects.get(code="877").children().first()
    assert client.get(f"/units/{commune.pk}/").status_code == 404


def test_the_province_reviewer_sees_every_district_and_commune(as_user):
    client = as_user("syt")
    province = client.get(f"/units/{pk('87')}/").content.decode()
    for district in ReportingUnit.objects.get(code="87").children():
        assert district.name in province
    assert client.get(f"/units/{pk('870')}/").status_code == 200
    commune = ReportingUnit.objects.get(code="870").children().last()
    assert client.get(f"/units/{commune.pk}/").status_code == 200


def test_a_missing_unit_and_a_forbidden_unit_look_the_same(as_user):
    client = as_user("hongngu")
    assert client.get("/units/999999/").status_code == 404
    assert client.get(f"/units/{pk('877')}/").status_code == 404


def test_scope_narrows_querysets_by_role(demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    reporter = users.get(username="chauthanh")
    reviewer = users.get(username="syt")
    assert list(permissions.units_in_scope(reporter).values_list("code", flat=True)) == ["877"]
    assert permissions.units_in_scope(reviewer).count() == 1 + 12 + 141 + 2
    assert permissions.can(reviewer, "review", ReportingUnit.objects.get(code="877"))
    assert not permissions.can(reporter, "review", ReportingUnit.objects.get(code="877"))
    assert not permissions.can(reporter, "submit", ReportingUnit.objects.get(code="877"))
    lead = users.get(username="chauthanh.lead")
    assert permissions.can(lead, "submit", ReportingUnit.objects.get(code="877"))
    assert not permissions.can(lead, "submit", ReportingUnit.objects.get(code="870"))


def test_home_shows_the_users_units_and_roles(as_user):
    page = as_user("chauthanh.lead").get("/").content.decode()
    assert "Huyện Châu Thành" in page
    assert "Người phê duyệt" in page
