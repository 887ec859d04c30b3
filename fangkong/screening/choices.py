from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.screening import rules


class Outcome(models.TextChoices):
    """The outcomes of a check, with their labels: the one vocabulary every app, export and
    page uses. The values are the rule engine's (``rules.Outcome``, which imports no Django);
    ``OUTCOME_COLUMNS`` of the rollups and the officer page's list are made from this."""

    # "Pass" alone could be read as a document: the context keeps the outcome apart.
    PASS = rules.Outcome.PASS.value, pgettext_lazy("screening outcome", "Pass")
    PRIORITY_PASS = rules.Outcome.PRIORITY_PASS.value, _("Priority pass (green channel)")
    TEST_THEN_PASS = rules.Outcome.TEST_THEN_PASS.value, _("Test, then pass")
    PERSUADE_RETURN = rules.Outcome.PERSUADE_RETURN.value, _("Persuade to return")
    REFER_HEALTH = rules.Outcome.REFER_HEALTH.value, _("Refer to health authority")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class RevealReason(models.TextChoices):
    """Why someone asks to see a person's full document number and phone: chosen from this
    list, with a text of their own, and kept in the audit log."""

    IDENTITY_CHECK = "identity_check", _("Verifying identity on site")
    TRACE_NOTICE = "trace_notice", _("Trace notice")
    CONTACT_TRACING = "contact_tracing", _("Contact tracing")
    HEALTH_REFERRAL = "health_referral", _("Handover to the health authority")
    CASE = "case", _("Case handling")
