from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildingKind(models.TextChoices):
    BUILDING = "building", _("Building")  # 楼 (urban)
    VILLAGE_GROUP = "village_group", _("Village group")  # 村小组 (rural)


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", _("Registered resident")  # 户籍人口
    TENANT = "tenant", _("Tenant")
    FLOATING = "floating", _("Floating population")  # 流动人口
