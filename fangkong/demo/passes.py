"""Vehicle passes (通行证) of the demo: applications of transport companies to each brigade, in
every state a pass goes through, so that the approval flow and the officer's pass scan can be
tried at once: awaiting approval, approved, rejected, revoked, and approved but expired.

They go through the passes service as a company and a brigade leader would; only the expired
ones have their dates moved into the past afterwards, which the application form refuses."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.command.generate import synthetic_id_number, synthetic_plate
from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.demo.people import NameGenerator
from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.org.permissions import can_administer
from fangkong.passes.choices import CargoKind, PassDecision
from fangkong.passes.models import VehiclePass
from fangkong.passes.selectors import local_today
from fangkong.passes.services import (
    DriverData,
    PassApplication,
    vehicle_pass_apply,
    vehicle_pass_decide,
)

COMPANIES = (
    ("张掖市陇运物流有限公司", CargoKind.LIVING, "张掖—酒泉"),
    ("甘州区康泰医药配送中心", CargoKind.MEDICAL, "张掖市区—临泽县"),
    ("河西绿洲农产品有限公司", CargoKind.LIVING, "高台县—张掖市区"),
    ("张掖宏达建材有限公司", CargoKind.PRODUCTION, "山丹县—民乐县"),
    ("祁连山牧业合作社", CargoKind.PRODUCTION, "肃南县—张掖市区"),
)
# Per brigade: how many passes end in each state.
STATES = (("applied", 2), ("approved", 2), ("rejected", 1), ("revoked", 1), ("expired", 1))


def _phone(rng: random.Random) -> str:
    return rng.choice(("139", "138", "186", "177", "133")) + f"{rng.randrange(10**8):08d}"


def _application(rng: random.Random, names: NameGenerator, unit: Unit, i: int) -> PassApplication:
    company, cargo, route = COMPANIES[i % len(COMPANIES)]
    drivers = tuple(
        DriverData(
            "".join(names.draw(female=False)), "resident_id", synthetic_id_number(rng), _phone(rng)
        )
        for _ in range(rng.choice((1, 1, 2)))
    )
    today = local_today()
    return PassApplication(
        company=company,
        contact_name="".join(names.draw(female=i % 2 == 1)),
        contact_phone=_phone(rng),
        plate=synthetic_plate(rng),
        vehicle_kind="truck",
        cargo_kind=cargo,
        route=route,
        valid_from=today,
        valid_to=today + timedelta(days=rng.choice((6, 13, 29))),
        unit_id=unit.pk,
        drivers=drivers,
    )


@demo_layer("passes")
def load_passes(ctx: DemoContext) -> None:
    rng = random.Random(f"{ctx.seed}:passes")
    names = NameGenerator(rng)
    leader = get_user_model().objects.get(pk=ctx.user_ids["brigade"])
    brigades = Unit.objects.filter(kind=UnitKind.BRIGADE).order_by("path")
    for unit in brigades:
        i = 0
        for state, count in STATES:
            for _ in range(count):
                app = _application(rng, names, unit, i)
                i += 1
                vehicle_pass, _created = vehicle_pass_apply(
                    application=app, submission_key=uuid.UUID(int=rng.getrandbits(128)).hex
                )
                _decide(ctx, leader, vehicle_pass, state, unit)
                ctx.counts["vehicle passes"] += 1


def _decide(
    ctx: DemoContext, leader: object, vehicle_pass: VehiclePass, state: str, unit: Unit
) -> None:
    # The demo's brigade leader decides on his brigade's passes; the other brigades' are
    # decided by the commander.
    actor = leader if can_administer(leader, unit) else _commander(ctx)
    if state in ("approved", "revoked", "expired"):
        vehicle_pass_decide(decision=PassDecision.APPROVE, actor=actor, vehicle_pass=vehicle_pass)
    if state == "rejected":
        vehicle_pass_decide(
            decision=PassDecision.REJECT,
            actor=actor,
            vehicle_pass=vehicle_pass,
            reason="货物与通行事由不符",
        )
    if state == "revoked":
        vehicle_pass_decide(
            decision=PassDecision.REVOKE,
            actor=actor,
            vehicle_pass=vehicle_pass,
            reason="驾驶员健康码转黄",
        )
    if state == "expired":
        days = (vehicle_pass.valid_to - vehicle_pass.valid_from).days
        end = local_today() - timedelta(days=2)
        VehiclePass.objects.filter(pk=vehicle_pass.pk).update(
            valid_from=end - timedelta(days=days), valid_to=end
        )


def _commander(ctx: DemoContext) -> object:
    return get_user_model().objects.get(pk=ctx.user_ids["commander"])
