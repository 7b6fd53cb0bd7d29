"""The ranking chart of the front-runner pages: one market x registration year's priced variants as an
inline SVG column chart, pure Python (no plotting library, no script).

One column per variant, in one panel per segment (the rule ranks within a segment), sorted by the
life-cycle g CO2e/km of the core boundary; coloured by powertrain (Okabe-Ito, safe for colour-blind
readers), faded where the variant is not eligible, outlined with a marker above where it is a
front-runner. Two reference lines: the market's sales-weighted fleet average (what a front-runner
must be below) and Green NCAP's LCA Award threshold, which is on Green NCAP's all-stages boundary
(with maintenance and end of life) and so only a reference for columns of the core boundary. Each
column carries its model id and unrounded value as data attributes and a ``<title>``, and links to
the variant's report where one is published. Every number drawn is a row's value: nothing is
computed here but positions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape

# Okabe & Ito (2008) colours; the order follows the contract's powertrains.
POWERTRAIN_COLOURS = {"BEV": "#0072B2", "PHEV": "#009E73", "HEV": "#E69F00", "ICEV": "#CC79A7"}
UNKNOWN_POWERTRAIN_COLOUR = "#999999"
FLEET_LINE_COLOUR = "#000000"
GREEN_NCAP_LINE_COLOUR = "#117733"
# Segments from small to large where known; any other segment follows in name order.
SEGMENT_ORDER = ("small", "small_suv", "medium", "medium_suv", "large", "large_suv")

# Geometry (SVG user units; the SVG scales to the page width through its viewBox).
COLUMN_PITCH = 4.0
COLUMN_WIDTH = 3.2
MIN_PANEL_WIDTH = 84.0  # room for the segment's label under a panel of a few columns
PANEL_GAP = 14.0
MIN_PLOT_WIDTH = 860.0
LEFT_MARGIN = 52.0
RIGHT_MARGIN = 12.0
TOP_MARGIN = 34.0
PLOT_HEIGHT = 270.0
AXIS_LABEL_SPACE = 44.0
LEGEND_HEIGHT = 40.0
Y_STEP = 50.0


def segment_sort_key(segment: str) -> tuple[int, str]:
    return (SEGMENT_ORDER.index(segment) if segment in SEGMENT_ORDER else len(SEGMENT_ORDER), segment)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def vehicle_name(row: Mapping) -> str:
    """Make, model and variant, and the model year where the row has one (the catalogue lists some
    variants under one name for several model years)."""
    name = " ".join(part for part in (row.get("make"), row.get("model"), row.get("variant")) if part)
    return f"{name}, model year {row['model_year']}" if row.get("model_year") else name


def _column_title(row: Mapping) -> str:
    status = ("front-runner" if row.get("is_front_runner")
              else "not eligible" if not row.get("is_eligible") else "eligible, not a front-runner")
    return (f"{row.get('vehicle') or vehicle_name(row)} ({row.get('powertrain')}): {row['lifecycle_g_co2e_per_km']:.1f} g CO2e/km, "
            f"rank {row.get('rank_in_segment')} of {row.get('variants_in_segment')} in {row.get('segment')}; {status}")


def ranking_svg(variants: Sequence[Mapping], *, fleet_average: float | None, green_ncap_threshold: float | None,
                report_href: Callable[[Mapping], str | None], chart_id: str, caption: str) -> str:
    """The chart of one market x year as SVG markup (text escaped here, so safe to insert as is).

    ``variants`` are fct_front_runner rows of one market x year; ``report_href(row)`` is the relative
    link of a row's report or None where it has none."""
    panels = _panels(variants)
    # At least the legend's width, so a market with few variants still has a legible chart.
    plot_width = max(MIN_PLOT_WIDTH, sum(width for _, _, width in panels) + PANEL_GAP * max(0, len(panels) - 1))
    width = LEFT_MARGIN + plot_width + RIGHT_MARGIN
    height = TOP_MARGIN + PLOT_HEIGHT + AXIS_LABEL_SPACE + LEGEND_HEIGHT
    references = [value for value in (fleet_average, green_ncap_threshold) if value is not None]
    highest = max([row["lifecycle_g_co2e_per_km"] for row in variants] + references + [Y_STEP])
    y_max = math.ceil(highest * 1.06 / Y_STEP) * Y_STEP

    def y(value: float) -> float:
        return TOP_MARGIN + PLOT_HEIGHT * (1 - value / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ranking-chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{escape(chart_id)}-title">{escape(caption)}</title>',
    ]
    parts.extend(_axis(y, y_max, width))
    x = LEFT_MARGIN
    for segment, rows, panel_width in panels:
        parts.append(f'<g class="segment" data-segment="{escape(segment)}">')
        for index, row in enumerate(rows):
            parts.append(_column(row, x + index * COLUMN_PITCH, y, report_href(row)))
        label_x = x + panel_width / 2
        axis_y = TOP_MARGIN + PLOT_HEIGHT
        parts.append(f'<text x="{label_x:.1f}" y="{axis_y + 14:.1f}" text-anchor="middle" font-weight="600">'
                     f'{escape(segment)}</text>')
        cutoff = rows[0].get("best_share_cutoff_rank") if rows else None
        parts.append(f'<text x="{label_x:.1f}" y="{axis_y + 27:.1f}" text-anchor="middle" fill="#444" font-size="10">'
                     f'n={len(rows)}, rank ≤ {escape(str(cutoff))}</text>')
        parts.append("</g>")
        x += panel_width + PANEL_GAP
    parts.extend(_reference_lines(y, width, fleet_average, green_ncap_threshold))
    parts.extend(_legend(TOP_MARGIN + PLOT_HEIGHT + AXIS_LABEL_SPACE, fleet_average is not None,
                         green_ncap_threshold is not None))
    parts.append("</svg>")
    return "\n".join(parts)


def _panels(variants: Iterable[Mapping]) -> list[tuple[str, list[Mapping], float]]:
    by_segment: dict[str, list[Mapping]] = {}
    for row in variants:
        by_segment.setdefault(row["segment"], []).append(row)
    panels = []
    for segment in sorted(by_segment, key=segment_sort_key):
        rows = sorted(by_segment[segment], key=lambda row: (row["lifecycle_g_co2e_per_km"], row["model_id"]))
        panels.append((segment, rows, max(MIN_PANEL_WIDTH, len(rows) * COLUMN_PITCH)))
    return panels


def _axis(y: Callable[[float], float], y_max: float, width: float) -> list[str]:
    parts = ['<g class="axis" fill="#444">']
    steps = int(y_max // Y_STEP)
    for step in range(steps + 1):
        value = step * Y_STEP
        parts.append(f'<line x1="{LEFT_MARGIN - 4:.0f}" x2="{width - RIGHT_MARGIN:.0f}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#ddd" stroke-width="0.6"/>')
        parts.append(f'<text x="{LEFT_MARGIN - 7:.0f}" y="{y(value) + 3.5:.1f}" text-anchor="end">{value:.0f}</text>')
    parts.append(f'<text transform="translate(12 {TOP_MARGIN + PLOT_HEIGHT / 2:.0f}) rotate(-90)" '
                 f'text-anchor="middle">g CO2e/km, life cycle (core boundary)</text>')
    parts.append("</g>")
    return parts


def _column(row: Mapping, x: float, y: Callable[[float], float], href: str | None) -> str:
    value = row["lifecycle_g_co2e_per_km"]
    colour = POWERTRAIN_COLOURS.get(row.get("powertrain"), UNKNOWN_POWERTRAIN_COLOUR)
    top = y(value)
    base = y(0)
    front_runner = bool(row.get("is_front_runner"))
    style = ' stroke="#000" stroke-width="0.9"' if front_runner else (
        ' fill-opacity="0.35"' if not row.get("is_eligible") else "")
    column = (f'<rect class="bar" x="{x:.2f}" y="{top:.2f}" width="{COLUMN_WIDTH}" height="{max(base - top, 0.5):.2f}" '
              f'fill="{colour}"{style} data-model-id="{escape(row["model_id"])}" data-g-co2e-per-km="{value!r}" '
              f'data-front-runner="{str(front_runner).lower()}"><title>{escape(_column_title(row))}</title></rect>')
    if href:
        column = f'<a href="{escape(href)}">{column}</a>'
    if front_runner:
        centre = x + COLUMN_WIDTH / 2
        column += (f'<path class="front-runner-marker" d="M{centre - 2.2:.2f} {top - 6:.2f}h4.4l-2.2 3.6z" '
                   f'fill="#000" aria-hidden="true"/>')
    return column


def _reference_lines(y: Callable[[float], float], width: float, fleet_average: float | None,
                     green_ncap_threshold: float | None) -> list[str]:
    right = width - RIGHT_MARGIN
    parts = []
    if green_ncap_threshold is not None:
        parts.extend(_reference_line(
            "green-ncap-line", y(green_ncap_threshold), right, GREEN_NCAP_LINE_COLOUR, "2 3",
            f"Green NCAP LCA Award threshold {_number(green_ncap_threshold)} g CO2e/km (all-stages boundary: "
            f"a reference only)", below=True))
    if fleet_average is not None:
        parts.extend(_reference_line("fleet-average-line", y(fleet_average), right, FLEET_LINE_COLOUR, "7 4",
                                     f"Market fleet average {fleet_average:.1f} g CO2e/km", below=False))
    return parts


def _reference_line(css_class: str, level: float, right: float, colour: str, dash: str, label: str,
                    below: bool) -> list[str]:
    # The label sits at the left end, above or below its line, with a white halo so columns behind it stay readable.
    text_y = level + 13 if below else level - 5
    return [
        f'<line class="{css_class}" x1="{LEFT_MARGIN:.0f}" x2="{right:.0f}" y1="{level:.1f}" y2="{level:.1f}" '
        f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>',
        f'<text x="{LEFT_MARGIN + 8:.0f}" y="{text_y:.1f}" fill="{colour}" font-weight="600" paint-order="stroke" '
        f'stroke="#fff" stroke-width="3.5" stroke-linejoin="round">{escape(label)}</text>',
    ]


def _legend(top: float, has_fleet_average: bool, has_green_ncap: bool) -> list[str]:
    parts = [f'<g class="legend" transform="translate({LEFT_MARGIN:.0f} {top:.0f})">']
    x = 0.0
    for powertrain, colour in POWERTRAIN_COLOURS.items():
        parts.append(f'<rect x="{x:.0f}" y="0" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16:.0f}" y="10">{powertrain}</text>')
        x += 62
    parts.append(f'<rect x="{x:.0f}" y="0" width="12" height="12" fill="#0072B2" stroke="#000" stroke-width="1.2"/>'
                 f'<path d="M{x + 2:.0f} -7h8l-4 5z" fill="#000"/><text x="{x + 16:.0f}" y="10">front-runner</text>')
    x += 100
    parts.append(f'<rect x="{x:.0f}" y="0" width="12" height="12" fill="#0072B2" fill-opacity="0.35"/>'
                 f'<text x="{x + 16:.0f}" y="10">not eligible (faded)</text>')
    x += 130
    if has_fleet_average:
        parts.append(f'<line x1="{x:.0f}" x2="{x + 24:.0f}" y1="6" y2="6" stroke="{FLEET_LINE_COLOUR}" '
                     f'stroke-width="1.4" stroke-dasharray="7 4"/><text x="{x + 28:.0f}" y="10">fleet average</text>')
        x += 112
    if has_green_ncap:
        parts.append(f'<line x1="{x:.0f}" x2="{x + 24:.0f}" y1="6" y2="6" stroke="{GREEN_NCAP_LINE_COLOUR}" '
                     f'stroke-width="1.4" stroke-dasharray="2 3"/><text x="{x + 28:.0f}" y="10">Green NCAP '
                     f'threshold (all stages)</text>')
    parts.append('<text x="0" y="30" fill="#444">One column per priced variant, lowest first within its segment; '
                 'hover a column for the vehicle, click it for its report where one is published.</text>')
    parts.append("</g>")
    return parts
