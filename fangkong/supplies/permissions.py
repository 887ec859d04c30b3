"""Who may do what with supplies. Reading follows jurisdiction alone (a brigade sees its
stores and posts); moving stock needs a role as well.

- Logistics staff (and unit administrators and commanders) run the stores of their
  jurisdiction: receive, issue, transfer, count, write off, import, approve requests,
  record donations.
- Anyone whose jurisdiction covers a post works at it: asks for supplies, counts what is
  left, logs disinfection and welfare, and signs for an issue.
"""

from __future__ import annotations

from typing import Any

from fangkong.core.jurisdiction import sees_everything, unit_in_scope, user_unit
from fangkong.org.choices import RoleCode
from fangkong.org.models import Unit
from fangkong.org.permissions import user_roles
from fangkong.sites.models import Site

STOCK_ROLES = frozenset({RoleCode.LOGISTICS, RoleCode.UNIT_ADMIN, RoleCode.COMMANDER})


def can_manage_stock(user: Any, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    return bool(user_roles(user) & STOCK_ROLES) and unit_in_scope(user, unit)


def can_manage_any_stock(user: Any) -> bool:
    return sees_everything(user) or (
        bool(user_roles(user) & STOCK_ROLES) and user_unit(user) is not None
    )


def can_act_at_post(user: Any, site: Site) -> bool:
    return unit_in_scope(user, site.unit)
