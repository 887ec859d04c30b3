from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DETACHMENT = "detachment", _("Detachment")
    BRIGADE = "brigade", _("Brigade")
    SQUAD = "squad", _("Squad")
    STATION = "station", _("Police station")
    COMMAND_CENTRE = "command_centre", _("Command centre")
    # The public-security side of the six-level grid (公安局, 分局, 警务室).
    CITY_BUREAU = "city_bureau", _("Public security bureau")
    BRANCH_BUREAU = "branch_bureau", _("Branch bureau")
    POLICE_OFFICE = "police_office", _("Community police office")


class StaffKind(models.TextChoices):
    OFFICER = "officer", _("Sworn officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    CIVILIAN = "civilian", _("Civilian staff")
    GRID_WORKER = "grid_worker", _("Grid worker")


class Rank(models.TextChoices):
    # The ranks of the People's Police (人民警察警衔), lowest first.
    CONSTABLE_2 = "constable_2", _("Constable, second class")
    CONSTABLE_1 = "constable_1", _("Constable, first class")
    SERGEANT_3 = "sergeant_3", _("Sergeant, third class")
    SERGEANT_2 = "sergeant_2", _("Sergeant, second class")
    SERGEANT_1 = "sergeant_1", _("Sergeant, first class")
    INSPECTOR_3 = "inspector_3", _("Inspector, third class")
    INSPECTOR_2 = "inspector_2", _("Inspector, second class")
    INSPECTOR_1 = "inspector_1", _("Inspector, first class")
    SUPERINTENDENT_3 = "superintendent_3", _("Superintendent, third class")
    SUPERINTENDENT_2 = "superintendent_2", _("Superintendent, second class")
    SUPERINTENDENT_1 = "superintendent_1", _("Superintendent, first class")


class RoleCode(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    DUTY_LEADER = "duty_leader", _("Duty leader")
    CHECKPOINT = "checkpoint", _("Checkpoint duty")
    ANALYST = "analyst", _("Command-centre analyst")
    GRID_WORKER = "grid_worker", _("Community police / grid worker")
    LOGISTICS = "logistics", _("Logistics")
    # Granted to the few analysts who need full personal details (case work, tracing).
    IDENTITY_REVIEW = "identity_review", _("Personal details review")
    # 社区民警: answers for the key persons of their communities.
    COMMUNITY_OFFICER = "community_officer", _("Community officer")
