from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "fangkong.roster"
    label = "roster"
    verbose_name = _("Duty rosters")
    default_auto_field = "django.db.models.BigAutoField"
