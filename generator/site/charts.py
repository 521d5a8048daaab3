"""Inline SVG charts for the site: no script, no external file, readable when printed."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from .escape import md_escape

GRADE_COLOURS = {
    "excellent": "#2e7d32",
    "competent": "#1565c0",
    "basically_competent": "#ef6c00",
    "incompetent": "#c62828",
    "ungraded": "#757575",
    "pending": "#9e9e9e",
}


def grade_chart(distribution: list[dict], caption: str) -> Markup:
    """Horizontal bars: how many people got each grade."""
    width, bar_h, gap, label_w = 480, 22, 8, 120
    top = max((d["count"] for d in distribution), default=0) or 1
    height = len(distribution) * (bar_h + gap) + gap
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>'
    ]
    for n, d in enumerate(distribution):
        y = gap + n * (bar_h + gap)
        w = round((width - label_w - 60) * d["count"] / top)
        colour = GRADE_COLOURS.get(d["grade"], "#757575")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{md_escape(d["label"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 16}">{d["count"]}人</text>'
        )
    parts.append("</svg>")
    return Markup(
        f'<figure class="chart">{"".join(parts)}<figcaption>{md_escape(caption)}</figcaption></figure>'
    )


def points_chart(months: list[dict], caption: str) -> Markup:
    """Columns: the unit's points total for each posted month of the year."""
    width, height, left, bottom, top_pad = 560, 220, 48, 28, 16
    values = {m["month"]: Decimal(m["total"]) for m in months}
    high = max([v for v in values.values()] + [Decimal(0)])
    low = min([v for v in values.values()] + [Decimal(0)])
    span = (high - low) or Decimal(1)
    plot_h = height - bottom - top_pad
    col_w = (width - left) / 12

    def y_of(v: Decimal) -> float:
        return round(top_pad + float((high - v) / span) * plot_h, 1)

    zero = y_of(Decimal(0))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>',
        f'<line x1="{left}" y1="{zero}" x2="{width}" y2="{zero}" stroke="#999"/>',
    ]
    for month in range(1, 13):
        x = round(left + (month - 1) * col_w, 1)
        parts.append(
            f'<text x="{round(x + col_w / 2, 1)}" y="{height - 8}" text-anchor="middle">{month}月</text>'
        )
        if month not in values:
            continue
        v = values[month]
        y = y_of(v)
        bar_top, bar_h = (y, round(zero - y, 1)) if v >= 0 else (zero, round(y - zero, 1))
        parts.append(
            f'<rect x="{round(x + col_w * 0.15, 1)}" y="{bar_top}" width="{round(col_w * 0.7, 1)}" '
            f'height="{max(bar_h, 0.5)}" fill="{"#1565c0" if v >= 0 else "#c62828"}"/>'
            f'<text x="{round(x + col_w / 2, 1)}" y="{round(bar_top - 4, 1) if v >= 0 else round(bar_top + bar_h + 12, 1)}" '
            f'text-anchor="middle">{v}</text>'
        )
    parts.append("</svg>")
    return Markup(
        f'<figure class="chart">{"".join(parts)}<figcaption>{md_escape(caption)}</figcaption></figure>'
    )
