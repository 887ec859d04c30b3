"""Bounds on what the API reads from a query or a body: paging, days and moments.

Without them a negative offset, an offset past 2^63 (``OverflowError`` in the database
driver) or the last day of year 9999 (``OverflowError`` on the next day) ended in a 500, and a
trend from year 1 asked for 740,000 days of figures. Beyond a bound the answer is a 422 with
the field's error; each bound is written into the OpenAPI description of the parameter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

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
