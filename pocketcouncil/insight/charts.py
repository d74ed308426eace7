"""Server-rendered bar charts: the numbers a template needs to draw an SVG without JavaScript.
Every chart is also a table and a sentence on the page; the SVG is a picture of the table."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 600
BAR = 22
GAP = 8
LABEL = 190


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    part: int  # the failure-demand part of the bar (0 if the chart has one series)
    y: int
    width: float
    part_width: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL
    plot_width: int = WIDTH - LABEL - 60


def bars(items: list[tuple[str, int, int]]) -> Chart:
    """items: [(label, value, part of value)] -> a horizontal bar chart."""
    biggest = max((value for _label, value, _part in items), default=0) or 1
    plot = WIDTH - LABEL - 60
    found = []
    for i, (label, value, part) in enumerate(items):
        found.append(
            Bar(
                label=label,
                value=value,
                part=part,
                y=i * (BAR + GAP),
                width=round(plot * value / biggest, 1),
                part_width=round(plot * part / biggest, 1),
            )
        )
    return Chart(bars=found, height=max(1, len(found)) * (BAR + GAP))
