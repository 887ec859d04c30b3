"""Settings for bench/registration.py: the project's own, plus a bare view to compare with
and a rate limit the load generator never reaches. Nothing else differs. (In a folder of its
own, because ``make bench`` runs every bench/*.py as a benchmark.)"""

from fangkong.settings import *  # noqa: F403

ROOT_URLCONF = "bench.registration_server.urls"
REGISTRATION_RATE = "100000000/600"
REGISTRATION_ADDRESS_RATE = "100000000/600"
