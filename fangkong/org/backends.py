"""Django's model backend, loading with the user what every staff request asks for next."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Authenticates as :class:`~django.contrib.auth.backends.ModelBackend` does; the user of
    each request comes with their staff record, unit and parent unit in one query rather than
    three, since every staff page and API call scopes its data by the user's jurisdiction."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        users = model._default_manager.select_related("staff__unit__parent")
        try:
            user = users.get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
