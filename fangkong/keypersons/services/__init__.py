"""Writes on key persons, one function per user action (episodes, follow-ups, the end-of-day
flagging, the candidates' review)."""

from fangkong.keypersons.services.candidates import (
    candidate_accept,
    candidate_dismiss,
    candidate_from_check,
    candidates_collect,
)
from fangkong.keypersons.services.episodes import (
    EpisodeIn,
    keyperson_create,
    keyperson_transition,
    report_link_issue,
)
from fangkong.keypersons.services.followups import (
    FlagResult,
    FollowUpIn,
    followup_record,
    followup_self_report,
    followups_flag,
    task_done,
)
from fangkong.keypersons.services.outcomes import (
    handover_record,
    return_confirm,
    return_record,
)
from fangkong.keypersons.services.tallies import TalliesRebuilt, tallies_rebuild

__all__ = [
    "EpisodeIn",
    "FlagResult",
    "FollowUpIn",
    "TalliesRebuilt",
    "candidate_accept",
    "candidate_dismiss",
    "candidate_from_check",
    "candidates_collect",
    "followup_record",
    "followup_self_report",
    "followups_flag",
    "handover_record",
    "keyperson_create",
    "keyperson_transition",
    "report_link_issue",
    "return_confirm",
    "return_record",
    "tallies_rebuild",
    "task_done",
]
