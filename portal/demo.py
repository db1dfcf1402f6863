"""Demo data of the portal's own app: Đồng Tháp in 2020, the directive chain of
seed 000, and the demo cast. Every step is an upsert, so loading twice changes
nothing."""

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from portal.models import Directive, Membership, ReportingUnit, Role
from portal.units import records_from_json, upsert_units

FIXTURES = settings.BASE_DIR / "fixtures"
DEMO_PASSWORD = "demo"

# username, full name, unit code, role
DEMO_USERS = [
    ("chauthanh", "Chuyên viên Phòng Y tế Châu Thành", "877", Role.REPORTER),
    ("chauthanh.lead", "Phó Chủ tịch UBND huyện Châu Thành", "877", Role.APPROVER),
    ("hongngu", "Chuyên viên Phòng Y tế Hồng Ngự", "870", Role.REPORTER),
    ("syt", "Phòng Kế hoạch - Tài chính, Sở Y tế Đồng Tháp", "87", Role.REVIEWER),
]


def read_fixture(name):
    with open(FIXTURES / name, encoding="utf-8") as f:
        return json.load(f)


def load_units():
    upsert_units(records_from_json(read_fixture("units/dong_thap_2020.json")))
    upsert_units(records_from_json(read_fixture("units/organisations.json")))


def load_directives(fixture="directives.json"):
    """Upsert the directives of a fixture; returns them by their fixture key."""
    by_key = {d.number_symbol: d for d in Directive.objects.all()}
    for row in read_fixture(fixture)["directives"]:
        issued_on = dt.date.fromisoformat(row["issued_on"]) if row["issued_on"] else None
        directive = upsert(
            Directive,
            {"number_symbol": row["number_symbol"], "issued_on": issued_on},
            {
                "doc_type": row["doc_type"],
                "issuing_body": row["issuing_body"],
                "summary": row["summary"],
                "implements": by_key.get(row["implements"]),
            },
        )
        by_key[row["key"]] = directive
    return by_key


def upsert(model, lookup, values):
    """Create or update one row, saving only when something differs, so that
    reloading the demo writes no new history rows."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
    return obj


def load_users():
    User = get_user_model()
    units = {u.code: u for u in ReportingUnit.objects.filter(valid_from=None)}
    for username, full_name, unit_code, role in DEMO_USERS:
        user = _demo_user(User, username, full_name)
        Membership.objects.get_or_create(user=user, unit=units[unit_code], role=role)
    admin = _demo_user(User, "admin", "Quản trị hệ thống")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])


def _demo_user(User, username, full_name):
    # The whole name in first_name: get_full_name() puts first before last,
    # the English order, which would scramble a Vietnamese name.
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "email": f"{username}@example.vn"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load():
    load_units()
    load_directives()
    load_users()
