"""Writes of the intel app, one module per flow. ``alerts_for`` is what the checkpoint
services call once a check or a registration is saved."""

from fangkong.intel.services.alerts import alert_notices, alerts_for

__all__ = ["alert_notices", "alerts_for"]
