from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema


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
    unit: int | None = None
    kind: str | None = None
    status: str | None = None
    limit: int = Field(1000, ge=1, le=50_000)
    offset: int = Field(0, ge=0)


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[dict[str, Any]]
