"""Plotly figures drawn from the metrics' tables, so a chart shows exactly its table's figures.

A hidden count is drawn as an empty bar labelled "c" (or a gap in a line): the chart never
holds a number the table withholds. Figures go to the browser as JSON; plotly.js is served by
the app itself.
"""

import json

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from sufficiency.metrics.tables import Table, is_hidden

# GOV.UK Design System colours, distinguishable in order.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
# Alternate solid and dashed lines, so that two series of one colour stay apart in print.
DASHES = ("solid", "dash")
FONT = {"family": "GDS Transport, arial, sans-serif", "size": 14, "color": "#0b0c0c"}
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def _layout(**overrides) -> dict:
    return {
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        "height": 380,
        "legend": {"orientation": "h", "y": -0.2},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        **overrides,
    }


def _values(cells: list) -> tuple[list, list[str]]:
    """Bar heights (0 where suppressed) and the labels marking suppressed bars."""
    heights = [0 if is_hidden(cell) or cell is None else cell for cell in cells]
    labels = [str(cell) if is_hidden(cell) else "" for cell in cells]
    return heights, labels


def bar_chart(
    table: Table,
    series: list[str],
    *,
    category: str | None = None,
    axis_title: str = "",
    horizontal: bool = False,
    stacked: bool = False,
) -> str:
    """A grouped (or stacked) bar chart of some of a table's columns, by its first column."""
    categories = table.column(category or table.headings[0])
    figure = go.Figure()
    for colour, heading in zip(COLOURS, series, strict=False):
        heights, labels = _values(table.column(heading))
        axes = {"y": categories, "x": heights} if horizontal else {"x": categories, "y": heights}
        figure.add_trace(
            go.Bar(
                name=heading,
                marker_color=colour,
                text=labels,
                textposition="outside",
                orientation="h" if horizontal else "v",
                **axes,
            )
        )
    value_axis = {"title": {"text": axis_title}, "rangemode": "tozero"}
    category_axis = {"automargin": True}
    if horizontal:
        category_axis["autorange"] = "reversed"
    figure.update_layout(
        _layout(
            barmode="stack" if stacked else "group",
            height=max(380, 28 * len(categories) * (1 if stacked else len(series)) + 120)
            if horizontal
            else 380,
            xaxis=value_axis if horizontal else category_axis,
            yaxis=category_axis if horizontal else value_axis,
            showlegend=len(series) > 1,
        )
    )
    return _as_json(figure)


def bubble_map(table: Table, outline: list[tuple[float, float]]) -> str:
    """Bubbles at authorities' centroids sized by places, over dots of England's postcode
    districts: a map drawn from our own data, so it needs nothing from another server."""
    places = [value or 0 for value in table.column("Places")]
    largest = max(places, default=1) or 1
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[lon for _, lon in outline],
            y=[lat for lat, _ in outline],
            mode="markers",
            marker={"size": 2, "color": "#b1b4b6"},
            hoverinfo="skip",
            name="Postcode districts",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=table.column("Longitude"),
            y=table.column("Latitude"),
            mode="markers",
            name="Places",
            marker={
                "size": places,
                "sizemode": "area",
                "sizeref": 2 * largest / 40**2,
                "sizemin": 3,
                "color": "rgba(29, 112, 184, 0.6)",
                "line": {"color": "#003078", "width": 1},
            },
            text=[
                f"{name}: {homes} homes, {count} places"
                for name, homes, count in zip(
                    table.column("Local authority"), table.column("Homes"), places, strict=True
                )
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    hidden_axis = {"visible": False, "fixedrange": False}
    figure.update_layout(
        _layout(
            height=640,
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            xaxis=hidden_axis,
            # A degree of longitude is shorter than a degree of latitude at England's latitude.
            yaxis={**hidden_axis, "scaleanchor": "x", "scaleratio": 1.6},
        )
    )
    return _as_json(figure)


def _as_json(figure: go.Figure) -> str:
    spec = figure.to_plotly_json()
    spec["config"] = CONFIG
    # Escape "<" so the JSON can sit inside a <script type="application/json"> element.
    return json.dumps(spec, cls=PlotlyJSONEncoder).replace("<", "\\u003c")


def line_chart(
    traces: list[tuple[str, list, list]], *, axis_title: str = "", category_title: str = ""
) -> str:
    """Lines (name, x values, y values) over shared categories; a hidden value leaves a gap:
    the chart never holds a number the table withholds."""
    figure = go.Figure()
    for index, (name, categories, values) in enumerate(traces):
        figure.add_trace(
            go.Scatter(
                name=name,
                x=categories,
                y=[None if is_hidden(value) else value for value in values],
                mode="lines+markers",
                line={"color": COLOURS[index // 2 % len(COLOURS)], "dash": DASHES[index % 2]},
            )
        )
    figure.update_layout(
        _layout(
            xaxis={"type": "category", "automargin": True, "title": {"text": category_title}},
            yaxis={"title": {"text": axis_title}, "rangemode": "tozero"},
            showlegend=True,
            height=420,
        )
    )
    return _as_json(figure)
