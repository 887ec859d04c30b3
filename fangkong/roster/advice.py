"""Why a roster is short and what would help, in the leader's words: the engine's figures
(:mod:`fangkong.roster.engine.advice`) computed when the roster is stored, and the sentences
that the roster page shows above the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Unit
from fangkong.roster.choices import DutyRole
from fangkong.roster.engine import advice
from fangkong.roster.models import Roster
from fangkong.roster.problem import RosterInput

# At most this many units are named as lenders for a role.
LENDERS = 3


def advice_summary(data: RosterInput, unit: Unit, missing: int) -> dict[str, Any]:
    """What goes into the roster's summary: supply per role, and remedies if short."""
    problem = data.problem
    supply = advice.supply(problem)
    summary: dict[str, Any] = {
        "supply": [{"role": s.role, "demand": s.demand, "coverable": s.coverable} for s in supply],
        "unavoidable": sum(s.missing for s in supply),
        "remedies": [],
    }
    if not missing and not summary["unavoidable"]:
        return summary
    for remedy in advice.remedies(problem):
        row: dict[str, Any] = {
            "kind": remedy.kind,
            "role": remedy.role,
            "missing_after": remedy.missing_after,
            "people": remedy.people,
            "sites": [
                {"name": data.sites[site].name, "minimum": minimum}
                for site, minimum in remedy.sites
                if site in data.sites
            ],
        }
        if remedy.kind == "borrow":
            row["lenders"] = _lenders(unit, remedy.role)
        summary["remedies"].append(row)
    return summary


def _lenders(unit: Unit, role: str) -> list[str]:
    """Units near ``unit`` (under the same parent, outside its own subtree) with the most
    active staff who could take the role."""
    parent = unit.parent
    if parent is None:
        return []
    kind = StaffKind.AUXILIARY if role == DutyRole.AUXILIARY else StaffKind.OFFICER
    people = Q(staff__active=True, staff__kind=kind)
    if role == DutyRole.LEADER:
        people &= Q(staff__roles__code=RoleCode.DUTY_LEADER)
    units = (
        Unit.objects.filter(path__startswith=parent.path)
        .exclude(path__startswith=unit.path)
        .annotate(people=Count("staff", filter=people, distinct=True))
        .filter(people__gt=0)
        .order_by("-people", "path")[:LENDERS]
    )
    return [u.name for u in units]


@dataclass(frozen=True)
class SupplyRow:
    role: str
    demand: int
    coverable: int

    @property
    def missing(self) -> int:
        return self.demand - self.coverable


def supply_rows(roster: Roster) -> list[SupplyRow]:
    return [
        SupplyRow(DutyRole(row["role"]).label, row["demand"], row["coverable"])
        for row in roster.summary.get("supply", [])
    ]


def headline(roster: Roster) -> str:
    """One sentence: covered, or short by how much and how much of it no roster can avoid."""
    missing = roster.missing
    unavoidable = roster.summary.get("unavoidable")
    if not missing:
        return _("Every post is covered.")
    text = ngettext(
        "%(count)s person is missing on the posts over the period.",
        "%(count)s people are missing on the posts over the period (counted per shift).",
        missing,
    ) % {"count": missing}
    if unavoidable is None:
        return text
    if unavoidable >= missing:
        return " ".join(
            [text, _("No roster can do better: the unit has too few people for its posts.")]
        )
    if unavoidable:
        more = _(
            "%(unavoidable)s of them no roster can avoid (the unit has too few people); "
            "a longer search may cover up to %(rest)s more."
        ) % {"unavoidable": unavoidable, "rest": missing - unavoidable}
    else:
        more = _(
            "The unit has enough people to cover every post: a longer search should find a "
            "roster that does."
        )
    return " ".join([text, more])


def remedy_lines(roster: Roster) -> list[str]:
    """Each remedy with its computed effect, as a sentence."""
    return [line for row in roster.summary.get("remedies", []) if (line := _remedy_line(row))]


def _remedy_line(row: dict[str, Any]) -> str:
    role = DutyRole(row["role"]).label
    after = _after(row["missing_after"])
    if row["kind"] == "borrow":
        lenders = pgettext("list separator", ", ").join(row.get("lenders") or [])
        values = {"count": row["people"], "role": role, "units": lenders, "after": after}
        if lenders:
            return (
                _("Borrow %(count)s %(role)s for the period, e.g. from %(units)s: %(after)s")
                % values
            )
        return _("Add %(count)s %(role)s for the period: %(after)s") % values
    if row["kind"] == "wartime":
        return _("Roster %(role)s under the wartime limits: %(after)s") % {
            "role": role,
            "after": after,
        }
    if row["kind"] == "lower_minimum" and row["sites"]:
        sites = pgettext("list separator", ", ").join(
            _("%(site)s to %(minimum)s") % {"site": s["name"], "minimum": s["minimum"]}
            for s in row["sites"]
        )
        return _("Lower the minimum of %(role)s per shift at %(sites)s: %(after)s") % {
            "role": role,
            "sites": sites,
            "after": after,
        }
    return ""


def _after(missing: int) -> str:
    if not missing:
        return _("then nothing is provably missing.")
    return ngettext(
        "then still %(count)s provably missing.", "then still %(count)s provably missing.", missing
    ) % {"count": missing}
