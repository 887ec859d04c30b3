"""Independent evaluator for Shift Scheduling Benchmark rosters.

It reads the instance text itself and recomputes the penalty of a roster from scratch, so the
objective we report never depends on the model that produced the roster. It deliberately shares
no code with :mod:`.nrp` or :mod:`.solver`.

A roster is ``{employee id: [shift id, or "" for a day off, for each day]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    penalty: int
    violations: tuple[str, ...]
    request_penalty: int
    cover_penalty: int

    @property
    def feasible(self) -> bool:
        return not self.violations


def _read(text: str) -> dict[str, list[list[str]]]:
    data: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("SECTION_"):
            current = data.setdefault(line, [])
        elif line and not line.startswith("#"):
            current.append(line.split(","))
    return data


def evaluate(text: str, roster: Mapping[str, Sequence[str]]) -> Report:
    data = _read(text)
    horizon = int(data["SECTION_HORIZON"][0][0])
    length = {row[0]: int(row[1]) for row in data["SECTION_SHIFTS"]}
    cannot_follow = {
        row[0]: {s for s in (row[2] if len(row) > 2 else "").split("|") if s}
        for row in data["SECTION_SHIFTS"]
    }
    problems: list[str] = []
    staff_rows = data["SECTION_STAFF"]
    if sorted(roster) != sorted(row[0] for row in staff_rows):
        problems.append("roster employees differ from the instance staff")
    for row in staff_rows:
        line = list(roster.get(row[0], [""] * horizon))
        if len(line) != horizon:
            problems.append(f"{row[0]}: roster has {len(line)} days, horizon is {horizon}")
            continue
        problems += _check_employee(row, line, length, cannot_follow)
    for row in data.get("SECTION_DAYS_OFF", []):
        worked = roster.get(row[0], [])
        for off in row[1:]:
            if off.strip() and int(off) < len(worked) and worked[int(off)]:
                problems.append(f"{row[0]}: works on fixed day off {off}")

    requests = 0
    for row in data.get("SECTION_SHIFT_ON_REQUESTS", []):
        if roster.get(row[0], [""] * horizon)[int(row[1])] != row[2]:
            requests += int(row[3])
    for row in data.get("SECTION_SHIFT_OFF_REQUESTS", []):
        if roster.get(row[0], [""] * horizon)[int(row[1])] == row[2]:
            requests += int(row[3])

    cover = 0
    for row in data.get("SECTION_COVER", []):
        day, shift, need = int(row[0]), row[1], int(row[2])
        have = sum(1 for line in roster.values() if line[day] == shift)
        if have < need:
            cover += (need - have) * int(row[3])
        else:
            cover += (have - need) * int(row[4])
    return Report(requests + cover, tuple(problems), requests, cover)


def _check_employee(
    row: list[str],
    line: list[str],
    length: dict[str, int],
    cannot_follow: dict[str, set[str]],
) -> list[str]:
    who = row[0]
    found: list[str] = []
    limits = dict(item.split("=") for item in row[1].split("|") if item)
    max_minutes, min_minutes = int(row[2]), int(row[3])
    max_run, min_run, min_off, max_weekends = (int(v) for v in row[4:8])

    for shift in line:
        if shift and shift not in length:
            found.append(f"{who}: unknown shift {shift}")
            return found
    for shift, limit in limits.items():
        if line.count(shift) > int(limit):
            found.append(f"{who}: {line.count(shift)} {shift} shifts, at most {limit}")
    minutes = sum(length[s] for s in line if s)
    if not min_minutes <= minutes <= max_minutes:
        found.append(f"{who}: {minutes} minutes outside [{min_minutes}, {max_minutes}]")
    for day in range(len(line) - 1):
        if line[day] and line[day + 1] in cannot_follow[line[day]]:
            found.append(f"{who}: {line[day + 1]} follows {line[day]} on day {day + 1}")

    # Runs of working days and of days off: (working?, first day, last day).
    runs: list[tuple[bool, int, int]] = []
    for day, shift in enumerate(line):
        working = bool(shift)
        if runs and runs[-1][0] == working:
            runs[-1] = (working, runs[-1][1], day)
        else:
            runs.append((working, day, day))
    last = len(line) - 1
    for working, first, end in runs:
        size = end - first + 1
        inner = first > 0 and end < last  # runs touching the horizon may continue outside it
        if working and size > max_run:
            found.append(f"{who}: {size} consecutive shifts from day {first}")
        if working and inner and size < min_run:
            found.append(f"{who}: only {size} consecutive shifts from day {first}")
        if not working and inner and size < min_off:
            found.append(f"{who}: only {size} days off from day {first}")

    weekends = sum(1 for sat in range(5, len(line), 7) if line[sat] or line[min(sat + 1, last)])
    if weekends > max_weekends:
        found.append(f"{who}: works {weekends} weekends, at most {max_weekends}")
    return found
