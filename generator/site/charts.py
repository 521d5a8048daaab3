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
    """Columns: the unit's points total for each posted month of the year.

    A month without a posting has no column and no axis under it, and says 未公示, so that
    it cannot be read as a month whose total was zero.
    """
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
    absent = [m for m in range(1, 13) if m not in values]
    desc = "、".join(f"{m}月{values[m]}分" for m in sorted(values))
    if absent:
        desc += "；" + "、".join(f"{m}月" for m in absent) + "未公示"
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>'
        f"<desc>{md_escape(desc)}</desc>",
    ]
    for month in range(1, 13):
        x = round(left + (month - 1) * col_w, 1)
        middle = round(x + col_w / 2, 1)
        if month not in values:
            parts.append(
                f'<text class="absent" x="{middle}" y="{height - 8}" text-anchor="middle">{month}月</text>'
                f'<text class="absent" x="{middle}" y="{round(zero - 4, 1)}" text-anchor="middle" '
                f'font-size="10">未公示</text>'
            )
            continue
        v = values[month]
        y = y_of(v)
        bar_top, bar_h = (y, round(zero - y, 1)) if v >= 0 else (zero, round(y - zero, 1))
        label_y = round(bar_top - 4, 1) if v >= 0 else round(bar_top + bar_h + 12, 1)
        parts.append(
            f'<text x="{middle}" y="{height - 8}" text-anchor="middle">{month}月</text>'
            f'<line x1="{x}" y1="{zero}" x2="{round(x + col_w, 1)}" y2="{zero}" stroke="#767676"/>'
            f'<rect class="bar" x="{round(x + col_w * 0.15, 1)}" y="{bar_top}" '
            f'width="{round(col_w * 0.7, 1)}" height="{max(bar_h, 0.5)}" '
            f'fill="{"#1565c0" if v >= 0 else "#c62828"}"/>'
            f'<text x="{middle}" y="{label_y}" text-anchor="middle">{v}</text>'
        )
    parts.append("</svg>")
    return Markup(
        f'<figure class="chart">{"".join(parts)}<figcaption>{md_escape(caption)}</figcaption></figure>'
    )


def _figure(svg: list[str], caption: str) -> Markup:
    return Markup(
        f'<figure class="chart">{"".join(svg)}</svg><figcaption>{md_escape(caption)}</figcaption></figure>'
    )


def _svg(width: int, height: int, caption: str, desc: str) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{md_escape(caption)}</title>'
        f"<desc>{md_escape(desc)}</desc>"
    )


def grade_bars(units: list[dict], grades: list[dict], caption: str) -> Markup:
    """Stacked bars, one a unit: how many were appraised and in each grade."""
    width, bar_h, gap, label_w, legend_h = 440, 20, 10, 130, 28
    top = max((u["appraised"] for u in units), default=0) or 1
    plot_w = width - label_w - 50
    height = legend_h + len(units) * (bar_h + gap) + gap
    desc = "；".join(
        f"{u['unit_name']}参加考核{u['appraised']}人："
        + "、".join(f"{g['label']}{u['grades'][g['key']]}人" for g in grades)
        for u in units
    )
    svg = [_svg(width, height, caption, desc)]
    x = 0
    for g in grades:  # the legend
        colour = GRADE_COLOURS.get(g["key"], "#757575")
        svg.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="17">{md_escape(g["label"])}</text>'
        )
        x += 16 + 13 * len(g["label"]) + 12
    for n, u in enumerate(units):
        y = legend_h + gap + n * (bar_h + gap)
        svg.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{md_escape(u["unit_name"])}</text>'
        )
        x = float(label_w)
        for g in grades:
            count = u["grades"][g["key"]]
            if not count:
                continue
            w = round(plot_w * count / top, 1)
            svg.append(
                f'<rect x="{round(x, 1)}" y="{y}" width="{w}" height="{bar_h}" '
                f'fill="{GRADE_COLOURS.get(g["key"], "#757575")}"/>'
            )
            x += w
        svg.append(f'<text x="{round(x + 6, 1)}" y="{y + 15}">{u["appraised"]}人</text>')
    return _figure(svg, caption)


def updown_chart(units: list[dict], caption: str) -> Markup:
    """Paired bars, one pair a unit: how many went up and how many went down."""
    width, bar_h, gap, label_w, legend_h = 440, 14, 12, 130, 28
    top = max([u["up"] for u in units] + [u["down"] for u in units] + [1])
    plot_w = width - label_w - 60
    height = legend_h + len(units) * (2 * bar_h + gap) + gap
    desc = "；".join(f"{u['unit_name']}上{u['up']}人次、下{u['down']}人次" for u in units)
    svg = [
        _svg(width, height, caption, desc),
        '<rect x="0" y="6" width="12" height="12" fill="#2e7d32"/>'
        '<text x="16" y="17">上（竞争上岗当选）</text>'
        '<rect x="160" y="6" width="12" height="12" fill="#c62828"/>'
        '<text x="176" y="17">下（降职、免职、调整等）</text>',
    ]
    for n, u in enumerate(units):
        y = legend_h + gap + n * (2 * bar_h + gap)
        svg.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end">{md_escape(u["unit_name"])}</text>'
        )
        for row, (count, colour) in enumerate(((u["up"], "#2e7d32"), (u["down"], "#c62828"))):
            w = round(plot_w * count / top, 1)
            top_y = y + row * bar_h
            svg.append(
                f'<rect x="{label_w}" y="{top_y}" width="{max(w, 0.5)}" height="{bar_h - 2}" fill="{colour}"/>'
                f'<text x="{round(label_w + w + 6, 1)}" y="{top_y + bar_h - 3}" font-size="11">{count}</text>'
            )
    return _figure(svg, caption)
