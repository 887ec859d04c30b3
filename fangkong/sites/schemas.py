from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from fangkong.core.params import id_field, limit_field, offset_field


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    unit_id: int
    unit: str
    lng: float
    lat: float
    address: str
    division_code: str
    lanes: int
    required_officers: int
    required_auxiliaries: int
    status: str
    status_label: str


class SiteFilter(Schema):
    unit: int | None = id_field()
    kind: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=32)
    limit: int = limit_field(1000, 50_000)
    offset: int = offset_field()


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[dict[str, Any]]
