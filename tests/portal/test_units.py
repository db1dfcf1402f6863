import datetime as dt

import pytest

from portal.models import ReportingUnit, UnitKind
from portal.units import current_division_records, upsert_units

pytestmark = pytest.mark.django_db


def unit(code):
    return ReportingUnit.objects.get(code=code, valid_from=None)


def test_it_holds_dong_thap_2020_as_the_seed_documents_it(demo):
    province = unit("87")
    assert province.name == "Tỉnh Đồng Tháp"
    districts = province.children().filter(kind="district")
    assert districts.count() == 12
    assert province.subtree().filter(kind="commune").count() == 141
    chau_thanh = unit("877")
    assert chau_thanh.name == "Huyện Châu Thành"
    assert chau_thanh.children().count() == 12  # one health station per commune (seed 000)
    assert unit("870").name == "Huyện Hồng Ngự"


def test_it_answers_subtree_queries_with_the_unit_and_everything_below(demo):
    chau_thanh = unit("877")
    subtree = set(chau_thanh.subtree().values_list("code", flat=True))
    assert len(subtree) == 13
    assert "877" in subtree and "870" not in subtree
    assert all(c == "877" or unit(c).parent_unit().code == "877" for c in subtree)


def test_it_keeps_leading_zeros_in_codes(db):
    upsert_units(current_division_records(province_code=1))
    hanoi = ReportingUnit.objects.get(code="01", valid_from=dt.date(2025, 7, 1))
    assert hanoi.kind == UnitKind.PROVINCE
    first_ward = hanoi.children().first()
    assert len(first_ward.code) == 5 and first_ward.code.startswith("000")


def test_it_imports_all_current_provinces_from_the_package(db):
    records = current_division_records()
    provinces = [r for r in records if r.kind == UnitKind.PROVINCE]
    communes = [r for r in records if r.kind == UnitKind.COMMUNE]
    assert len(provinces) == 34
    assert len(communes) == 3321


def test_importing_twice_changes_nothing(db):
    records = current_division_records(province_code=1)
    created, _ = upsert_units(records)
    assert created == len(records)
    assert upsert_units(records) == (0, 0)
    assert ReportingUnit.objects.filter(valid_from=dt.date(2025, 7, 1)).count() == len(records)


def test_a_merged_unit_points_to_its_successor_and_both_stay(demo):
    upsert_units(current_division_records(province_code=1))
    old = unit("877")
    new = ReportingUnit.objects.get(code="01", valid_from=dt.date(2025, 7, 1))
    old.successor = new
    old.save()
    old.refresh_from_db()
    assert old.successor == new
    assert list(new.predecessors.all()) == [old]
    assert old.valid_to == dt.date(2025, 6, 30)
