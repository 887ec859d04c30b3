from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fangkong.core.jurisdiction import user_unit
from fangkong.org.permissions import can_administer_any


def fangkong(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "current_unit": user_unit(user),
        "can_administer": can_administer_any(user) if user is not None else False,
    }
