from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyPersonsConfig(AppConfig):
    name = "fangkong.keypersons"
    label = "keypersons"
    verbose_name = _("Key persons")
