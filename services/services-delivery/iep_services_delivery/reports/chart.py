"""A goal's measurements over time as a small line chart (reportlab.graphics)."""

from __future__ import annotations

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from iep_services_delivery.reports.i18n import Speaker
from iep_services_delivery.reports.reading import GoalRead

WIDTH, HEIGHT = 440, 150


def goal_chart(goal: GoalRead, speaker: Speaker) -> Drawing:
    """The goal's measurements by date, with the target as a dashed line when it is a
    number. Days are counted from the first measurement; the axis shows dates."""
    drawing = Drawing(WIDTH, HEIGHT)
    points = sorted(goal.observations, key=lambda m: m.observed_on)
    if not points:
        drawing.add(String(10, HEIGHT / 2, speaker.say("No measurements yet."), fontSize=9))
        return drawing
    first = points[0].observed_on
    series = [((m.observed_on - first).days, m.value) for m in points]
    values = [v for _, v in series] + ([goal.target_value] if goal.target_value is not None
                                       else [])
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    span = max(series[-1][0], 1)

    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, WIDTH - 60, HEIGHT - 45
    plot.data = [series]
    plot.joinedLines = 1
    plot.lines[0].strokeColor = colors.HexColor("#1f5fa8")
    plot.lines[0].strokeWidth = 1.5
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = low, high
    plot.xValueAxis.valueSteps = [d for d, _ in series]
    labels = {d: speaker.short_day(m.observed_on) for (d, _), m in zip(series, points,
                                                                       strict=True)}
    plot.xValueAxis.labelTextFormat = lambda d: labels.get(int(d), "")
    plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.labels.angle = 30
    plot.xValueAxis.labels.dy = -8
    plot.yValueAxis.labels.fontSize = 7
    drawing.add(plot)
    if goal.target_value is not None:
        y = plot.y + (goal.target_value - low) / (high - low) * plot.height
        drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.green,
                         strokeDashArray=[3, 2]))
        drawing.add(String(plot.x + plot.width - 2, y + 2, speaker.say("Target"),
                           fontSize=7, textAnchor="end", fillColor=colors.green))
    return drawing
