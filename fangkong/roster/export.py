"""A roster as an Excel workbook: one sheet per view (sites, people, shortages, changes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from fangkong.core.excel import workbook_bytes
from fangkong.roster import selectors
from fangkong.roster.models import Roster, shift_label


def roster_title(roster: Roster, dates: list[str]) -> str:
    """The title row of every sheet: unit, period, version and status."""
    if roster.version:
        version = _("version %(version)s") % {"version": roster.version}
    else:
        version = str(roster.get_status_display())
    return _("%(unit)s duty roster, %(first)s to %(last)s (%(version)s)") % {
        "unit": roster.unit.name,
        "first": dates[0] if dates else "",
        "last": dates[-1] if dates else "",
        "version": version,
    }


def roster_workbook(roster: Roster) -> bytes:
    assignments = selectors.roster_assignments(roster)
    shortages = selectors.roster_shortages(roster)
    dates = [d.isoformat() for d in selectors.roster_dates(roster)]
    title = roster_title(roster, dates)
    book = Workbook()
    sheet = book.active
    sheet.title = _("By site")
    sheet.append([title])
    sheet.append([_("Site"), _("Shift"), *dates])
    for row in selectors.site_calendar(roster, assignments, shortages):
        place = row.site.name if row.site else _("Duty leader")
        cells = []
        for cell in row.cells:
            text = "、".join(cell.names)
            if cell.missing:
                text = f"{text} " + _("(short of %(count)s)") % {"count": cell.missing}
            cells.append(text.strip())
        sheet.append([place, row.label, *cells])
    people = book.create_sheet(_("By person"))
    people.append([title])
    people.append([_("Name"), _("Badge number"), _("Duties"), *dates])
    for person in selectors.person_calendar(roster, assignments):
        cells = [
            f"{duty.shift_label} {duty.site.name if duty.site else ''}".strip() if duty else ""
            for duty in person.cells
        ]
        people.append([person.staff.name, person.staff.badge_number, person.shifts, *cells])
    gaps = book.create_sheet(_("Shortages"))
    gaps.append([title])
    gaps.append([_("Date"), _("Shift"), _("Place"), _("Role"), _("Missing"), _("Explanation")])
    for gap in shortages:
        place = gap.site.name if gap.site else roster.unit.name
        gaps.append(
            [
                gap.date.isoformat(),
                shift_label(gap.shift),
                place,
                str(gap.get_role_display()),
                gap.missing,
                gap.text(),
            ]
        )
    changes = roster.summary.get("changes") or []
    if changes:
        sheet_changes = book.create_sheet(_("Changes"))
        sheet_changes.append([title])
        sheet_changes.append([_("Name"), _("Date"), _("Before"), _("After")])
        for change in changes:
            sheet_changes.append(
                [
                    change["staff"],
                    change["date"],
                    duty_text(change["before"]),
                    duty_text(change["after"]),
                ]
            )
    for ws in book.worksheets:
        ws["A1"].font = Font(bold=True, size=13)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "C3"
        ws.column_dimensions["A"].width = 22
        for column in ws.iter_cols(min_col=3, max_col=ws.max_column, min_row=2):
            ws.column_dimensions[column[0].column_letter].width = 18
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(book)


def duty_text(duty: dict | None) -> str:
    if not duty:
        return _("off")
    return f"{shift_label(duty['shift'])} {duty.get('site') or ''}".strip()
