from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fangkong.intel.permissions import can_work_intel


def intel(request: HttpRequest) -> dict[str, Any]:
    """Whether the menu offers list matching (the template calls it only where used)."""
    user = getattr(request, "user", None)
    return {"can_work_intel": lambda: user is not None and can_work_intel(user)}
