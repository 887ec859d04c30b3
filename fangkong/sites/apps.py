from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image


class SitesConfig(AppConfig):
    name = "fangkong.sites"
    label = "sites"
    verbose_name = _("Sites")

    def ready(self) -> None:
        # Pillow warns above MAX_IMAGE_PIXELS and refuses twice as many when it opens any image
        # (a decompression bomb); its default, 89 million, is more than we ever decode.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
