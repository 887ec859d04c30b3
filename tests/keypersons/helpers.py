from __future__ import annotations

from typing import Any

from fangkong.keypersons import services
from fangkong.keypersons.models import Category, KeyPerson
from tests.factories import _resident_id
from tests.grid.world import World


def episode(
    world: World, n: int = 1, *, actor: Any = None, door: Any = None, **kw: Any
) -> KeyPerson:
    door = door or world.door
    data = services.EpisodeIn(
        doc_type="resident_id",
        doc_number=_resident_id(n),
        name=f"居民{n}",
        phone=f"1390000{n:04d}",
        category=Category.objects.get(code=kw.pop("category", "close_contact")),
        source=kw.pop("source", "manual"),
        community=door.cell.community,
        cell=door.cell,
        door=door,
        reason="卫健委推送密接名单",
        **kw,
    )
    kp, _created = services.keyperson_create(actor=actor or world.users["community"], data=data)
    return kp
