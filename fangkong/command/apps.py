from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = _("Command centre")

    def ready(self) -> None:
        # Keep the rollups current as checks and registrations arrive (see rollups.py).
        from fangkong.command import rollups

        rollups.connect_receivers()
