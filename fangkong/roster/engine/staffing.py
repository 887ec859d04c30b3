"""How many officers a checkpoint lane needs: Erlang C (the M/M/c queue).

Vehicles arrive at rate λ an hour and one screening takes on average ``service_minutes``; with
``c`` officers screening in parallel, Erlang C gives the probability that a vehicle waits and its
expected wait. The helpers turn an hourly arrival forecast into per-shift requirements.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .model import RosterInputError, ShiftType


def erlang_c(servers: int, load: float) -> float:
    """Probability of waiting with ``servers`` and offered ``load`` (λ/μ, in Erlangs)."""
    if servers <= 0 or load < 0:
        raise RosterInputError("invalid_value", "servers", "servers must be positive")
    if load == 0:
        return 0.0
    if load >= servers:
        return 1.0  # the queue grows without bound: everybody waits
    # Erlang B by its stable recursion, then C from B.
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return servers * blocking / (servers - load * (1 - blocking))


def mean_wait(servers: int, arrivals_per_hour: float, service_minutes: float) -> float:
    """Expected wait in the queue W_q, in minutes (infinite when ρ ≥ 1)."""
    _check_rates(arrivals_per_hour, service_minutes)
    rate = arrivals_per_hour / 60  # per minute
    capacity = servers / service_minutes
    if rate >= capacity:
        return math.inf
    return erlang_c(servers, rate * service_minutes) / (capacity - rate)


def service_level(
    servers: int, arrivals_per_hour: float, service_minutes: float, within_minutes: float
) -> float:
    """Probability that a vehicle waits no longer than ``within_minutes``."""
    _check_rates(arrivals_per_hour, service_minutes)
    rate = arrivals_per_hour / 60
    capacity = servers / service_minutes
    if rate >= capacity:
        return 0.0
    waiting = erlang_c(servers, rate * service_minutes)
    return 1 - waiting * math.exp(-(capacity - rate) * within_minutes)


def servers_needed(
    arrivals_per_hour: float, service_minutes: float, target_wait_minutes: float
) -> int:
    """Smallest c with utilisation ρ < 1 and expected wait W_q ≤ the target."""
    _check_rates(arrivals_per_hour, service_minutes)
    if target_wait_minutes < 0:
        raise RosterInputError("invalid_value", "target_wait_minutes", "must not be negative")
    if arrivals_per_hour == 0:
        return 0
    load = arrivals_per_hour / 60 * service_minutes
    servers = max(1, math.floor(load) + 1)  # the least c with ρ < 1
    while mean_wait(servers, arrivals_per_hour, service_minutes) > target_wait_minutes:
        servers += 1
    return servers


def shift_requirements(
    hourly_arrivals: Sequence[float],
    shifts: Sequence[ShiftType],
    service_minutes: float,
    target_wait_minutes: float,
    minimum: int = 1,
) -> dict[str, int]:
    """Officers per shift: the peak of the hourly needs over the hours the shift covers.

    ``hourly_arrivals`` has 24 values, hour 0 being 00:00–01:00. Shifts may run past midnight.
    """
    if len(hourly_arrivals) != 24:
        raise RosterInputError("invalid_value", "hourly_arrivals", "give 24 hourly values")
    needs = [servers_needed(a, service_minutes, target_wait_minutes) for a in hourly_arrivals]
    result = {}
    for shift in shifts:
        first = shift.start_minute // 60
        hours = [(first + h) % 24 for h in range(math.ceil(shift.minutes / 60))]
        result[shift.id] = max(minimum, max(needs[h] for h in hours))
    return result


def daily_requirements(
    forecast: Mapping[int, Sequence[float]],
    shifts: Sequence[ShiftType],
    service_minutes: float,
    target_wait_minutes: float,
    minimum: int = 1,
) -> dict[int, dict[str, int]]:
    """:func:`shift_requirements` for each day of an hourly forecast ``{day: 24 rates}``."""
    return {
        day: shift_requirements(rates, shifts, service_minutes, target_wait_minutes, minimum)
        for day, rates in forecast.items()
    }


def _check_rates(arrivals_per_hour: float, service_minutes: float) -> None:
    if arrivals_per_hour < 0:
        raise RosterInputError("invalid_value", "arrivals_per_hour", "must not be negative")
    if service_minutes <= 0:
        raise RosterInputError("invalid_value", "service_minutes", "must be positive")
