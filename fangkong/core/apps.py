from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fangkong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from fangkong.core import checks  # noqa: F401 - registers the system checks

        refuse_control_characters_in_forms()


def refuse_control_characters_in_forms() -> None:
    """Every text field of every form (ours, the login, the admin) refuses control characters
    with a message on the field: one place instead of one per field (fangkong/core/text.py
    says why). On the class's method rather than as a default validator, so that the fields
    made before this app was ready (the login form's, made when the admin loaded) have it too.
    """
    from django import forms

    from fangkong.core.text import validate_text

    run_validators = forms.CharField.run_validators
    if getattr(run_validators, "refuses_control_characters", False):
        return

    def checked(self: forms.CharField, value: Any) -> None:
        validate_text(value)
        run_validators(self, value)

    checked.refuses_control_characters = True  # type: ignore[attr-defined]
    forms.CharField.run_validators = checked  # type: ignore[method-assign, assignment]
