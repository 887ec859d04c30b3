from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from fangkong.api import api
from fangkong.core import views as core_views

urlpatterns = [
    # The citizens' form first: the busiest URL there is, resolved without trying the rest.
    path("r/", include("fangkong.registration.urls")),
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("org/", include("fangkong.org.urls")),
    path("sites/", include("fangkong.sites.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("passes/", include("fangkong.screening.passes_urls")),
    path("roster/", include("fangkong.roster.urls")),
    path("command/", include("fangkong.command.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    # Uploaded photos are served by Django only for the embedded install; production puts
    # nginx in front of MEDIA_ROOT (docs/deploy.md).
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
