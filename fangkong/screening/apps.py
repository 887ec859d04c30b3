from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from fangkong.registration.retention import register_purge_step
        from fangkong.screening.services import check_purge

        # Checks point at registrations and persons: they go first.
        register_purge_step("screening.checks", check_purge, order=10)
