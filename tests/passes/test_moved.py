"""Passes moved from the screening app to their own: what was written before the move still
belongs to them."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from fangkong.core.selectors import audit_history
from fangkong.passes.choices import PassDecision
from fangkong.passes.models import VehiclePass
from fangkong.passes.services import vehicle_pass_apply, vehicle_pass_decide
from tests.conftest import login
from tests.passes.test_passes import application, frozen  # noqa: F401 - the clock of those tests

pytestmark = pytest.mark.django_db


def test_the_history_of_a_pass_keeps_what_was_audited_before_the_move(
    tree, brigade_officer
) -> None:
    # Applied while passes lived in the screening app: the record names the model by its label
    # of then, which the audit chain hashes, so it is never rewritten.
    with mock.patch.object(VehiclePass._meta, "app_label", "screening"):
        vehicle_pass, _ = vehicle_pass_apply(application=application(tree), submission_key="m" * 24)
    vehicle_pass_decide(
        decision=PassDecision.APPROVE, actor=brigade_officer, vehicle_pass=vehicle_pass
    )

    history = [(e.action, e.target_type) for e in audit_history(vehicle_pass)]
    assert history == [
        ("vehicle_pass.apply", "screening.vehiclepass"),
        ("vehicle_pass.approve", "passes.vehiclepass"),
    ]
    page = login(brigade_officer).get(f"/passes/{vehicle_pass.pk}/")
    assert page.status_code == 200
    assert [e.action for e in page.context["history"]] == [a for a, _ in history]


def test_the_pass_models_keep_their_tables_and_belong_to_passes() -> None:
    assert VehiclePass._meta.db_table == "screening_vehiclepass"
    assert VehiclePass.drivers.rel.related_model._meta.db_table == "screening_vehiclepassdriver"
    assert ContentType.objects.get_for_model(VehiclePass).app_label == "passes"
    assert Client().get("/passes/apply/").status_code == 200
