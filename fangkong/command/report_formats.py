"""The daily analysis report as a PDF (reportlab, with its own charts, in a CJK font) and as
an Excel workbook (openpyxl). Both are drawn from the report's data dictionary alone."""

from __future__ import annotations

import io
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangkong.command.exports import write_rows
from fangkong.core.excel import workbook_bytes
from fangkong.core.fonts import cjk_font
from fangkong.screening.choices import Outcome

OUTCOME_COLOURS = ("#2e7d32", "#00897b", "#1565c0", "#ef6c00", "#c62828")


def outcome_labels() -> dict[str, str]:
    """The rollup's outcome columns with the outcomes' labels."""
    return {f"outcome_{value}": str(label) for value, label in Outcome.choices}


def figure_rows(data: dict[str, Any]) -> list[list[Any]]:
    """Key figures: today, the day before, the same day last week."""
    labels = {
        "persons": _("Persons checked"),
        "vehicles": _("Vehicles"),
        **outcome_labels(),
        "code_red": _("Red health codes"),
        "code_yellow": _("Yellow health codes"),
        "overrides": _("Decisions against the recommendation"),
    }
    return [
        [label, data["figures"][key], data["yesterday"][key], data["last_week"][key]]
        for key, label in labels.items()
    ]


def figure_headers() -> list[str]:
    # "The day", not "today": a report is read about a day that has passed.
    return [_("Figure"), _("The day"), _("Day before"), _("Same day last week")]


def report_state(unit_row: dict[str, Any]) -> str:
    return {
        "missing": _("not submitted"),
        "late": _("submitted late"),
        "on_time": _("submitted"),
    }.get(unit_row["report"], "")


def unit_rows(data: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            u["name"],
            u["today"],
            u["vehicles"],
            u["persuade_return"],
            u["refer_health"],
            report_state(u),
        ]
        for u in data["units"]
    ]


def unit_headers() -> list[str]:
    return [
        _("Unit"),
        _("Persons"),
        _("Vehicles"),
        _("Persuaded to return"),
        _("Referred to health"),
        pgettext("daily report", "Report"),
    ]


# Quiet sites named one by one in the report's exceptions; the rest are counted.
QUIET_LISTED = 10


def exception_lines(data: dict[str, Any]) -> list[str]:
    exceptions = data["exceptions"]
    quiet = exceptions["quiet_sites"]
    lines = [
        _("Quiet site: %(site)s (%(unit)s), %(hours)s hours without a check")
        % {"site": q["name"], "unit": q["unit"], "hours": q["hours"]}
        for q in quiet[:QUIET_LISTED]
    ]
    if len(quiet) > QUIET_LISTED:
        # The rest in one line: dozens of quiet county roads must not fill pages.
        lines.append(
            _("and %(count)s more quiet sites (the Excel file lists them all)")
            % {"count": len(quiet) - QUIET_LISTED}
        )
    lines += [
        _("Against the policy's recommendation at %(site)s: %(count)s")
        % {"site": o["name"], "count": o["count"]}
        for o in exceptions["override_sites"]
    ]
    lines += [
        _("Peak of persuasions to return at %(hour)s:00: %(count)s")
        % {"hour": p["hour"], "count": p["count"]}
        for p in exceptions["persuade_peaks"]
    ]
    return lines


# --- PDF -------------------------------------------------------------------------------------


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=8),
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.grey, fontSize=9),
    }


def _table(font: str, headers: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table([headers, *[[str(c) for c in r] for r in rows]], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0fb")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c3ce")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _hourly_chart(font: str, data: dict[str, Any]) -> Drawing:
    drawing = Drawing(170 * mm, 55 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, 150 * mm, 42 * mm
    chart.data = [
        [p["persons"] for p in data["hourly"]],
        [p["persuade_return"] for p in data["hourly"]],
    ]
    chart.categoryAxis.categoryNames = [str(p["hour"]) for p in data["hourly"]]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    series = [
        (colors.HexColor("#1565c0"), _("Persons")),
        (colors.HexColor("#ef6c00"), _("Persuaded to return")),
    ]
    for i, (colour, _label) in enumerate(series):
        chart.lines[i].strokeColor = colour
    drawing.add(chart)
    drawing.add(String(12 * mm, 51 * mm, _("Persons by hour"), fontName=font, fontSize=9))
    legend = Legend()
    legend.x, legend.y = 120 * mm, 53 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 30 * mm
    legend.colorNamePairs = series
    drawing.add(legend)
    return drawing


def _outcome_pie(font: str, data: dict[str, Any]) -> Drawing:
    drawing = Drawing(80 * mm, 55 * mm)
    labels = outcome_labels()
    values = [(label, data["figures"][key]) for key, label in labels.items()]
    shown = [(label, n) for label, n in values if n] or [(_("No checks"), 1)]
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 18 * mm, 6 * mm, 40 * mm, 40 * mm
    pie.data = [n for _label, n in shown]
    pie.labels = [f"{label} {n}" for label, n in shown]
    # Labels beside the pie with pointers, so that small slices' labels do not overlap.
    pie.simpleLabels = 0
    pie.sideLabels = 1
    pie.slices.fontName = font
    pie.slices.fontSize = 7
    for i in range(len(shown)):
        pie.slices[i].fillColor = colors.HexColor(OUTCOME_COLOURS[i % len(OUTCOME_COLOURS)])
    drawing.add(pie)
    return drawing


def _origin_bars(font: str, data: dict[str, Any]) -> Drawing:
    drawing = Drawing(90 * mm, 55 * mm)
    origins = list(reversed(data["origins"])) or [{"name": "—", "count": 0}]
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28 * mm, 4 * mm, 56 * mm, 46 * mm
    chart.data = [[o["count"] for o in origins]]
    chart.categoryAxis.categoryNames = [o["name"] for o in origins]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1565c0")
    drawing.add(chart)
    return drawing


def report_pdf(*, data: dict[str, Any], status_line: str, remarks: str) -> bytes:
    font = cjk_font()
    styles = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Daily analysis report"),
    )
    title = _("%(unit)s daily analysis report, %(day)s") % {
        "unit": data["unit"]["name"],
        "day": data["day"],
    }
    story: list[Any] = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(status_line), styles["muted"]),
        Paragraph(escape(_("Summary")), styles["h2"]),
        Paragraph(escape(data["summary"]), styles["base"]),
        Paragraph(escape(_("Figures")), styles["h2"]),
        _table(font, figure_headers(), figure_rows(data), [60 * mm, 35 * mm, 35 * mm, 35 * mm]),
        Spacer(1, 4 * mm),
        _hourly_chart(font, data),
        Table([[_outcome_pie(font, data), _origin_bars(font, data)]]),
    ]
    if data["units"]:
        story += [
            Paragraph(escape(_("Units")), styles["h2"]),
            _table(
                font,
                unit_headers(),
                unit_rows(data),
                [50 * mm, 22 * mm, 22 * mm, 26 * mm, 26 * mm, 30 * mm],
            ),
        ]
    lines = exception_lines(data) or [_("No exceptions.")]
    story.append(Paragraph(escape(_("Exceptions")), styles["h2"]))
    story += [Paragraph(escape("• " + line), styles["base"]) for line in lines]
    if remarks:
        story += [
            Paragraph(escape(_("Remarks")), styles["h2"]),
            Paragraph(escape(remarks), styles["base"]),
        ]
    doc.build(story, onFirstPage=_page_number(font), onLaterPages=_page_number(font))
    return out.getvalue()


def _page_number(font: str) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 7 * mm, _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    return draw


# --- Excel -----------------------------------------------------------------------------------


def report_workbook(*, data: dict[str, Any], status_line: str, remarks: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("daily report", "Report")
    title = _("%(unit)s daily analysis report, %(day)s") % {
        "unit": data["unit"]["name"],
        "day": data["day"],
    }
    for line in (title, status_line, data["summary"], remarks):
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    write_rows(sheet, figure_headers(), figure_rows(data))
    sheet.append([_("Day-on-day change (%)"), data["change_day"]])
    sheet.append([_("Change on last week (%)"), data["change_week"]])
    write_rows(book.create_sheet(_("Units")), unit_headers(), unit_rows(data))
    hourly = [
        [p["hour"], p["persons"], p["vehicles"], p["persuade_return"], p["refer_health"]]
        for p in data["hourly"]
    ]
    write_rows(
        book.create_sheet(_("By hour")),
        [_("Hour"), _("Persons"), _("Vehicles"), _("Persuaded to return"), _("Referred to health")],
        hourly,
    )
    write_rows(
        book.create_sheet(_("Origins")),
        [_("Division code"), _("Place of origin"), _("Persons")],
        [[o["code"], o["name"], o["count"]] for o in data["origins"]],
    )
    write_rows(
        book.create_sheet(_("Exceptions")),
        [_("Exception")],
        [[line] for line in exception_lines(data)],
    )
    return workbook_bytes(book)
