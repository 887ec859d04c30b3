"""Reads of the screening policy, and the bridge from it to the pure rule engine.

The names, one per meaning: a ``models.Policy`` row is one stored version of the policy; it
holds the tunable part of a ``rules.RuleSet`` (thresholds and rule → outcome) as JSON; risk
areas are rows of their own, imported by the command centre. :func:`rule_set_current` joins
the version in force at a moment with the risk areas that matter at that moment into the
``rules.RuleSet`` that :func:`rules.decide` takes. The writes (new versions, risk-area
imports) are in ``services.policy``.

Stored versions are never edited, so the parsed rules are cached per version. Risk areas
change on import; their cache is keyed by the table's row count and highest id, which any
import changes (an import replaces a row rather than updating it, see ``services``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Max, Subquery
from django.utils import timezone

from fangkong.screening import rules
from fangkong.screening.models import Policy, RiskArea

# The built-in policy; migration 0002 stores it as version 1, so there is always a version.
DEFAULT_VERSION = 1


def default_rules() -> dict[str, Any]:
    """The JSON form of ``rules.RuleSet.default()``: what version 1 stores."""
    return rules_to_json(rules.RuleSet.default())


def rules_to_json(rule_set: rules.RuleSet) -> dict[str, Any]:
    return {
        "actions": {code.value: outcome.value for code, outcome in rule_set.actions.items()},
        "temperature_threshold_c": rule_set.temperature_threshold_c,
        "nat_max_age_hours": round(rule_set.nat_max_age / timedelta(hours=1), 1),
        "lookback_days": rule_set.lookback_days,
        "priority_vehicle_kinds": sorted(kind.value for kind in rule_set.priority_vehicle_kinds),
    }


def complete_rules(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored rules with any missing key filled from the defaults. A rule added to the engine
    after a version was published gets its default action in that version."""
    defaults = default_rules()
    merged = {**defaults, **{k: v for k, v in stored.items() if k in defaults}}
    merged["actions"] = {**defaults["actions"], **dict(stored.get("actions") or {})}
    return merged


def rules_from_json(version: int, stored: Mapping[str, Any]) -> rules.RuleSet:
    """The pure policy for a stored version, without risk areas. Raises ``ValueError`` (or
    ``TypeError``) when the stored rules are not a valid policy."""
    data = complete_rules(stored)
    return rules.RuleSet(
        version=version,
        actions=data["actions"],
        temperature_threshold_c=float(data["temperature_threshold_c"]),
        nat_max_age=timedelta(hours=float(data["nat_max_age_hours"])),
        lookback_days=int(data["lookback_days"]),
        priority_vehicle_kinds=frozenset(
            rules.VehicleKind(kind) for kind in data["priority_vehicle_kinds"]
        ),
    )


# --- risk areas -------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    effective_from: date
    effective_to: date | None  # the last day in force, inclusive


_area_cache: dict[str, Any] = {"key": None, "rows": ()}


def risk_area_rows(key: tuple[int, int | None] | None = None) -> tuple[AreaRow, ...]:
    """Every stored risk area, cached until an import changes the table; ``key`` is the
    table's row count and highest id if the caller has read them already."""
    if key is None:
        stamp = RiskArea.objects.aggregate(n=Count("id"), last=Max("id"))
        key = (stamp["n"], stamp["last"])
    if _area_cache["key"] != key:
        rows = RiskArea.objects.order_by("division_code", "effective_from").values_list(
            "division_code", "name", "level", "effective_from", "effective_to"
        )
        _area_cache["rows"] = tuple(AreaRow(*row) for row in rows)
        _area_cache["key"] = key
    return _area_cache["rows"]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def to_rules_area(row: AreaRow) -> rules.RiskArea:
    # The stored end date is the last day in force; the engine wants the first moment after.
    end = local_midnight(row.effective_to + timedelta(days=1)) if row.effective_to else None
    return rules.RiskArea(
        row.code, rules.RiskLevel(row.level), local_midnight(row.effective_from), end
    )


def relevant_areas(rows: tuple[AreaRow, ...], day: date, lookback_days: int) -> list[AreaRow]:
    """Areas that can matter to a check on ``day``: in force on that day, or lifted during
    the look-back window (a place passed while it was a risk area still counts)."""
    earliest = day - timedelta(days=lookback_days + 1)
    return [
        row
        for row in rows
        if row.effective_from <= day and (row.effective_to is None or row.effective_to >= earliest)
    ]


# --- versions ---------------------------------------------------------------------------


def policy_row_at(at: datetime | None = None) -> Policy:
    """The stored version in force at ``at``: the latest effective one, highest version on a
    tie. Before any stored version, an unsaved version 1 with the default rules."""
    at = at or timezone.now()
    row = Policy.objects.filter(effective_from__lte=at).order_by("-effective_from", "-version")
    found = row.first()
    if found is not None:
        return found
    return Policy(version=DEFAULT_VERSION, effective_from=at, rules=default_rules())


@lru_cache(maxsize=128)
def _build(version: int, rules_json: str, areas: tuple[AreaRow, ...]) -> rules.RuleSet:
    base = rules_from_json(version, json.loads(rules_json))
    return rules.RuleSet(
        version=base.version,
        actions=base.actions,
        risk_areas=tuple(to_rules_area(row) for row in areas),
        temperature_threshold_c=base.temperature_threshold_c,
        nat_max_age=base.nat_max_age,
        lookback_days=base.lookback_days,
        priority_vehicle_kinds=base.priority_vehicle_kinds,
    )


def rule_set_for_row(
    row: Policy, at: datetime, rows: tuple[AreaRow, ...] | None = None
) -> rules.RuleSet:
    """The rule set of a stored version at ``at``; ``rows`` the risk areas if the caller
    has read them already."""
    data = complete_rules(row.rules)
    day = timezone.localtime(at).date()
    rows = risk_area_rows() if rows is None else rows
    areas = tuple(relevant_areas(rows, day, int(data["lookback_days"])))
    return _build(row.version, json.dumps(row.rules, sort_keys=True), areas)


def rule_set_current(at: datetime | None = None) -> rules.RuleSet:
    """The rule set in force at ``at`` (now by default), with the risk areas that matter
    then: what :func:`rules.decide` needs to decide a check made at ``at``."""
    at = at or timezone.now()
    return rule_set_for_row(policy_row_at(at), at)


@dataclass(frozen=True)
class InForce:
    """What a request needs to decide and explain checks made at one time: the rule set,
    and the names of every stored risk area (reasons name the areas they cite), both from
    one read of the risk-area table."""

    rule_set: rules.RuleSet
    area_names: dict[str, str]


def policy_in_force(at: datetime | None = None) -> InForce:
    at = at or timezone.now()
    row, key = _policy_row_and_area_key(at)
    rows = risk_area_rows(key)
    return InForce(rule_set_for_row(row, at, rows), area_names(rows))


def _policy_row_and_area_key(at: datetime) -> tuple[Policy, tuple[int, int | None] | None]:
    """The version in force at ``at`` and the risk-area cache key, in one query: every
    look-up and decision of the officer needs both."""
    areas = RiskArea.objects.order_by()
    found = (
        Policy.objects.filter(effective_from__lte=at)
        .order_by("-effective_from", "-version")
        .annotate(
            area_count=Subquery(areas.annotate(n=_scalar("COUNT")).values("n")),
            area_last=Subquery(areas.annotate(n=_scalar("MAX")).values("n")),
        )
        .first()
    )
    if found is None:
        return policy_row_at(at), None
    return found, (found.area_count, found.area_last)


def _scalar(function: str) -> Func:
    # An aggregate Django does not know as one, so that the subquery has no GROUP BY.
    return Func(F("id"), function=function, output_field=IntegerField())


def area_names(rows: tuple[AreaRow, ...] | None = None) -> dict[str, str]:
    """Division code -> name of every stored risk area that has one."""
    rows = risk_area_rows() if rows is None else rows
    return {row.code: row.name for row in rows if row.name}


def policy_versions() -> list[Policy]:
    return list(Policy.objects.select_related("created_by").order_by("-version"))


def policy_client_json(at: datetime | None = None) -> dict[str, Any]:
    """The policy in force at ``at`` as the officer page's rule port reads it: thresholds,
    actions and the risk areas that matter today, with times as ISO strings."""
    at = at or timezone.now()
    row = policy_row_at(at)
    data = complete_rules(row.rules)
    day = timezone.localtime(at).date()
    areas = relevant_areas(risk_area_rows(), day, int(data["lookback_days"]))
    return {
        "version": row.version,
        "effective_from": row.effective_from.isoformat(),
        "temperature_threshold_c": float(data["temperature_threshold_c"]),
        "nat_max_age_hours": float(data["nat_max_age_hours"]),
        "lookback_days": int(data["lookback_days"]),
        "priority_vehicle_kinds": list(data["priority_vehicle_kinds"]),
        "actions": dict(data["actions"]),
        "severity": {outcome.value: rank for outcome, rank in rules.SEVERITY.items()},
        "priority_rules": sorted(code.value for code in rules.PRIORITY_RULES),
        "risk_areas": [_area_json(row) for row in areas],
        "utc_offset_minutes": int(_utc_offset(at).total_seconds() // 60),
        "generated_at": at.isoformat(),
    }


def _utc_offset(at: datetime) -> timedelta:
    # An aware local time always has an offset; mypy cannot know that.
    return timezone.localtime(at).utcoffset() or timedelta(0)


def _area_json(row: AreaRow) -> dict[str, Any]:
    area = to_rules_area(row)
    return {
        "code": row.code,
        "name": row.name,
        "level": row.level,
        "starts": area.effective_from.isoformat(),
        "ends": area.effective_to.isoformat() if area.effective_to else None,
    }
