from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fangkong.screening.services.policy import can_manage_policy


def screening(request: HttpRequest) -> dict[str, Any]:
    """Whether the menu offers the policy page (the template calls it only where used)."""
    user = getattr(request, "user", None)
    return {"can_manage_policy": lambda: user is not None and can_manage_policy(user)}
