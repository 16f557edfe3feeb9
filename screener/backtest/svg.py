"""Small inline SVG charts for the backtest report: no plotting library to install.

Two shapes cover the report: values over time (lines or columns) and labelled horizontal
bars in groups (a rule's precision and recall side by side). Text is escaped; sizes are in
SVG user units and the charts scale with the page (`viewBox`, width 100 %).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT = "font-family:system-ui,sans-serif;font-size:12px"
GRID = "#e3e6ea"
AXIS = "#8a9099"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    color: str
    values: Sequence[float | None]  # one per x position; None leaves a gap


def percent(value: float) -> str:
    return f"{100 * value:.1f} %" if value < 0.1 else f"{100 * value:.0f} %"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def time_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    kind: str = "line",
    y_format: Callable[[float], str] = whole,
    tick_every: int = 6,
    width: int = 960,
    height: int = 240,
) -> str:
    """Values over evenly spaced times: lines (several series) or columns (the first)."""
    left, right, top, bottom = 64, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((v for s in series for v in s.values if v is not None), default=0.0)
    y_max = _nice_ceiling(top_value)
    count = max(len(x_labels), 1)
    step = plot_w / count

    def x(index: float) -> float:
        return left + step * (index + 0.5)

    def y(value: float) -> float:
        return top + plot_h - plot_h * (value / y_max if y_max else 0)

    parts = [_open(width, height)]
    for tick in range(5):
        value = y_max * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'fill="{AXIS}">{escape(y_format(value))}</text>'
        )
    for index, label in enumerate(x_labels):
        if index % tick_every == 0:
            parts.append(
                f'<line x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{top + plot_h}" '
                f'y2="{top + plot_h + 4}" stroke="{AXIS}"/><text x="{x(index):.1f}" '
                f'y="{top + plot_h + 18}" text-anchor="middle" fill="{AXIS}">{escape(label)}</text>'
            )
    if kind == "columns" and series:
        first = series[0]
        for index, column in enumerate(first.values):
            if column:
                value = column
                parts.append(
                    f'<rect x="{x(index) - step * 0.4:.1f}" y="{y(value):.1f}" '
                    f'width="{step * 0.8:.1f}" height="{top + plot_h - y(value):.1f}" '
                    f'fill="{first.color}"><title>{escape(x_labels[index])}: '
                    f"{escape(y_format(value))}</title></rect>"
                )
    else:
        for s in series:
            for run in _runs(s.values):
                points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.color}" '
                    f'stroke-width="2" stroke-linejoin="round"/>'
                )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    parts.append(_legend(series, left, 16))
    parts.append("</svg>")
    return "".join(parts)


def bar_groups(
    groups: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[tuple[str, str]],
    *,
    max_value: float = 1.0,
    value_format: Callable[[float], str] = percent,
    width: int = 960,
) -> str:
    """Horizontal bars: per group (a rule), one bar per series (name, colour); None: no bar."""
    label_w, right, top, bar_h, gap = 200, 70, 48, 12, 10
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(groups) + 8
    plot_w = width - label_w - right
    parts = [_open(width, height)]
    for tick in range(5):
        gx = label_w + plot_w * tick / 4
        parts.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 4}" y2="{height - 8}" '
            f'stroke="{GRID}"/><text x="{gx:.1f}" y="{top - 8}" text-anchor="middle" '
            f'fill="{AXIS}">{escape(value_format(max_value * tick / 4))}</text>'
        )
    for index, (name, values) in enumerate(groups):
        gy = top + index * group_h
        parts.append(
            f'<text x="{label_w - 8}" y="{gy + group_h / 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(name)}</text>'
        )
        for row, ((series_name, color), value) in enumerate(zip(series, values, strict=True)):
            by = gy + row * bar_h
            if value is None:
                parts.append(
                    f'<text x="{label_w + 4}" y="{by + bar_h - 2}" fill="{AXIS}" '
                    f'font-size="10">{escape(series_name)}: no hits</text>'
                )
                continue
            bar_w = plot_w * min(value / max_value, 1.0) if max_value else 0
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{max(bar_w, 1):.1f}" '
                f'height="{bar_h - 2}" fill="{color}"><title>{escape(name)} {escape(series_name)}'
                f": {escape(value_format(value))}</title></rect>"
                f'<text x="{label_w + bar_w + 4:.1f}" y="{by + bar_h - 3}" font-size="10">'
                f"{escape(value_format(value))}</text>"
            )
    parts.append(_legend([Series(n, c, ()) for n, c in series], label_w, 14, top_legend=True))
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="{FONT};max-width:{width}px" role="img">'
    )


def _legend(series: Sequence[Series], x: float, y: float, top_legend: bool = False) -> str:
    if len(series) < 2 and not top_legend:
        return ""
    parts = []
    offset = x
    for s in series:
        parts.append(
            f'<rect x="{offset:.0f}" y="{y - 9}" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{offset + 14:.0f}" y="{y}">{escape(s.name)}</text>'
        )
        offset += 28 + 7 * len(s.name)
    return "".join(parts)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive non-missing values, each drawn as one polyline."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power:
            return factor * power
    return 10 * power
