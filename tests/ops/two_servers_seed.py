"""The installation of tests/ops/test_two_servers.py: bootstrapped, with one site. Run as
``manage.py shell -c "import tests.ops.two_servers_seed as s; s.run()"``."""

from __future__ import annotations

from fangkong.org.models import Staff
from fangkong.org.services import installation_bootstrap
from tests.factories import SiteFactory

USERNAME = "zhang.wei"
PASSWORD = "Two-servers-2026"


def run() -> None:
    result = installation_bootstrap(
        division_code="620700",
        unit_name="张掖市公安局交警支队",
        username=USERNAME,
        password=PASSWORD,
        staff_name="张伟",
        badge_number="620001",
    )
    # This test is about the servers, not about the forced change of the first password.
    Staff.objects.filter(user=result.user).update(password_change_required=False)
    SiteFactory(code="GZ-001", unit=result.unit)
