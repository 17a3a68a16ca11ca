"""Geometry for the server-drawn SVG charts: no JavaScript, no CDN, numbers in a table beside."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Point:
    x: float
    y: float
    year: int
    value: Decimal


@dataclass
class Series:
    key: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[tuple[float, int]]
    y_ticks: list[tuple[float, float]]
    target_y: float | None
    series: list[Series] = field(default_factory=list)
    compact: bool = False  # a sparkline in a table row: no axes or labels

    @property
    def has_data(self) -> bool:
        return any(s.points for s in self.series)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 × a power of ten."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [round(math.floor(low / step) * step, 10)]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def trend_chart(
    years: list[int],
    series: dict[str, dict[int, Decimal]],
    target: Decimal | None,
    *,
    width: int = 560,
    height: int = 240,
    compact: bool = False,
) -> TrendChart:
    """Place yearly figures and the target line on a ``width`` × ``height`` canvas."""
    left, right, top, bottom = (6, 6, 6, 6) if compact else (56, 16, 16, 32)
    values = [float(v) for points in series.values() for v in points.values()]
    if target is not None:
        values.append(float(target))
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    ticks = nice_ticks(low, high, 3 if compact else 5)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    chart = TrendChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        x_ticks=[(x_of(year), year) for year in years],
        y_ticks=[(y_of(tick), tick) for tick in ticks],
        target_y=y_of(float(target)) if target is not None else None,
        compact=compact,
    )
    for key, points in series.items():
        placed = [Point(x_of(y), y_of(float(v)), y, v) for y, v in sorted(points.items()) if y in years]
        chart.series.append(Series(key, placed))
    return chart
