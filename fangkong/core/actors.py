"""Who a service acts for: the type of every service's ``actor`` argument.

Views pass ``request.user``, management commands and jobs a user they looked up (or
``None``, the system itself). Services check permissions on it themselves, so it may be
anonymous: a service must never trust that a view let only signed-in users through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | None"
