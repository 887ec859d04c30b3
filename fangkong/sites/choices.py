from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("Police checkpoint")
    TOLL_STATION = "toll_station", _("Expressway exit / toll station")
    SERVICE_AREA = "service_area", _("Service area")
    NATIONAL_ROAD = "national_road", _("National / provincial road")
    COUNTY_ROAD = "county_road", _("County / township road")
    COUNTY_BORDER = "county_border", _("County border")
    TRANSPORT_HUB = "transport_hub", _("Railway station / bus station / airport")
    COMMUNITY_GATE = "community_gate", _("Community gate")
    CITY_INTERSECTION = "city_intersection", _("City intersection")
    HOSPITAL = "hospital", _("Hospital / quarantine site")


# Sites where vehicles pass and travel groups are screened.
ROAD_KINDS = frozenset(
    {
        SiteKind.CHECKPOINT,
        SiteKind.TOLL_STATION,
        SiteKind.SERVICE_AREA,
        SiteKind.NATIONAL_ROAD,
        SiteKind.COUNTY_ROAD,
        SiteKind.COUNTY_BORDER,
        SiteKind.CITY_INTERSECTION,
    }
)


class SiteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
