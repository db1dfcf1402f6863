"""Demo data of the indicators app: the catalogue and the targets of seeds 000,
003 and 004; and the generator of figures for every commune of Đồng Tháp in
2019-2021, which reports/demo.py files as the communes' accepted reports
(figures belong to reports).

The generated figures come from a seeded generator, so every load gives the
same numbers; numerators and denominators stay consistent with each other
(under-5 children are about 7-8% of the population, births about 1.4%).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from indicators.models import Indicator, IndicatorGroup, Target
from indicators.numbers import parse
from indicators.values import target_fields
from portal.demo import load_directives, read_fixture, upsert
from portal.models import Directive, ReportingUnit
from portal.units import records_from_json, upsert_units

GENERATED_YEARS = (2019, 2020, 2021)
SEED = 20_21

# indicator code → (denominator share of the population, rate centre, spread)
# for rates; the numerator is drawn around the centre.
RATE_SHAPES = {
    "suy-dinh-duong": (Decimal("0.075"), 12.5, 2.5),
    "tu-vong-me-so-sinh": (Decimal("0.014"), 9.0, 5.0),
    "tang-dan-so": (Decimal("1"), 0.9, 0.2),
    "tranh-thai": (Decimal("0.18"), 82.0, 5.0),
    "tiem-chung": (Decimal("0.014"), 94.0, 4.0),
    "giuong-benh": (Decimal("1"), 9.5, 1.5),
    "bac-si": (Decimal("1"), 3.6, 0.6),
    "bao-hiem-y-te": (Decimal("1"), 90.0, 3.0),
}


def load_catalogue():
    data = read_fixture("indicators/catalogue.json")
    groups = {
        g["code"]: upsert(
            IndicatorGroup, {"code": g["code"]}, {"name": g["name"], "position": g["position"]}
        )
        for g in data["groups"]
    }
    directives = {d.number_symbol: d for d in Directive.objects.all()}
    for row in data["indicators"]:
        indicator = upsert(
            Indicator,
            {"code": row["code"]},
            {
                "name": row["name"],
                "unit_of_measure": row["unit_of_measure"],
                "kind": row["kind"],
                "factor": Decimal(row["factor"]) if row["factor"] is not None else None,
                "direction": row["direction"],
                "decimals": row["decimals"],
                "definition": row["definition"],
                "group": groups[row["group"]],
                "position": row["position"],
            },
        )
        wanted = {directives[s].pk for s in row["directives"]}
        if set(indicator.directives.values_list("pk", flat=True)) != wanted:
            indicator.directives.set(wanted)


def load_targets(directives):
    indicators = {i.code: i for i in Indicator.objects.all()}
    units = {u.code: u for u in ReportingUnit.objects.filter(valid_from=None)}
    for row in read_fixture("indicators/targets.json")["targets"]:
        upsert(
            Target,
            {
                "indicator": indicators[row["indicator"]],
                "scope": units[row["scope"]],
                "directive": directives[row["directive"]],
                "year": row["year"],
            },
            target_fields(parse(row["text"])),
        )


def _q(value, places="1"):
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def generated_values(communes, indicators, rng, stations_meeting=frozenset()):
    """Value rows for every commune and generated year, deterministic for a given rng."""
    rows = []
    for commune in communes:
        population = Decimal(rng.randint(7_000, 25_000))
        for year in GENERATED_YEARS:
            population = _q(population * Decimal(1 + rng.uniform(0.002, 0.012)))
            rows.append((indicators["dan-so"], commune, year, population, None, None))
            for code, (share, centre, spread) in RATE_SHAPES.items():
                indicator = indicators[code]
                denominator = max(_q(population * share), Decimal(1))
                rate = max(centre + rng.uniform(-spread, spread), 0)
                numerator = _q(denominator * Decimal(str(rate)) / indicator.factor)
                numeric = (numerator / denominator * indicator.factor).quantize(Decimal("0.000001"))
                rows.append((indicator, commune, year, numeric, numerator, denominator))
            # Seed 000: every commune health station of Châu Thành met the standard.
            chance = 1 if commune.code in stations_meeting else 0.85 + 0.05 * (year - 2019)
            meets = Decimal(1 if rng.random() < chance else 0)
            rows.append((indicators["tram-y-te-chuan"], commune, year, None, meets, Decimal(1)))
    return rows


def load_province_targets(directives):
    """Đồng Tháp's and its districts' yearly plans: generated, the same bounds as
    Châu Thành's printed plan (seed 000), so that every row can be evaluated."""
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    plans = [t for t in Target.objects.filter(scope__code="877", scope__valid_from=None)]
    scopes = [province, *province.children().filter(kind="district").exclude(code="877")]
    for scope in scopes:
        for plan in plans:
            upsert(
                Target,
                {
                    "indicator_id": plan.indicator_id,
                    "scope": scope,
                    "directive": directives["158/KH-UBND"],
                    "year": plan.year,
                },
                {
                    "comparator": plan.comparator,
                    "value": plan.value,
                    "value2": plan.value2,
                    "text": plan.text,
                },
            )


@transaction.atomic
def load():
    upsert_units(records_from_json(read_fixture("units/tuyen_quang_2018.json")))
    directives = load_directives("indicators/directives.json")
    load_catalogue()
    load_targets(directives)
    load_province_targets(directives)
