"""Supplies fixtures on top of the personas of tests/conftest.py: the catalogue, a store for
the detachment and for each brigade, Ganzhou's logistics clerk and the leader of a Ganzhou
post (in its squad)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image, ImageDraw

from fangkong.org.choices import RoleCode
from fangkong.supplies import services
from fangkong.supplies.choices import ItemCategory, MeasureUnit
from fangkong.supplies.models import Item, Location
from tests.conftest import Tree, _persona


@dataclass
class Stores:
    detachment: Location
    ganzhou: Location
    linze: Location


@pytest.fixture
def items(db: Any) -> dict[str, Item]:
    specs = [
        ("MASK-SURG", "医用外科口罩", ItemCategory.MASK, MeasureUnit.PIECE, True, "一次性口罩"),
        ("MASK-N95", "N95口罩", ItemCategory.MASK, MeasureUnit.PIECE, True, ""),
        ("ALC-500", "75%酒精（500ml）", ItemCategory.ALCOHOL, MeasureUnit.BOTTLE, True, "酒精"),
        ("GLOVE", "一次性手套", ItemCategory.GLOVES, MeasureUnit.PAIR, False, "手套"),
    ]
    return {
        code: Item.objects.create(
            code=code,
            name=name,
            category=category,
            measure=measure,
            tracks_expiry=expiry,
            aliases=aliases,
            sort_order=n,
        )
        for n, (code, name, category, measure, expiry, aliases) in enumerate(specs)
    }


@pytest.fixture
def logistics(tree: Tree) -> Any:
    return _persona(tree.ganzhou, "ganzhou-logistics", RoleCode.LOGISTICS)


@pytest.fixture
def post_leader(tree: Tree) -> Any:
    return _persona(tree.ganzhou_squad, "squad-leader", RoleCode.DUTY_LEADER)


@pytest.fixture
def stores(tree: Tree, commander: Any) -> Stores:
    return Stores(
        detachment=services.store_create(actor=commander, unit=tree.detachment, name="支队物资库"),
        ganzhou=services.store_create(actor=commander, unit=tree.ganzhou, name="甘州大队物资库"),
        linze=services.store_create(actor=commander, unit=tree.linze, name="临泽大队物资库"),
    )


def signature_png(*, blank: bool = False) -> bytes:
    """A signature as the phone's canvas sends it: dark strokes on a transparent pad."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 150), (120, 40), (200, 160), (300, 50), (420, 140)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def photo_upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = Image.new("RGB", (640, 480), (90, 140, 200))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return SimpleUploadedFile("post.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    """Signatures and photos go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path
