"""Reads for screening, every one scoped to the user's jurisdiction: checks, parties and sites
(``checks``), and the stored policy with the rule set it makes (``policy``). Import from here;
the modules are how the code is cut."""

from fangkong.screening.selectors.checks import (
    LastCheck,
    Party,
    check_get_for_user,
    check_list_for_user,
    local_day_bounds,
    officer_sites,
    party_lookup_for_user,
    risk_area_list_current,
    site_counters,
)
from fangkong.screening.selectors.policy import (
    InForce,
    area_names,
    complete_rules,
    policy_client_json,
    policy_in_force,
    policy_row_at,
    policy_versions,
    rule_set_current,
)

__all__ = [
    "InForce",
    "LastCheck",
    "Party",
    "area_names",
    "check_get_for_user",
    "check_list_for_user",
    "complete_rules",
    "local_day_bounds",
    "officer_sites",
    "party_lookup_for_user",
    "policy_client_json",
    "rule_set_current",
    "policy_in_force",
    "policy_row_at",
    "policy_versions",
    "risk_area_list_current",
    "site_counters",
]
