"""Server-side SVG geometry for the experiment's chart (no JavaScript library): the cumulative
referrals per contact of each group, week by week over the period. The template draws it with a
title, a description and the same numbers in a table."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 40


@dataclass
class Series:
    group: str
    label: str
    points: str  # "x,y x,y …" for a <polyline>
    dots: list[tuple[float, float, str]]  # x, y, the value as text
    css: str


@dataclass
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    rows: list[dict]  # the same numbers, for the table under the chart
    left: int = LEFT
    right: float = WIDTH - RIGHT
    top: int = TOP
    bottom: float = HEIGHT - BOTTOM


def _nice_ceiling(value: float) -> float:
    """A round upper bound for the y axis: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def cumulative_chart(results) -> Chart:
    weeks = len(results.weeks)
    top_value = max(
        (v for series in results.cumulative.values() for v in series if v is not None), default=0
    )
    y_max = _nice_ceiling(top_value)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(week: int) -> float:
        return round(LEFT + plot_w * week / max(weeks, 1), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / y_max), 1)

    series = []
    for group, result in results.groups.items():
        values = results.cumulative[group]
        coords = [(x(0), y(0), "0")] if results.has_started and result.contacts else []
        for i, value in enumerate(values):
            if value is not None:
                coords.append((x(i + 1), y(value), f"{value:.2f}"))
        series.append(
            Series(
                group=group,
                label=f"Group {group}",
                points=" ".join(f"{cx},{cy}" for cx, cy, _ in coords),
                dots=coords[1:],
                css=f"series-{group.lower()}",
            )
        )
    y_ticks = [(y(y_max * i / 4), f"{y_max * i / 4:g}") for i in range(5)]
    every = max(1, math.ceil(weeks / 8))
    x_ticks = [(x(i), str(i)) for i in range(0, weeks + 1, every)]
    rows = [
        {
            "week": i + 1,
            "day": day,
            "a": results.cumulative["A"][i],
            "b": results.cumulative["B"][i],
        }
        for i, day in enumerate(results.weeks)
    ]
    return Chart(WIDTH, HEIGHT, series, y_ticks, x_ticks, rows)
