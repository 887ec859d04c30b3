"""Place people on the sites of their class, after the model decided who works which shift.

Inside a class (sites served by exactly the same staff) the model only counts people; here
each gets a site. Officers go first, so that auxiliaries only go where an officer stands.
Everyone goes, in turn of preference, to the site they had in the previous roster that day
(re-rostering keeps duties), their home site, or yesterday's site (continuity), then to where
people are still missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from .model import Assignment
from .police import AUXILIARY, OFFICER, Duty, PoliceProblem, Translation, normalised_requirements


def allocate(
    problem: PoliceProblem, translation: Translation, assignments: Sequence[Assignment]
) -> list[Duty]:
    sites = {s.id: s for s in problem.sites}
    needs = {s.id: normalised_requirements(s) for s in problem.sites}
    staff = {p.id: p for p in problem.staff}
    previous = {(d.staff, d.day, d.shift): d.site for d in problem.previous if d.site is not None}
    cells: dict[tuple[int, str, str, str], list[str]] = defaultdict(list)
    duties: list[Duty] = []
    for a in assignments:
        cls, role, unit = translation.posts[a.post]
        if cls is None:  # a duty leader: of the unit, or of a key post (包保)
            site = translation.leader_sites.get(a.post)
            duties.append(Duty(a.person, _date(problem, a.day), a.shift, site, role, unit))
        else:
            cells[(a.day, a.shift, cls, role)].append(a.person)
    yesterday: dict[tuple[str, int], str] = {}
    for day in range(problem.days):
        date = _date(problem, day)
        for shift in {key[1] for key in cells if key[0] == day}:
            for cls, members in translation.classes.items():
                placed: dict[str, list[str]] = {site: [] for site in members}
                for role in (OFFICER, AUXILIARY):
                    people = sorted(cells.get((day, shift, cls, role), []))
                    if role == AUXILIARY:
                        open_sites = [s for s in members if placed[s]]  # an officer is there
                    else:
                        open_sites = list(members)
                    wanted = {s: needs[s].get(shift, {}).get(role, 0) for s in open_sites}
                    chosen = _place(
                        people, open_sites, wanted, staff, previous, yesterday, day, (date, shift)
                    )
                    for person, site in chosen.items():
                        placed[site].append(person)
                        yesterday[(person, day)] = site
                        duties.append(Duty(person, date, shift, site, role, sites[site].unit))
    return duties


def _place(people, open_sites, wanted, staff, previous, yesterday, day, when) -> dict[str, str]:
    """Each person's site: preferred sites while they still need people, then any in need."""
    if not open_sites:
        return {}
    missing = dict(wanted)
    chosen: dict[str, str] = {}

    def preferences(person: str) -> list[str]:
        found = [staff[person].home_site, yesterday.get((person, day - 1))]
        return [s for s in found if s in missing]

    for person in people:  # the previous roster's site that day stays, even above the minimum
        site = previous.get((person, *when))
        if site in missing:
            chosen[person] = site
            missing[site] -= 1
    for rank in range(2):
        for person in people:
            prefs = preferences(person)
            if person not in chosen and len(prefs) > rank and missing[prefs[rank]] > 0:
                chosen[person] = prefs[rank]
                missing[prefs[rank]] -= 1
    for person in people:
        if person in chosen:
            continue
        site = max(open_sites, key=lambda s: (missing[s], wanted[s]))
        if missing[site] <= 0:
            prefs = preferences(person)
            site = prefs[0] if prefs else site  # over the minimum: stay where one belongs
        chosen[person] = site
        missing[site] -= 1
    return chosen


def _date(problem: PoliceProblem, day: int):
    return problem.start + timedelta(days=day)
