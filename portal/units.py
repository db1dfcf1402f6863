"""Importing reporting units into the tree, from fixtures or from vietnam-provinces.

One function, `upsert_units`, is used by the demo loader and by the
`import_units` command, so that running either twice changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from portal.models import ReportingUnit, UnitKind

REFORM_DATE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    kind: str
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def records_from_json(data):
    """UnitRecords from a fixture file's "units" list (dates as ISO strings)."""

    def date(value):
        return dt.date.fromisoformat(value) if value else None

    return [
        UnitRecord(
            code=u["code"],
            name=u["name"],
            kind=u["kind"],
            parent=u.get("parent"),
            valid_from=date(u.get("valid_from")),
            valid_to=date(u.get("valid_to")),
        )
        for u in data["units"]
    ]


@transaction.atomic
def upsert_units(records):
    """Create or update units keyed by (code, valid_from); parents come first.

    A record's parent is looked up by code among units of the same validity
    start, then among any unit with that code. New children of a parent that
    has none yet are written in one bulk insert, with their tree paths built
    here, so that importing the 3,321 communes takes seconds, not minutes.
    Returns (created, updated).
    """
    existing = {
        (u.code, u.valid_from): u
        for u in ReportingUnit.objects.filter(code__in=[r.code for r in records])
    }
    created = updated = 0
    waiting = []
    for record in records:
        unit = existing.get((record.code, record.valid_from))
        if unit is None:
            waiting.append(record)
        elif (unit.name, unit.kind, unit.valid_to) != (record.name, record.kind, record.valid_to):
            unit.name, unit.kind, unit.valid_to = record.name, record.kind, record.valid_to
            unit.save(update_fields=["name", "kind", "valid_to"])
            updated += 1
    while waiting:
        by_parent, later = {}, []
        for record in waiting:
            if record.parent is None:
                unit = ReportingUnit.objects.add_root(_fields(record))
                existing[(record.code, record.valid_from)] = unit
                created += 1
                continue
            parent = existing.get((record.parent, record.valid_from))
            if parent is None and not any(r.code == record.parent for r in waiting):
                parent = _find(record.parent)
            if parent is None:
                later.append(record)
            else:
                by_parent.setdefault(parent.pk, (parent, []))[1].append(record)
        for parent, children in by_parent.values():
            for unit in _add_children(parent, children):
                existing[(unit.code, unit.valid_from)] = unit
                created += 1
        if len(later) == len(waiting):
            raise ValueError("Some units' parents are missing from the import.")
        waiting = later
    return created, updated


def _fields(record):
    return {
        "code": record.code,
        "name": record.name,
        "kind": record.kind,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
    }


def _add_children(parent, records):
    parent.refresh_from_db()
    records = sorted(records, key=lambda r: r.code)
    if parent.numchild:
        # Sorted insertion among existing children: treebeard moves the siblings.
        return [ReportingUnit.objects.add_child(parent, _fields(r)) for r in records]
    depth = parent.depth + 1
    units = [
        ReportingUnit(
            **_fields(r),
            depth=depth,
            numchild=0,
            path=ReportingUnit._get_path(parent.path, depth, position),
        )
        for position, r in enumerate(records, start=1)
    ]
    bulk_create_with_history(units, ReportingUnit, batch_size=1000)
    ReportingUnit.objects.filter(pk=parent.pk).update(numchild=len(units))
    return list(ReportingUnit.objects.filter(path__in=[u.path for u in units]))


def _find(code):
    unit = ReportingUnit.objects.filter(code=code).order_by("-valid_from").first()
    if unit is None:
        raise ValueError(f"Parent unit {code} is not in the database.")
    return unit


def current_division_records(province_code=None):
    """Provinces and communes in force since 1 July 2025, from vietnam-provinces."""
    from vietnam_provinces import Province, Ward

    provinces = [
        p for p in Province.iter_all() if province_code is None or int(p.code) == int(province_code)
    ]
    if not provinces:
        raise ValueError(f"No province with code {province_code} in vietnam-provinces.")
    records = []
    for province in sorted(provinces, key=lambda p: int(p.code)):
        pcode = f"{int(province.code):02d}"
        records.append(UnitRecord(pcode, province.name, UnitKind.PROVINCE, None, REFORM_DATE))
        wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
        records += [
            UnitRecord(f"{int(w.code):05d}", w.name, UnitKind.COMMUNE, pcode, REFORM_DATE)
            for w in wards
        ]
    return records
