"""Writes for screening: policy versions and risk areas (``policy``), and checks with their
detail view and purge (``checks``). Import from here; the modules are how the code is cut."""

from fangkong.screening.services.checks import (
    FUTURE_TOLERANCE,
    IdempotencyKeyReusedError,
    Preview,
    PreviewPerson,
    PreviewVehicle,
    Recorded,
    WalkUp,
    check_differs,
    check_for_key,
    check_preview,
    check_purge,
    check_recommend,
    check_record,
    person_reveal,
    registration_for_check,
    validate_observed,
    validate_temperature,
)
from fangkong.screening.services.policy import (
    POLICY_ROLES,
    ImportResult,
    can_manage_policy,
    policy_publish,
    risk_area_import,
)
from fangkong.screening.services.vehicles import ManualVehicle

__all__ = [
    "FUTURE_TOLERANCE",
    "IdempotencyKeyReusedError",
    "ManualVehicle",
    "Preview",
    "PreviewPerson",
    "PreviewVehicle",
    "POLICY_ROLES",
    "ImportResult",
    "Recorded",
    "WalkUp",
    "can_manage_policy",
    "check_differs",
    "check_for_key",
    "check_preview",
    "check_purge",
    "check_record",
    "check_recommend",
    "person_reveal",
    "registration_for_check",
    "policy_publish",
    "risk_area_import",
    "validate_observed",
    "validate_temperature",
]
