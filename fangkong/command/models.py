"""The command centre's own records: hourly rollups of the checks and registrations, and the
daily analysis reports (研判报告).

Rollups hold counts only, no personal data, so they outlive the retention purge of the raw
checks and registrations: the dashboards of last month still work after the purge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.command.choices import ReportStatus
from fangkong.core.fields import actor_field
from fangkong.org.models import Unit
from fangkong.screening.choices import Outcome
from fangkong.sites.models import Site

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The counter columns of SiteHourRollup, in one place for the UPSERT, the rebuild and the
# dashboards. Outcome columns are named ``outcome_<Outcome value>``.
OUTCOME_COLUMNS = tuple(f"outcome_{value}" for value in Outcome.values)
CODE_COLUMNS = ("code_green", "code_yellow", "code_red", "code_unknown")
REGISTRATION_COLUMNS = ("reg_road", "reg_community", "reg_floating")
COUNTER_COLUMNS = (
    ("persons", "vehicles") + OUTCOME_COLUMNS + CODE_COLUMNS + REGISTRATION_COLUMNS + ("overrides",)
)


def _counter(label: StrOrPromise) -> models.IntegerField:
    # Signed on purpose: a vehicle moved to an earlier hour is a -1 UPSERT, and SQLite checks
    # a CHECK (>= 0) constraint on the row it proposes before it sees the conflict.
    return models.IntegerField(label, default=0)


class CheckCounters(models.Model):
    """The per-check counters of a rollup row, and the unit path it sums into."""

    # A copy of the site's unit path when the row was made (``rollup_rebuild`` takes today's),
    # so "within a unit's subtree" needs no join.
    unit_path = models.CharField(_("unit path"), max_length=400)
    persons = _counter(_("persons checked"))
    outcome_pass = _counter(_("passed"))
    outcome_priority_pass = _counter(_("priority passes"))
    outcome_test_then_pass = _counter(_("tested, then passed"))
    outcome_persuade_return = _counter(_("persuaded to return"))
    outcome_refer_health = _counter(_("referred to health"))
    overrides = _counter(_("policy overrides"))

    class Meta:
        abstract = True


class SiteHourRollup(CheckCounters):
    """What happened at one site in one hour (UTC hour start)."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="hour_rollups"
    )
    hour = models.DateTimeField(_("hour (start, UTC)"))
    vehicles = _counter(_("vehicles checked"))
    code_green = _counter(_("green health codes"))
    code_yellow = _counter(_("yellow health codes"))
    code_red = _counter(_("red health codes"))
    code_unknown = _counter(_("health codes not available"))
    reg_road = _counter(_("road registrations"))
    reg_community = _counter(_("community gate registrations"))
    reg_floating = _counter(_("floating population registrations"))

    class Meta:
        verbose_name = _("site hourly rollup")
        verbose_name_plural = _("site hourly rollups")
        constraints = [
            models.UniqueConstraint(fields=["site", "hour"], name="command_site_hour_unique")
        ]
        indexes = [
            models.Index(fields=["unit_path", "hour"], name="command_rollup_path_hour"),
            models.Index(fields=["hour"], name="command_rollup_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.hour:%Y-%m-%d %H}:00"


# The counters of CheckCounters, which the day table keeps too (vehicles, health codes and
# registrations stay hourly only: the dashboard charts them for one day at a time).
DAY_COLUMNS = ("persons",) + OUTCOME_COLUMNS + ("overrides",)


class SiteDayRollup(CheckCounters):
    """The checks of one site on one local day: the dashboard's trends over weeks read a row
    per site and day instead of twenty-four."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="day_rollups"
    )
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("site daily rollup")
        verbose_name_plural = _("site daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="command_site_day_unique")
        ]
        indexes = [
            models.Index(fields=["unit_path", "date"], name="command_day_path_date"),
            models.Index(fields=["date"], name="command_day_date"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date}"


class OriginRollup(models.Model):
    """How many persons checked at a site on a day (Asia/Shanghai) came from a province."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="origin_rollups"
    )
    date = models.DateField(_("date"))
    # The province's division code: two digits and "0000".
    origin = models.CharField(_("province of origin"), max_length=6)
    count = _counter(pgettext_lazy("count", "persons"))

    class Meta:
        verbose_name = _("origin rollup")
        verbose_name_plural = _("origin rollups")
        constraints = [
            models.UniqueConstraint(fields=["site", "date", "origin"], name="command_origin_unique")
        ]
        indexes = [models.Index(fields=["date"], name="command_origin_date")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date} {self.origin}"


class AnalysisReport(models.Model):
    """研判报告: a unit's daily analysis. The command-centre analyst drafts it (remarks and a
    judgement; the figures are computed live while it is a draft) and the duty leader signs it
    off, which freezes the figures into ``data``. Who drafted and who signed, and when, are kept
    and printed in the signature block."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="analysis_reports"
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    data = models.JSONField(_("figures"), default=dict, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    judgement = models.TextField(_("judgement"), blank=True)
    drafted_by = actor_field(_("drafted by"))
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    signed_by = actor_field(_("signed by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("analysis report")
        verbose_name_plural = _("analysis reports")
        ordering = ["-day", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="command_report_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"

    @property
    def signed(self) -> bool:
        return self.status == ReportStatus.SIGNED
