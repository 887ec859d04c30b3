"""Why a roster is short and what would help, from the cover bound (:mod:`.bound`).

For each role: the people-shifts the posts ask for, and the most of them that the staff may
legally work (leave, weekly hours, days running); the difference is provably unavoidable, by
any roster. Then the effect of each remedy a leader can take, computed the same way: more
staff of the role (borrowed from other units), the wartime limits, or lower minimums at the
posts that ask the most. The figures are bounds: a roster may still miss a little more than
they say (rest between shifts and auxiliaries' need of an officer are left out), never less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .bound import cover_bound
from .police import AUXILIARY, LEADER, OFFICER, PoliceProblem, Staff, translate

ROLES = (LEADER, OFFICER, AUXILIARY)


@dataclass(frozen=True)
class RoleSupply:
    role: str
    demand: int  # people-shifts asked for over the period
    coverable: int  # the most of them the staff may legally work

    @property
    def missing(self) -> int:
        return self.demand - self.coverable


@dataclass(frozen=True)
class Remedy:
    kind: str  # "borrow", "wartime" or "lower_minimum"
    role: str
    missing_after: int  # provably unavoidable missing people-shifts of the role after it
    people: int = 0  # borrow: how many
    sites: tuple[tuple[str, int], ...] = ()  # lower_minimum: (site id, new minimum per shift)


def supply(problem: PoliceProblem) -> list[RoleSupply]:
    """Demand and what may legally be covered, per role (roles the problem asks for)."""
    general = translate(problem).problem
    skills = {p.id: p.skill or "" for p in general.posts}
    result = []
    for role in ROLES:
        demands = tuple(d for d in general.demands if _role(skills[d.post]) == role)
        if demands:
            bound = cover_bound(replace(general, demands=demands))
            result.append(RoleSupply(role, bound.demand, bound.coverable))
    return result


def _role(skill: str) -> str:
    return LEADER if skill.startswith(LEADER) else skill


def missing(problem: PoliceProblem, role: str) -> int:
    return next((s.missing for s in supply(problem) if s.role == role), 0)


def remedies(problem: PoliceProblem) -> list[Remedy]:
    """For each role short of people: borrow, wartime, and lower minimums."""
    found = []
    for short in (s for s in supply(problem) if s.missing > 0):
        found.append(_borrow(problem, short))
        if not problem.wartime:
            found.append(Remedy("wartime", short.role, missing(_wartime(problem), short.role)))
        if short.role != LEADER:
            found.append(_lower(problem, short))
    return found


def _wartime(problem: PoliceProblem) -> PoliceProblem:
    return replace(problem, wartime=True)


def _borrow(problem: PoliceProblem, short: RoleSupply) -> Remedy:
    """The fewest extra people of the role (free the whole period) that leave nothing
    provably missing, found by doubling then halving; their effect is computed, not guessed."""
    per_person = max(1, math.floor(problem.days * 6 / 7))
    low, high = 0, max(1, math.ceil(short.missing / per_person))
    while missing(_with_staff(problem, short.role, high), short.role) > 0:
        low, high = high, high * 2
        if high > 10 * len(problem.staff) + 10:
            break
    while high - low > 1:
        middle = (low + high) // 2
        if missing(_with_staff(problem, short.role, middle), short.role) > 0:
            low = middle
        else:
            high = middle
    after = missing(_with_staff(problem, short.role, high), short.role)
    return Remedy("borrow", short.role, after, people=high)


def _with_staff(problem: PoliceProblem, role: str, count: int) -> PoliceProblem:
    unit = problem.sites[0].unit if problem.sites else ""
    roles = frozenset({OFFICER, LEADER}) if role == LEADER else frozenset({role})
    extra = tuple(Staff(f"borrowed-{role}-{n}", "", roles, unit=unit) for n in range(count))
    return replace(problem, staff=problem.staff + extra)


def _lower(problem: PoliceProblem, short: RoleSupply) -> Remedy:
    """Lower the role's minimum by one at the sites that ask the most, one site at a time,
    until nothing is provably missing (or no site can give more)."""
    lowered: dict[str, int] = {}
    current = problem
    left = short.missing
    while left > 0:
        site = max(
            (
                s
                for s in current.sites
                if _minimum(s, short.role) > (1 if short.role == OFFICER else 0)
            ),
            key=lambda s: (_minimum(s, short.role), s.id),
            default=None,
        )
        if site is None:
            break
        lowered[site.id] = _minimum(site, short.role) - 1
        current = replace(
            current,
            sites=tuple(_lowered(s, short.role) if s.id == site.id else s for s in current.sites),
        )
        left = missing(current, short.role)
    return Remedy("lower_minimum", short.role, left, sites=tuple(lowered.items()))


def _minimum(site, role: str) -> int:
    return min((needs.get(role, 0) for needs in site.requirements.values()), default=0)


def _lowered(site, role: str):
    requirements = {
        shift: {**needs, role: max(0, needs.get(role, 0) - 1)}
        for shift, needs in site.requirements.items()
    }
    return replace(site, requirements=requirements)
