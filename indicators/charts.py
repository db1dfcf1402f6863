"""Bar charts of a roll-up, drawn as inline SVG by the server.

No charting library: the page works without JavaScript (and under a strict
Content Security Policy), prints, and a chart of 12 or 150 bars costs nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from indicators.numbers import format_number

WIDTH = 600
HEIGHT = 160
PAD_TOP = 12
PAD_BOTTOM = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    status: str


@dataclass(frozen=True)
class Chart:
    indicator: object
    bars: list
    target_y: float | None
    target_label: str
    width: int = WIDTH
    height: int = HEIGHT


def _number(reading):
    return reading.number if reading is not None and reading.kind != "text" else None


def chart_for(rollup, indicator):
    """One bar per child unit, and the target of the unit as a line."""
    cells = [(row, row.cells[indicator.pk]) for row in rollup.children]
    numbers = [(row, cell, _number(cell.reading)) for row, cell in cells]
    target = rollup.targets.get(indicator.pk)
    target_number = _number(target.reading()) if target is not None else None
    top = max([n for _, _, n in numbers if n is not None] + [target_number or Decimal(0)])
    if not top:
        top = Decimal(1)
    scale = Decimal(HEIGHT - PAD_TOP - PAD_BOTTOM) / (top * Decimal("1.05"))
    slot = WIDTH / max(len(numbers), 1)
    bars = []
    for i, (row, cell, number) in enumerate(numbers):
        height = float(number * scale) if number is not None and number > 0 else 0.0
        bars.append(
            Bar(
                x=i * slot + slot * 0.15,
                y=HEIGHT - PAD_BOTTOM - height,
                width=slot * 0.7,
                height=height,
                label=row.name,
                value=cell.display,
                status=cell.achievement.status if cell.achievement else "",
            )
        )
    target_y = (
        float(HEIGHT - PAD_BOTTOM - target_number * scale) if target_number is not None else None
    )
    label = (target.text or format_number(target_number)) if target_number is not None else ""
    return Chart(indicator, bars, target_y, label)
