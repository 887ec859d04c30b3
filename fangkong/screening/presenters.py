"""Checks, parties and decisions as the API and the officer page show them: identities masked,
reasons as sentences in the user's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fangkong.lib.divisions import division_path
from fangkong.registration.choices import TravelRole, VehicleKind
from fangkong.screening import cases, rules
from fangkong.screening.messages import outcome_label, reasons_out
from fangkong.screening.models import Check
from fangkong.screening.schemas import (
    CheckAlertOut,
    CheckOut,
    DecisionOut,
    LastCheckOut,
    LookupPersonOut,
    PartyOut,
    PersonDecisionOut,
    PersonMaskedOut,
)
from fangkong.screening.selectors import Party
from fangkong.screening.selectors.policy import InForce, area_names


def check_out(check: Check, names: dict[str, str] | None = None) -> CheckOut:
    person = check.person
    group = check.group
    return CheckOut(
        id=check.pk,
        idempotency_key=check.idempotency_key,
        site_id=check.site_id,
        site=check.site.name,
        # What this check captured, never what another record holds of the person.
        person=PersonMaskedOut(
            name=check.name_masked, document=person.doc_masked, phone=check.phone_masked
        ),
        registration_id=check.registration_id,
        group_id=check.group_id,
        plate=group.vehicle.plate if group is not None and group.vehicle_id else "",
        vehicle_kind=check.vehicle_kind,
        role=check.role,
        officer=check.officer.name if check.officer_id else "",
        temperature=float(check.temperature) if check.temperature is not None else None,
        recommended=check.recommended,
        recommended_label=outcome_label(check.recommended),
        outcome=check.outcome,
        outcome_label=outcome_label(check.outcome),
        overridden=check.overridden,
        override_reason=check.override_reason,
        note=check.note,
        reasons=reasons_out(check.reasons, area_names=names if names is not None else area_names()),
        policy_version=check.policy_version,
        checked_at=check.checked_at,
        received_at=check.received_at,
        alerts=[
            CheckAlertOut(purpose=a.purpose, basis=a.basis, message=a.message)
            for a in getattr(check, "alerts", ())
        ],
    )


def decision_out(
    decision: rules.Decision | rules.GroupDecision, names: dict[str, str]
) -> DecisionOut:
    people = decision.people if isinstance(decision, rules.GroupDecision) else (decision,)
    return DecisionOut(
        outcome=decision.outcome.value,
        outcome_label=outcome_label(decision.outcome.value),
        reasons=reasons_out(decision.reasons, area_names=names),
        policy_version=decision.policy_version,
        people=[
            PersonDecisionOut(
                outcome=d.outcome.value,
                outcome_label=outcome_label(d.outcome.value),
                reasons=reasons_out(d.reasons, area_names=names),
            )
            for d in people
        ],
    )


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def party_out(party: Party, in_force: InForce, now: datetime) -> PartyOut:
    group = party.group
    vehicle = group.vehicle if group is not None and group.vehicle_id else None
    facts = [cases.registration_facts(r) for r in party.registrations]
    decision = cases.decide_people(
        [cases.rules_person(f, None) for f in facts],
        cases.rules_vehicle(group, now, pass_state=party.pass_state),
        now,
        in_force.rule_set,
    )
    origin = group.origin_division if group is not None else ""
    origin = origin or (facts[0].origin_code or "")
    declared_kind = group.vehicle_kind if vehicle and group is not None else ""
    return PartyOut(
        group_id=group.pk if group is not None else None,
        site=party.registrations[0].site.name,
        plate=vehicle.plate if vehicle else "",
        vehicle_kind=declared_kind,
        vehicle_kind_label=_label(VehicleKind, declared_kind) if declared_kind else "",
        vehicle_kind_confirmed=vehicle.kind if vehicle else "",
        pass_state=party.pass_state,
        origin_code=origin,
        origin="".join(division_path(origin)) if origin else "",
        destination=group.destination if group is not None else "",
        people=[
            _lookup_person(registration, fact, party, now)
            for registration, fact in zip(party.registrations, facts, strict=True)
        ],
        decision=decision_out(decision, in_force.area_names),
    )


def _lookup_person(
    registration: Any, facts: cases.Facts, party: Party, now: datetime
) -> LookupPersonOut:
    last = party.last_checks.get(registration.pk)
    return LookupPersonOut(
        registration_id=registration.pk,
        role=registration.role,
        role_label=_label(TravelRole, registration.role) if registration.role else "",
        name=registration.name_masked,
        document=registration.person.doc_masked,
        phone=registration.phone_masked,
        facts=cases.facts_json(facts),
        valid_until=registration.valid_until,
        expired=registration.valid_until < now,
        last_check=LastCheckOut(
            outcome=last.outcome,
            outcome_label=outcome_label(last.outcome),
            checked_at=last.checked_at,
        )
        if last
        else None,
    )
