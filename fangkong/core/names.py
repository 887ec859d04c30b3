"""People's names as they are said: family name first."""

from __future__ import annotations

from typing import Any


def family_first(family: str, given: str) -> str:
    """Chinese order, no space; Latin names keep a space between the two."""
    if (family + given).isascii():
        return f"{family} {given}".strip()
    return family + given


def _loaded_staff(user: Any) -> Any:
    """The user's staff row if it has been loaded with the user, else None (never a query)."""
    state = getattr(user, "_state", None)
    return state.fields_cache.get("staff") if state is not None else None


def person_name(user: Any) -> str:
    """A user as people call them: the staff member's name, else the account's names in
    Chinese order, else the username. Only a staff row already loaded is used, so that a list
    of changes does not cost a query per row (``select_related("…__staff")`` to have it)."""
    if user is None:
        return ""
    name = getattr(_loaded_staff(user), "name", "")
    if name:
        return str(name)
    family, given = getattr(user, "last_name", ""), getattr(user, "first_name", "")
    if family or given:
        return family_first(family, given)
    return user.get_username() if hasattr(user, "get_username") else str(user)


def person_label(user: Any) -> str:
    """A user who acted, as records name them: the staff member's name and badge number
    (``王建国 (B1023)``, as ``Staff`` prints), else :func:`person_name`. Like it, only a staff
    row already loaded is used (``select_related("…__staff")``)."""
    if user is None:
        return ""
    badge = getattr(_loaded_staff(user), "badge_number", "")
    name = person_name(user)
    return f"{name} ({badge})" if badge else name
