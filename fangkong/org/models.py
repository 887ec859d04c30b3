from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.identity import BlindIndexField, EncryptedTextField
from fangkong.lib.mask import mask_id_number, mask_phone
from fangkong.org.choices import Rank, RoleCode, StaffKind, UnitKind


class Unit(models.Model):
    """A police unit. ``path`` is the materialised path of unit codes from the root, so a
    subtree is one prefix match; services keep it in step with ``parent``."""

    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=400, db_index=True, editable=False)
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def build_path(self) -> str:
        parent_path = self.parent.path if self.parent_id else "/"
        return f"{parent_path}{self.code}/"


class Role(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class Staff(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("category"), max_length=20, choices=StaffKind.choices)
    # 警号 for sworn officers, 辅警编号 for auxiliaries; unique across the installation.
    badge_number = models.CharField(_("badge number"), max_length=20, unique=True)
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone")
    # The resident ID number (公民身份号码), as the personnel list gives it.
    id_number = EncryptedTextField(_("resident ID number"), blank=True)
    id_number_index = BlindIndexField(source="id_number", kind="id_number")
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True)
    active = models.BooleanField(_("in service"), default=True)
    # Set for an account whose password someone else chose (the first commander's, from
    # `manage.py bootstrap`); middleware sends them to change it before anything else.
    password_change_required = models.BooleanField(
        _("must change password at next login"), default=False
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit__path", "kind", "badge_number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.badge_number})"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    def has_role(self, code: str) -> bool:
        return any(role.code == code for role in self.roles.all())
