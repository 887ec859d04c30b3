from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "fangkong.passes"
    label = "passes"
    verbose_name = _("Vehicle passes")

    def ready(self) -> None:
        from fangkong.passes.services import vehicle_pass_purge
        from fangkong.registration.retention import register_purge_step

        # After the checks (order 10), before the persons their drivers point at.
        register_purge_step("passes.vehicle_passes", vehicle_pass_purge, order=20)
