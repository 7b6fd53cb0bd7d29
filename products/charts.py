"""Inline SVG charts of the vehicle report, built as text in Python (no script, no external file):
the stacked bar of the life-cycle stages (``stacked_stage_bar``) and the bars of the same model in
each market (``market_comparison_bars``).

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` that say in words what it
shows, so a screen reader, a text-only print and a test read the same numbers. The colours are the
Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) and every colour is
doubled by a label or a pattern, so the chart also reads in greyscale print. In the stage bar the
only ``<rect>`` elements are the stages (one each, with ``data-stage`` and ``data-kg-co2e``); swatches,
marks and the battery hatching are paths, so a test can count stages by counting rects.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from markupsafe import Markup

# Okabe & Ito (2008), "Color Universal Design": safe for protanopia, deuteranopia and tritanopia.
STAGE_COLOURS = {
    "raw_materials": "#0072B2",  # blue
    "production": "#56B4E9",  # sky blue
    "fuel_production": "#E69F00",  # orange
    "fuel_use": "#D55E00",  # vermillion
    "maintenance": "#009E73",  # bluish green
    "end_of_life": "#CC79A7",  # reddish purple
}
FALLBACK_COLOURS = ("#F0E442", "#999999", "#000000")
HIGHLIGHT_COLOUR = "#0072B2"
OTHER_COLOUR = "#9AA5B1"
MARK_COLOUR = "#000000"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif"

# Element ids are fixed per chart kind (not counted) so a page renders the same bytes in every
# process; a page holds one chart of each kind.
STAGES_ID, MARKETS_ID, BATTERY_PATTERN_ID = "chart-stages", "chart-markets", "battery-hatch"


def _fmt(value: float | None, digits: int = 0) -> str:
    return "not computed" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def escape(text: object) -> str:
    """Text for an SVG element or attribute (html.escape: a fraction of markupsafe's cost per call,
    which matters at a dozen labels per chart and hundreds of charts per publication)."""
    return html.escape(str(text), quote=True)


def _attr(value: object) -> str:
    """An attribute value: text escaped, a float in full precision (repr round-trips)."""
    return repr(value) if isinstance(value, float) else escape(value)


def _svg(chart_id: str, width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'style="{FONT};max-width:{width}px">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


def _square(x: float, y: float, size: float, fill: str, stroke: str | None = None) -> str:
    outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    return f'<path d="M{x:.1f} {y:.1f}h{size}v{size}h-{size}z" fill="{fill}"{outline}/>'


def stacked_stage_bar(stages: Sequence[Mapping], battery_kg_co2e: Mapping[str, float | None] | None = None,
                      battery_share: float | None = None, width: int = 760) -> Markup:
    """One horizontal bar of the life cycle, one ``<rect>`` per stage with a value (zero wide for 0).

    ``stages``: dicts with ``stage``, ``label``, ``kg_co2e`` (None: not computed, no rect) and
    ``in_core_boundary``; they are drawn in the order given, and a bracket spans the core-boundary
    stages when they are contiguous. ``battery_kg_co2e``: the traction battery's part of a stage
    (``{"raw_materials": kg, "production": kg}``), hatched from the start of that stage's rect;
    ``battery_share`` is written beside it (battery over the core total)."""
    # Every stage with a value gets its rect, a zero one too (zero wide): the bar then lists all
    # stages the table lists. A stage not computed (None) has no value to draw.
    drawn = [stage for stage in stages if stage.get("kg_co2e") is not None]
    total = sum(stage["kg_co2e"] for stage in drawn)
    bar_x, bar_y, bar_h, plot_w = 8.0, 28.0, 44.0, width - 16.0
    pattern = BATTERY_PATTERN_ID
    body = [f'<defs><pattern id="{pattern}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><path d="M0 0V6" stroke="#000" stroke-width="2" stroke-opacity="0.55"/>'
            f'</pattern></defs>',
            f'<text x="{bar_x}" y="18" font-size="13" font-weight="600">Life-cycle emissions by stage, '
            f'kg CO2e per vehicle (all stages: {_fmt(total)} kg)</text>']
    colours = iter(FALLBACK_COLOURS)
    x = bar_x
    spans: dict[str, tuple[float, float]] = {}
    battery_parts = []
    for stage in drawn:
        kg = stage["kg_co2e"]
        w = plot_w * kg / total if total else 0.0
        colour = STAGE_COLOURS.get(stage["stage"]) or next(colours, "#777777")
        share = kg / total if total else None
        body.append(
            f'<rect class="stage" data-stage="{_attr(stage["stage"])}" data-kg-co2e="{_attr(kg)}" '
            f'x="{x:.2f}" y="{bar_y}" width="{w:.2f}" height="{bar_h}" fill="{colour}" stroke="#fff" stroke-width="1">'
            f'<title>{escape(stage["label"])}: {_fmt(kg)} kg CO2e ({_pct(share)} of all stages)</title></rect>')
        spans[stage["stage"]] = (x, w)
        battery = (battery_kg_co2e or {}).get(stage["stage"])
        if battery and kg:
            bw = w * min(battery / kg, 1.0)
            battery_parts.append(f'<path class="battery" d="M{x:.2f} {bar_y}h{bw:.2f}v{bar_h}h-{bw:.2f}z" '
                                 f'fill="url(#{pattern})"><title>Traction battery in {escape(stage["label"])}: '
                                 f'{_fmt(battery)} kg CO2e</title></path>')
        x += w
    body.extend(battery_parts)

    y = bar_y + bar_h + 8
    core = [stage for stage in drawn if stage.get("in_core_boundary")]
    if core and drawn[:len(core)] == core:
        start = spans[core[0]["stage"]][0]
        end = spans[core[-1]["stage"]][0] + spans[core[-1]["stage"]][1]
        core_kg = sum(stage["kg_co2e"] for stage in core)
        body.append(f'<path d="M{start:.2f} {y}v6H{end:.2f}v-6" fill="none" stroke="{MARK_COLOUR}" stroke-width="1.5"/>')
        body.append(f'<text x="{start:.2f}" y="{y + 20}" font-size="12">Core boundary: '
                    f'{_fmt(core_kg)} kg CO2e ({_pct(core_kg / total if total else None)})</text>')
        if end < bar_x + plot_w - 40:
            body.append(f'<text x="{bar_x + plot_w:.2f}" y="{y + 20}" font-size="12" text-anchor="end">'
                        f'reported beside it →</text>')
    y += 34

    column_w = plot_w / 2
    for index, stage in enumerate(stages):
        col, row = index % 2, index // 2
        lx, ly = bar_x + col * column_w, y + row * 20
        kg = stage.get("kg_co2e")
        colour = STAGE_COLOURS.get(stage["stage"], "#777777")
        boundary = "" if stage.get("in_core_boundary") else " · beside core"
        body.append(_square(lx, ly, 12, colour))
        body.append(f'<text x="{lx + 18:.1f}" y="{ly + 10.5:.1f}" font-size="12">{escape(stage["label"])}: '
                    f'{_fmt(kg)} kg ({_pct(kg / total if kg is not None and total else None)}){boundary}</text>')
    y += ((len(stages) + 1) // 2) * 20
    battery_total = sum(value for value in (battery_kg_co2e or {}).values() if value)
    if battery_total:
        body.append(_square(bar_x, y, 12, f"url(#{pattern})", stroke="#000"))
        share_text = f", {_pct(battery_share)} of the core total" if battery_share is not None else ""
        body.append(f'<text x="{bar_x + 18:.1f}" y="{y + 10.5:.1f}" font-size="12">Hatched: traction battery '
                    f'(materials and manufacturing) {_fmt(battery_total)} kg{share_text}</text>')
        y += 20
    description = "; ".join(f"{stage['label']} {_fmt(stage.get('kg_co2e'))} kg CO2e" for stage in stages)
    if battery_total:
        description += f"; of which traction battery {_fmt(battery_total)} kg CO2e"
    return _svg(STAGES_ID, width, int(y + 6), "Life-cycle emissions by stage", description, body)


_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def highlight_style(key: str) -> str:
    """CSS that highlights ``key`` in a market chart drawn without ``highlight`` (a CSS fill
    overrides the SVG fill attribute); empty for a key that is not a plain code."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return ""
    return (f'svg.chart rect.market[data-market="{key}"]{{fill:{HIGHLIGHT_COLOUR}}}'
            f'svg.chart text[data-market="{key}"]{{font-weight:700}}')


def market_comparison_bars(rows: Sequence[Mapping], highlight: str | None = None, unit: str = "g CO2e/km",
                           width: int = 760) -> Markup:
    """Horizontal bars, one per row (``key``, ``label``, ``value``; optional ``fleet_average`` and
    ``segment_best``), the ``highlight`` key drawn in colour and the others in grey. A row's fleet
    average is a vertical black line across its bar, its segment best a diamond.

    Bars and labels carry ``data-market``, so one chart drawn without ``highlight`` can be shared by
    several pages, each highlighting its own key with ``highlight_style(key)``."""
    values = [value for row in rows for value in (row.get("value"), row.get("fleet_average"), row.get("segment_best"))
              if value is not None]
    top = max(values, default=1.0) * 1.08 or 1.0
    label_w, bar_h, gap, head = 150.0, 18.0, 8.0, 40.0
    plot_w = width - label_w - 70
    has_average = any(row.get("fleet_average") is not None for row in rows)
    has_best = any(row.get("segment_best") is not None for row in rows)
    body = [f'<text x="0" y="16" font-size="13" font-weight="600">Life cycle in each market, {escape(unit)} '
            f'(core boundary)</text>']
    legend_x = 0.0
    body.append(_square(legend_x, 24, 10, HIGHLIGHT_COLOUR))
    body.append(f'<text x="{legend_x + 14}" y="33" font-size="11">this report\'s market</text>')
    legend_x += 140
    if has_average:
        body.append(f'<path d="M{legend_x + 5} 22v14" stroke="{MARK_COLOUR}" stroke-width="2.5"/>')
        body.append(f'<text x="{legend_x + 14}" y="33" font-size="11">market new-car fleet average</text>')
        legend_x += 190
    if has_best:
        body.append(f'<path d="M{legend_x + 5} 23l5 6l-5 6l-5 -6z" fill="#fff" stroke="{MARK_COLOUR}" stroke-width="1.5"/>')
        body.append(f'<text x="{legend_x + 14}" y="33" font-size="11">best of its segment in the market</text>')

    def scale(value: float) -> float:
        return label_w + plot_w * value / top

    for index, row in enumerate(rows):
        y = head + index * (bar_h + gap)
        is_own = highlight is not None and row.get("key") == highlight
        key = _attr(row.get("key", ""))
        weight = ' font-weight="700"' if is_own else ""
        body.append(f'<text data-market="{key}" x="{label_w - 8}" y="{y + 13}" font-size="12" text-anchor="end"{weight}>'
                    f'{escape(row["label"])}</text>')
        value = row.get("value")
        if value is None:
            body.append(f'<text x="{label_w}" y="{y + 13}" font-size="12">not computed</text>')
            continue
        colour = HIGHLIGHT_COLOUR if is_own else OTHER_COLOUR
        tooltip = f"{row['label']}: {_fmt(value, 1)} {unit}"
        if row.get("fleet_average") is not None:
            tooltip += f"; fleet average {_fmt(row['fleet_average'], 1)}"
        if row.get("segment_best") is not None:
            tooltip += f"; segment best {_fmt(row['segment_best'], 1)}"
        body.append(f'<rect class="market" data-market="{key}" data-value="{_attr(value)}" '
                    f'x="{label_w}" y="{y}" width="{scale(value) - label_w:.2f}" height="{bar_h}" fill="{colour}">'
                    f'<title>{escape(tooltip)}</title></rect>')
        body.append(f'<text data-market="{key}" x="{scale(value) + 4:.2f}" y="{y + 13}" font-size="11"{weight}>'
                    f'{_fmt(value, 1)}</text>')
        if row.get("fleet_average") is not None:
            ax = scale(row["fleet_average"])
            body.append(f'<path class="fleet-average" data-value="{_attr(row["fleet_average"])}" '
                        f'd="M{ax:.2f} {y - 2}v{bar_h + 4}" stroke="{MARK_COLOUR}" stroke-width="2.5"/>')
        if row.get("segment_best") is not None:
            bx = scale(row["segment_best"])
            body.append(f'<path class="segment-best" data-value="{_attr(row["segment_best"])}" '
                        f'd="M{bx:.2f} {y + 3}l5 6l-5 6l-5 -6z" fill="#fff" stroke="{MARK_COLOUR}" stroke-width="1.5"/>')
    height = head + len(rows) * (bar_h + gap) + 4
    description = "; ".join(
        f"{row['label']} {_fmt(row.get('value'), 1)}"
        + (f" (fleet average {_fmt(row['fleet_average'], 1)})" if row.get("fleet_average") is not None else "")
        for row in rows)
    return _svg(MARKETS_ID, width, int(height), f"Life cycle of the model in each market, {unit}", description, body)
