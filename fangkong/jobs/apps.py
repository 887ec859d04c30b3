from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "fangkong.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app's tasks.py registers its kinds of job; load them all, so that the worker
        # knows every kind whichever module enqueued it.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
