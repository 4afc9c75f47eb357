"""Charts for the insights page as server-rendered SVG: data in, HTML text out.

No JavaScript and nothing from other origins (the console's CSP allows neither), so the charts
are drawn here. Every chart is a `<figure>` holding an SVG (role="img", a `<title>` that says
the figures in one sentence, a tooltip per bar) and a visually hidden table of the same numbers
for screen readers. Every label passes through `escape`: flag, topic and intent names come
from files staff and clinicians edit.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape as _escape

# Colours of the console's stylesheet (frontdesk.css); white text on each meets WCAG AA.
TONES = {
    "brand": "#0b5d6b",
    "emergency": "#a3001b",
    "urgent": "#8f4300",
    "consistent": "#0b4f8a",
    "muted": "#4d5b66",
}
INK, GRID, AXIS = "#1d2a33", "#dde4e8", "#8a99a4"
WRAP_CHARS = 44  # a bold 16px label line in a 440-wide chart, with a margin; longer wrap
MAX_LABEL_LINES = 3  # beyond that the label is shortened (the table and tooltip keep it whole)
LINE = 20  # the height of a label line


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    tone: str = "brand"


@dataclass(frozen=True)
class Segment:
    label: str
    tone: str


def escape(text: object) -> str:
    return _escape(str(text), quote=True)


def number(value: float, percent: bool = False) -> str:
    """12 -> "12", 1234 -> "1,234"; with `percent`, 0.053 -> "5.3%", 0.04 -> "4%" (whole
    from 10% up)."""
    if percent:
        share = value * 100
        text = f"{share:.0f}" if share >= 10 else f"{share:.1f}".removesuffix(".0")
        return text + "%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def day_words(day: str, weekday: bool = True) -> str:
    """ "2026-11-30" -> "Mon 30 Nov" (or "30 Nov"); anything else is shown as given."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return day
    text = f"{parsed.day} {parsed:%b}"
    return f"{parsed:%a} {text}" if weekday else text


def nice_ticks(top: float, percent: bool = False, most: int = 5) -> list[float]:
    """Round grid values from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten
    (whole numbers for counts), at most `most` steps."""
    if top <= 0:
        return [0, 0.1] if percent else [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if not percent:
        step = max(1, step)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def label_lines(text: str) -> list[str]:
    """The label in lines that fit the chart's width, at most MAX_LABEL_LINES."""
    lines = textwrap.wrap(text, WRAP_CHARS, break_long_words=True) or [""]
    if len(lines) > MAX_LABEL_LINES:
        lines = lines[:MAX_LABEL_LINES]
        lines[-1] = lines[-1][: WRAP_CHARS - 1].rstrip() + "…"
    return lines


def _label(text: str, y: float) -> str:
    """A label as SVG text, one tspan per line, the first line's baseline at `y`."""
    spans = "".join(
        f'<tspan x="0" dy="{0 if index == 0 else LINE}">{escape(line)}</tspan>'
        for index, line in enumerate(label_lines(text))
    )
    return f'<text x="0" y="{y}" class="chart-label" fill="{INK}">{spans}</text>'


def _table(chart_id: str, caption: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (  # wrapped: a table is as wide as its cells whatever its own width says
        f'<div class="visually-hidden"><table id="{escape(chart_id)}-table">'
        f"<caption>{escape(caption)}</caption><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _figure(chart_id: str, summary: str, width: int, height: int, body: str, table: str) -> str:
    """The SVG's own size is its drawing size, so its text is at the size the stylesheet gives
    it wherever the figure has room, and shrinks with it where it has not."""
    cid = escape(chart_id)
    return (
        f'<figure class="chart" id="{cid}">'
        f'<svg class="chart-svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(summary)}</title>{body}</svg>{table}</figure>'
    )


def _empty(chart_id: str, text: str) -> str:
    return f'<p class="chart-empty" id="{escape(chart_id)}">{escape(text)}</p>'


def daily_bars(
    days: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    unit: str,
    percent: bool = False,
    tone: str = "brand",
    width: int = 900,
    height: int = 260,
) -> str:
    """One vertical bar per day, oldest on the left, with a count over each bar while they are
    wide enough to read, a day under every bar (or every few on a long period) and grid lines."""
    left, right, top, bottom = 52, 12, 24, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [max(0.0, float(v)) for _, v in days]
    ticks = nice_ticks(max(values, default=0), percent)
    scale = plot_h / ticks[-1]
    band = plot_w / max(1, len(days))
    bar_w = max(1.0, band * 0.72)
    room = 90 if len(days) <= 10 else 64  # "Mon 30 Nov", or "30 Nov" on longer periods
    every = max(1, math.ceil(len(days) / max(1, plot_w // room)))
    parts = []
    for tick in ticks:
        y = top + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID if tick else AXIS}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" class="chart-tick" '
            f'fill="{INK}">{escape(number(tick, percent))}</text>'
        )
    show_values = band >= (44 if percent else 26)
    for index, ((day, _), value) in enumerate(zip(days, values, strict=True)):
        x = left + index * band + (band - bar_w) / 2
        h = value * scale
        y = top + plot_h - h
        tip = f"{day_words(day)}: {number(value, percent)} {unit}"
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="{TONES[tone]}"><title>{escape(tip)}</title></rect>'
        )
        centre = x + bar_w / 2
        if show_values:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 6:.1f}" text-anchor="middle" '
                f'class="chart-value" fill="{INK}">{escape(number(value, percent))}</text>'
            )
        if index % every == 0:
            label = day_words(day, weekday=len(days) <= 10)
            parts.append(
                f'<text x="{centre:.1f}" y="{height - bottom + 22}" text-anchor="middle" '
                f'class="chart-tick" fill="{INK}">{escape(label)}</text>'
            )
    total = sum(values)
    if days:
        span = f"{day_words(days[0][0])} to {day_words(days[-1][0])}"
        busiest = max(range(len(days)), key=lambda i: values[i])
        if percent:
            summary = f"{title}, {span}. Highest on {day_words(days[busiest][0])}: "
            summary += f"{number(values[busiest], True)}."
        else:
            summary = f"{title}, {span}: {number(total)} {unit} in all"
            summary += (
                f"; most on {day_words(days[busiest][0])} ({number(values[busiest])})."
                if total
                else "."
            )
    else:
        summary = f"{title}: no days."
    rows = [
        (day_words(day), number(value, percent))
        for (day, _), value in zip(days, values, strict=True)
    ]
    table = _table(chart_id, title, ("Day", unit[:1].upper() + unit[1:]), rows)
    return _figure(chart_id, summary, width, height, "".join(parts), table)


def horizontal_bars(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    unit: str,
    empty: str,
    show_share: bool = False,
) -> str:
    """One labelled bar per item, in the order given, the label above its bar (long labels
    fit) and the count after it; with `show_share`, each count's share of the total too."""
    shown = [b for b in bars if b.value > 0] if not show_share else list(bars)
    if not shown or not any(b.value > 0 for b in shown):
        return _empty(chart_id, empty)
    width = 440
    value_room = 110 if show_share else 60
    top = max(b.value for b in shown)
    total = sum(b.value for b in shown)
    parts = []
    texts = []
    y = 0.0  # the top of the row being drawn: its label, then its bar
    for bar in shown:
        length = max(2.0, (width - value_room) * bar.value / top if top else 0)
        figure = number(bar.value)
        if show_share and total:
            figure += f" ({number(bar.value / total, True)})"
        texts.append(f"{bar.label} {figure}")
        bar_y = y + 22 + LINE * (len(label_lines(bar.label)) - 1)
        parts.append(
            _label(bar.label, y + 16)
            + f'<rect class="chart-bar" x="0" y="{bar_y}" width="{length:.1f}" height="20" '
            f'rx="2" fill="{TONES.get(bar.tone, TONES["brand"])}">'
            f"<title>{escape(bar.label)}: {escape(figure)} {escape(unit)}</title></rect>"
            f'<text x="{length + 8:.1f}" y="{bar_y + 15}" class="chart-value" '
            f'fill="{INK}">{escape(figure)}</text>'
        )
        y = bar_y + 26
    height = y + 4
    summary = f"{title}: " + ", ".join(texts) + "."
    head = ("", unit[:1].upper() + unit[1:]) + (("Share",) if show_share else ())
    rows = [
        (b.label, number(b.value))
        + ((number(b.value / total, True) if total else "0%",) if show_share else ())
        for b in shown
    ]
    table = _table(chart_id, title, head, rows)
    return _figure(chart_id, summary, width, height, "".join(parts), table)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    segments: Sequence[Segment],
    *,
    chart_id: str,
    title: str,
    empty: str,
) -> str:
    """One bar per row split into `segments` (e.g. new, claimed, done), all on one scale; the
    row's label says every part in words, so the colours only repeat what the text says."""
    kept = [(label, [max(0.0, float(v)) for v in values]) for label, values in rows]
    kept = [(label, values) for label, values in kept if sum(values) > 0]
    if not kept:
        return _empty(chart_id, empty)
    width, legend = 440, 30
    top = max(sum(values) for _, values in kept)
    parts = []
    x = 0.0
    for segment in segments:  # the legend: a swatch and a word per segment
        parts.append(
            f'<rect x="{x:.0f}" y="4" width="16" height="16" rx="2" '
            f'fill="{TONES[segment.tone]}"/>'
            f'<text x="{x + 22:.0f}" y="17" class="chart-tick" fill="{INK}">'
            f"{escape(segment.label)}</text>"
        )
        x += 34 + 8.5 * len(segment.label)
    sentences = []
    y = legend
    for label, values in kept:
        said = ", ".join(
            f"{number(v)} {s.label.lower()}" for v, s in zip(values, segments, strict=True) if v > 0
        )
        line = f"{label}: {said}"
        sentences.append(line)
        parts.append(_label(line, y + 16))
        y += LINE * (len(label_lines(line)) - 1)
        x = 0.0
        for value, segment in zip(values, segments, strict=True):
            if value <= 0:
                continue
            length = (width - 10) * value / top
            parts.append(
                f'<rect class="chart-bar" x="{x:.1f}" y="{y + 24}" width="{length:.1f}" '
                f'height="22" fill="{TONES[segment.tone]}"><title>{escape(label)}, '
                f"{escape(segment.label.lower())}: {escape(number(value))}</title></rect>"
            )
            if length >= 10 * len(number(value)) + 8:
                parts.append(
                    f'<text x="{x + length / 2:.1f}" y="{y + 40}" text-anchor="middle" '
                    f'class="chart-value" fill="#ffffff">{escape(number(value))}</text>'
                )
            x += length
        y += 52
    height = y + 4
    summary = f"{title}: " + "; ".join(sentences) + "."
    head = ("", *(s.label for s in segments), "Total")
    table_rows = [
        (label, *(number(v) for v in values), number(sum(values))) for label, values in kept
    ]
    table = _table(chart_id, title, head, table_rows)
    return _figure(chart_id, summary, width, height, "".join(parts), table)
