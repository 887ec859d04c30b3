from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "fangkong.registration"
    label = "registration"
    verbose_name = _("Self-registration")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from fangkong.registration.orphans import person_purge_orphans, vehicle_purge_orphans
        from fangkong.registration.retention import register_purge_step
        from fangkong.registration.selectors import site_saved
        from fangkong.registration.services import registration_purge
        from fangkong.sites.models import Site

        register_purge_step("registration", registration_purge, order=50)
        # Last: what the steps before left without any record.
        register_purge_step("registration.persons", person_purge_orphans, order=90)
        register_purge_step("registration.vehicles", vehicle_purge_orphans, order=95)

        post_save.connect(site_saved, sender=Site, dispatch_uid="registration-site-saved")
        post_delete.connect(site_saved, sender=Site, dispatch_uid="registration-site-deleted")
