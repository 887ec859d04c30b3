from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator, model_validator

from fangkong.core.params import MAX_SPAN_DAYS, Day, id_field
from fangkong.sites.choices import SiteKind


class DashboardFilter(Schema):
    unit: int | None = id_field()
    day: Day | None = None
    first: Day | None = Field(
        None,
        description=(
            "First day of the trends and totals over days; default 13 days before the day, "
            f"at most {MAX_SPAN_DAYS} days before it."
        ),
    )
    kind: str = Field("", max_length=32)
    quiet_hours: int = Field(2, ge=1, le=72)

    @field_validator("kind")
    @classmethod
    def kind_known(cls, kind: str) -> str:
        if kind and kind not in SiteKind.values:
            raise ValueError(_("Unknown site kind."))
        return kind

    @model_validator(mode="after")
    def span_within_bounds(self) -> DashboardFilter:
        # Figures over days come from the day rollups, a row per site and day: a span is
        # bounded so that a request stays a request (a trend from year 1 took 25 s).
        day = self.day or timezone.localdate()
        if self.first is not None and self.first > day:
            raise ValueError(_("The first day must not be after the day."))
        if self.first is not None and (day - self.first).days > MAX_SPAN_DAYS:
            message = _("The first day must be at most %(days)d days before the day.")
            raise ValueError(message % {"days": MAX_SPAN_DAYS})
        return self


class UnitFigureOut(Schema):
    unit_id: int | None
    name: str
    today: int = Field(description="Persons today, to now (or the whole day, for a past day).")
    yesterday: int = Field(description="Persons yesterday, to the same time of day.")
    last_week: int = Field(description="Persons on the same weekday last week, to that time.")
    yesterday_full: int
    last_week_full: int
    vehicles: int
    persuade_return: int
    refer_health: int
    change_day: float | None
    change_week: float | None


class TotalsOut(Schema):
    today: int
    yesterday: int
    last_week: int
    yesterday_full: int
    last_week_full: int
    persuade_return: int
    refer_health: int


class HourPointOut(Schema):
    """An hour of the day; the hours still to come have no figures (null)."""

    hour: int
    persons: int | None
    vehicles: int | None
    persuade_return: int | None
    refer_health: int | None


class OutcomesOut(Schema):
    persons: int
    vehicles: int
    outcome_pass: int
    outcome_priority_pass: int
    outcome_test_then_pass: int
    outcome_persuade_return: int
    outcome_refer_health: int
    code_green: int
    code_yellow: int
    code_red: int
    code_unknown: int
    reg_road: int
    reg_community: int
    reg_floating: int
    overrides: int


class OriginOut(Schema):
    code: str
    name: str
    count: int


class TrendOut(Schema):
    date: date
    persons: int
    persuade_return: int
    refer_health: int


class QuietSiteOut(Schema):
    id: int
    name: str
    unit: str
    last_hour: datetime | None
    usual: float | None = Field(
        description="Persons the site usually sees in these hours (mean of its last two weeks);"
        " null for an open site with no check in two weeks."
    )


class SiteVolumeOut(Schema):
    id: int
    name: str
    kind: str
    unit: str
    status: str
    lat: float
    lng: float
    volume: int
    last_hour: datetime | None
    quiet: bool


class UnderstaffedSiteOut(Schema):
    id: int
    name: str
    unit: str
    missing: dict[str, int]  # role (officer, auxiliary) -> people missing on the running shift
    text: str  # the same, in words


class DashboardOut(Schema):
    day: date
    first: date
    until: datetime = Field(description="The figures of the day go to this moment.")
    unit: str
    totals: TotalsOut
    units: list[UnitFigureOut]
    hourly: list[HourPointOut]
    outcomes: OutcomesOut
    origins: list[OriginOut]
    trends: list[TrendOut]
    quiet: list[QuietSiteOut]
    roster_published: bool = Field(description="A published roster covers today.")
    understaffed: list[UnderstaffedSiteOut]
    sites: list[SiteVolumeOut]
