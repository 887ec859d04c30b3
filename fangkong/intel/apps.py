from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "fangkong.intel"
    label = "intel"
    verbose_name = _("List matching and tracing")

    def ready(self) -> None:
        from fangkong.intel import tasks  # noqa: F401 - registers the kinds of job
        from fangkong.intel.services import grid_sources
        from fangkong.intel.services.lists import watch_list_purge
        from fangkong.registration.retention import register_purge_step

        # Before checks and registrations: matches and alerts point at them.
        register_purge_step("intel.lists", watch_list_purge, order=5)
        # Key persons and grid residents are matched as the other records are.
        grid_sources.register()
