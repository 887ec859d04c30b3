"""Bounds on what the API reads from a query or a body: paging, days and moments.

Without them a negative offset, an offset past 2^63 (``OverflowError`` in the database
driver) or the last day of year 9999 (``OverflowError`` on the next day) ended in a 500, and a
trend from year 1 asked for 740,000 days of figures. Beyond a bound the answer is a 422 with
the field's error; each bound is written into the OpenAPI description of the parameter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# Deep paging is for tools, never people: ten million rows in is already far past any list.
MAX_OFFSET = 10_000_000
# The longest span of days a dashboard figure or trend covers, from the day rollups.
MAX_SPAN_DAYS = 400

_DAYS = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def _within_years(value: Any) -> Any:
    # By year rather than ge/le: a datetime without a time zone cannot be compared with an
    # aware bound, and the service says what is wrong with it.
    if value is not None and not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        message = _("Give a day from %(first)s to %(last)s.")
        raise ValueError(message % {"first": FIRST_DAY, "last": LAST_DAY})
    return value


def day_within(text: str | None) -> date | None:
    """``text`` as a day from FIRST_DAY to LAST_DAY, else None: a page's reading of a day in
    its query or its form (the parser raises on a well-formed day that is no day, such as
    30 February; that too is None)."""
    try:
        day = parse_date(text) if text else None
    except ValueError:
        return None
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def posted_day(text: str, label: Any) -> date | None:
    """The day a page's form posted as ``text``, None if left blank; anything else that is
    no day within the bounds is a ``ValidationError`` naming the field by its ``label``."""
    text = text.strip()
    if not text:
        return None
    day = day_within(text[:10])
    if day is None:
        message = _("%(field)s: enter a date as year-month-day, for example 2026-03-01.")
        raise ValidationError(message % {"field": label}, code="date_invalid")
    return day


Day = Annotated[date, AfterValidator(_within_years), Field(description=f"A day {_DAYS}.")]
Moment = Annotated[datetime, AfterValidator(_within_years), Field(description=f"A moment {_DAYS}.")]


# A record id given in a query or a body (database ids are 64-bit signed).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def offset_field() -> Any:
    return Field(0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET:,}.")


def limit_field(default: int, maximum: int) -> Any:
    return Field(default, ge=1, le=maximum, description=f"Rows to return, 1 to {maximum:,}.")


def id_field(description: str = "") -> Any:
    """An optional record id (database ids are 64-bit signed)."""
    return Field(None, ge=1, le=2**63 - 1, description=description or None)
