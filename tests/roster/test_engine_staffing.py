"""Erlang C against textbook values."""

from __future__ import annotations

import math

import pytest

from fangkong.roster.engine.model import RosterInputError, ShiftType
from fangkong.roster.engine.staffing import (
    erlang_c,
    mean_wait,
    servers_needed,
    service_level,
    shift_requirements,
)


def erlang_c_by_sums(servers: int, load: float) -> float:
    """The textbook formula, summed directly."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def test_known_values() -> None:
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: the chance of waiting is ρ
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # M/M/2 at ρ = 0.5
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    for servers, load in [(11, 10.0), (25, 20.0), (5, 4.5)]:
        assert erlang_c(servers, load) == pytest.approx(erlang_c_by_sums(servers, load))
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert erlang_c(2, 2.0) == 1.0  # ρ = 1: the queue never empties


def test_waits_and_service_level() -> None:
    # M/M/1 with λ = 30 an hour and one minute of service: W_q = ρ / (μ - λ) = 1 minute.
    assert mean_wait(1, 30, 1) == pytest.approx(1.0)
    assert mean_wait(1, 60, 1) == math.inf
    # λ = 2 a minute, 1 minute each, 3 servers: W_q = C / (cμ - λ) = (4/9) / 1.
    assert mean_wait(3, 120, 1) == pytest.approx(4 / 9)
    assert service_level(3, 120, 1, 0) == pytest.approx(1 - 4 / 9)
    assert service_level(3, 120, 1, 1) == pytest.approx(1 - 4 / 9 * math.exp(-1))


def test_servers_needed() -> None:
    assert servers_needed(0, 2, 1) == 0
    assert servers_needed(120, 1, 0.5) == 3  # W_q(3) = 0.44 min
    assert servers_needed(120, 1, 0.4) == 4
    assert servers_needed(30, 1, 10) == 1
    assert servers_needed(59, 1, 1000) == 1  # ρ < 1 suffices for a lax target
    with pytest.raises(RosterInputError):
        servers_needed(10, 0, 1)


def test_shift_requirements_take_the_peak_hour() -> None:
    hourly = [6.0] * 24
    hourly[10] = 120.0  # a morning rush
    hourly[23] = 90.0
    shifts = (
        ShiftType("night", 480, 0),
        ShiftType("day", 480, 480),
        ShiftType("evening", 480, 960),
    )
    needs = shift_requirements(hourly, shifts, service_minutes=1, target_wait_minutes=0.5)
    assert needs == {"night": 1, "day": 3, "evening": servers_needed(90, 1, 0.5)}
    night_12h = ShiftType("night", 720, 1200)
    assert shift_requirements(hourly, (night_12h,), 1, 0.5)["night"] == servers_needed(90, 1, 0.5)
    with pytest.raises(RosterInputError):
        shift_requirements([1.0] * 23, shifts, 1, 1)
