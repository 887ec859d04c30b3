"""Writes to the screening policy: new versions, and risk areas imported from a file. Only
command-centre analysts and commanders make them; each is audited as a policy change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import sees_everything
from fangkong.core.validation import reject_naive
from fangkong.org.choices import RoleCode
from fangkong.org.permissions import user_roles
from fangkong.screening import rules
from fangkong.screening.choices import Outcome
from fangkong.screening.messages import RULE_LABELS
from fangkong.screening.models import Policy, RiskArea
from fangkong.screening.riskareas import MAX_BYTES, FileError, parse_rows, read_cells
from fangkong.screening.selectors.policy import (
    complete_rules,
    policy_row_at,
    rules_from_json,
    rules_to_json,
)

POLICY_ROLES = frozenset({RoleCode.ANALYST, RoleCode.COMMANDER})
# A policy version may be dated a little back, to the moment the form was opened.
PUBLISH_PAST_TOLERANCE = timedelta(minutes=10)


def can_manage_policy(user: Any) -> bool:
    return sees_everything(user) or bool(user_roles(user) & POLICY_ROLES)


def _require_policy_role(actor: Any) -> None:
    if not can_manage_policy(actor):
        raise PermissionDeniedError(_("Only command-centre analysts and commanders may do this."))


def _validate_rules(errors: FieldErrors, data: dict[str, Any]) -> None:
    number_fields = (
        ("temperature_threshold_c", 35.0, 40.0, _("Between 35.0 and 40.0 ℃.")),
        ("nat_max_age_hours", 1, 14 * 24, _("Between 1 and 336 hours.")),
        ("lookback_days", 0, 60, _("Between 0 and 60 days.")),
    )
    for name, low, high, message in number_fields:
        try:
            value = float(data[name])
        except (TypeError, ValueError):
            errors.add(name, _("Enter a number."), "number_invalid")
            continue
        if not low <= value <= high:
            errors.add(name, str(message), "out_of_range")
    kinds = data["priority_vehicle_kinds"]
    if not isinstance(kinds, list | tuple) or any(
        k not in rules.VehicleKind._value2member_map_ for k in kinds
    ):
        errors.add("priority_vehicle_kinds", _("Unknown vehicle kind."), "vehicle_kind_invalid")
    _validate_actions(errors, data["actions"])


def _validate_actions(errors: FieldErrors, actions: Mapping[str, Any]) -> None:
    for code, outcome in actions.items():
        field = f"actions.{code}"
        if code not in rules.RuleCode._value2member_map_:
            errors.add(field, _("Unknown rule."), "rule_unknown")
        elif outcome not in Outcome.values:
            errors.add(field, _("Choose an outcome."), "outcome_invalid")
        elif code in rules.PRIORITY_RULES and outcome not in (Outcome.PRIORITY_PASS, Outcome.PASS):
            errors.add(field, _("This rule may only grant priority or nothing."), "priority_only")
        elif code not in rules.PRIORITY_RULES and outcome == Outcome.PRIORITY_PASS:
            message = _("Only special vehicles and vehicle passes may grant priority.")
            errors.add(field, message, "priority_not_allowed")
    if errors:
        return
    for ladder in rules.MONOTONE_LADDERS:
        for milder, worse in zip(ladder, ladder[1:], strict=False):
            if rules.severity(rules.Outcome(actions[worse])) < rules.severity(
                rules.Outcome(actions[milder])
            ):
                message = _("“%(worse)s” must not be handled more mildly than “%(milder)s”.") % {
                    "worse": RULE_LABELS[worse],
                    "milder": RULE_LABELS[milder],
                }
                errors.add(f"actions.{worse}", message, "not_monotone")


def _rule_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in new:
        if key == "actions":
            for code, outcome in new["actions"].items():
                if old["actions"].get(code) != outcome:
                    changes[f"actions.{code}"] = [old["actions"].get(code), outcome]
        elif old.get(key) != new[key]:
            changes[key] = [old.get(key), new[key]]
    return changes


@transaction.atomic
def policy_publish(
    *,
    actor: Any,
    rules: Mapping[str, Any],
    effective_from: datetime | None = None,
    note: str = "",
) -> Policy:
    """Publish a new policy version. ``rules`` may hold only what changes; the rest is taken
    from the version in force now. Versions are never edited."""
    _require_policy_role(actor)
    now = timezone.now()
    effective_from = effective_from or now
    current = policy_row_at(now)
    before = complete_rules(current.rules)
    data = {
        **before,
        **{k: v for k, v in rules.items() if k in before and k != "actions"},
        "actions": {**before["actions"], **dict(rules.get("actions") or {})},
    }
    errors = FieldErrors()
    _validate_rules(errors, data)
    naive = reject_naive(errors, "effective_from", effective_from)
    if not naive and effective_from < now - PUBLISH_PAST_TOLERANCE:
        errors.add("effective_from", _("A new version cannot take effect in the past."), "past")
    if len(note) > 200:
        errors.add("note", _("At most 200 characters."), "too_long")
    errors.raise_if_any()
    data = _normalised(data)
    changes = _rule_changes(_normalised(before), data)
    if not changes and effective_from <= now + PUBLISH_PAST_TOLERANCE:
        errors.add("__all__", _("Nothing has changed from the version in force."), "no_change")
        errors.raise_if_any()
    policy = _create_version(actor, data, effective_from, note.strip())
    audit_record(
        actor=actor,
        action="policy.change",
        target=policy,
        reason=note.strip(),
        extra={"version": policy.version, "previous": current.version, "changes": changes},
    )
    return policy


def _normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    # Through the engine and back: the stored form is always the engine's own.
    return rules_to_json(rules_from_json(1, data))


def _create_version(
    actor: Any, data: dict[str, Any], effective_from: datetime, note: str
) -> Policy:
    for _attempt in range(3):
        latest = Policy.objects.aggregate(v=Max("version"))["v"] or 0
        try:
            with transaction.atomic():
                return Policy.objects.create(
                    version=latest + 1,
                    effective_from=effective_from,
                    rules=data,
                    note=note,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            continue  # another version was published at the same moment: take the next number
    raise ValidationError(_("Another version is being published. Try again."), code="busy")


class ImportResult(NamedTuple):
    created: int
    replaced: int


@transaction.atomic
def risk_area_import(*, actor: Any, file: Any) -> ImportResult:
    """Import risk areas from a CSV or .xlsx file: all rows or none. A row with the same
    division, level and start date as a stored area replaces it (to set its end date)."""
    _require_policy_role(actor)
    errors = FieldErrors()
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        errors.add("file", _("The file is larger than 5 MB."), "file_too_large")
        errors.raise_if_any()
    try:
        cells = read_cells(getattr(file, "name", "") or "", data)
    except FileError as exc:
        errors.add("file", exc.message, exc.code)
        errors.raise_if_any()
    areas, row_errors = parse_rows(cells)
    for problem in row_errors:
        message = problem.message
        if problem.row:
            message = _("Row %(row)s: %(message)s") % {"row": problem.row, "message": message}
        errors.add("file", message, problem.code)
    errors.raise_if_any()
    replaced = 0
    for area in areas:
        # Replacing, not updating, gives the row a new id: the policy cache notices.
        replaced += RiskArea.objects.filter(
            division_code=area.code, level=area.level, effective_from=area.effective_from
        ).delete()[0]
    source = (getattr(file, "name", "") or "")[:200]
    RiskArea.objects.bulk_create(
        RiskArea(
            division_code=area.code,
            name=area.name,
            level=area.level,
            effective_from=area.effective_from,
            effective_to=area.effective_to,
            source=source,
        )
        for area in areas
    )
    audit_record(
        actor=actor,
        action="policy.risk_area_import",
        extra={"file": source, "rows": len(areas), "replaced": replaced},
    )
    return ImportResult(created=len(areas) - replaced, replaced=replaced)
