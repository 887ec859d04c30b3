"""What the pages, the API and the exports show of matches and contacts: masked identities,
the reason and the time, and the graph of a trace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.intel import selectors
from fangkong.intel.choices import ContactReason, MatchBasis, MatchStatus, RecordType
from fangkong.intel.models import Match, Trace, TraceContact
from fangkong.keypersons.choices import CandidateStatus
from fangkong.lib import tabular


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def match_row(match: Match) -> dict[str, Any]:
    entry = match.entry
    return {
        "id": match.pk,
        "list": match.watch_list.name,
        "row": entry.row,
        "name": entry.name_masked,
        "document": entry.doc_masked,
        "phone": entry.phone_masked,
        "plate": entry.plate,
        "basis": str(MatchBasis(match.basis).label),
        "record": str(RecordType(match.record_type).label),
        "record_id": match.record_id,
        "site": match.site.name if match.site is not None else "",
        "unit": match.unit.name,
        "seen_at": _when(match.seen_at),
        "status": match.status,
        "status_label": str(MatchStatus(match.status).label),
        "pending": match.status == MatchStatus.PENDING,
    }


def contact_row(contact: TraceContact, candidates: dict[int, str] | None = None) -> dict[str, Any]:
    """A contact as the page and the API show it; ``candidates`` (person id → status) gives
    the status of the key-person candidate the contact became, if any."""
    candidate = (candidates or {}).get(contact.person_id, "")
    return {
        "id": contact.pk,
        "person_id": contact.person_id,
        "document": contact.person.doc_masked,
        "degree": contact.degree,
        "reason": str(ContactReason(contact.reason).label),
        "reason_code": contact.reason,
        "via_id": contact.via_id,
        "site": contact.site.name if contact.site is not None else "",
        "at": _when(contact.at),
        "plate": contact.plate,
        "train": contact.train,
        "followed": contact.followed,
        "candidate": candidate,
        "candidate_label": str(CandidateStatus(candidate).label) if candidate else "",
    }


def second_degree_cut(trace: Trace, contacts: QuerySet[TraceContact]) -> dict[str, Any] | None:
    """How a trace's second degree was cut short, of the ``contacts`` the reader may see (none
    if it was not): the first-degree contacts followed, of how many, and the notice saying so.
    """
    if not trace.second_degree_cut:
        return None
    counts = selectors.first_degree_followed(contacts)
    notice = _(
        "Second-degree contacts were traced from only %(followed)s of the %(total)s "
        "first-degree contacts, those closest in time to the case, and at most %(limit)s "
        "second-degree contacts are kept per trace, so the second degree is incomplete. "
        "Narrow the time window, or trace specific persons, to find the rest."
    ) % {**counts, "limit": settings.TRACE_SECOND_DEGREE_MAX}
    return {**counts, "notice": notice}


def case_label(trace: Trace) -> str:
    if trace.person is not None:
        return trace.person.doc_masked
    if trace.plate:
        return trace.plate
    return f"{trace.train} {trace.seat}".strip()


def trace_graph(trace: Trace, contacts: Iterable[TraceContact]) -> dict[str, Any]:
    """Nodes (the case, each contact, masked) and links (found through whom, why)."""
    case_id = f"p{trace.person_id}" if trace.person_id else "case"
    nodes = [{"id": case_id, "name": case_label(trace), "category": 0}]
    links = []
    for contact in contacts:
        node = f"p{contact.person_id}"
        nodes.append({"id": node, "name": contact.person.doc_masked, "category": contact.degree})
        source = f"p{contact.via_id}" if contact.via_id else case_id
        reason = str(ContactReason(contact.reason).label)
        links.append({"source": source, "target": node, "label": reason, "at": _when(contact.at)})
    categories = [{"name": _("Case")}, {"name": _("First degree")}, {"name": _("Second degree")}]
    return {"nodes": nodes, "links": links, "categories": categories}


def contacts_workbook(trace: Trace, contacts: QuerySet[TraceContact]) -> bytes:
    """The full list for the units that must act: full document numbers (the export is
    audited with its reason), why and when; a second sheet says if the second degree was
    cut short."""
    headers = [
        _("Document number"),
        _("Degree"),
        _("Reason"),
        _("Site"),
        _("Time"),
        _("Licence plate"),
        _("Train or flight"),
    ]
    rows = (
        [
            c.person.doc_number,
            c.degree,
            str(ContactReason(c.reason).label),
            c.site.name if c.site is not None else "",
            _when(c.at),
            c.plate,
            c.train,
        ]
        for c in contacts
    )
    sheets: list[tuple[str, list[str], Iterable[list[Any]]]] = [(_("Contacts"), headers, rows)]
    cut = second_degree_cut(trace, contacts)
    if cut is not None:
        sheets.append((_("Explanation"), [_("Note")], [[cut["notice"]]]))
    return tabular.write_workbook(sheets)
