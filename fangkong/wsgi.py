import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

# Imported after set-up: the checkpointer reads the database settings.
from fangkong.core import busy, checkpointer  # noqa: E402

checkpointer.start(settings.SQLITE_CHECKPOINT_S)
busy.install(settings.DB_BUSY_TIMEOUT_S, settings.DB_STATEMENT_TIMEOUT_S)

# Loaded here, before gunicorn forks the workers (--preload), rather than by each new worker's
# first requests (fangkong/core/warmup.py).
from fangkong.core import warmup  # noqa: E402

warmup.warm()
