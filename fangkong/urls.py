from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from fangkong.api import api
from fangkong.core import views as core_views
from fangkong.org import logins
from fangkong.org import views as org_views

# Error pages that read nothing from the request's body (fangkong/core/errorpages.py).
handler400 = "fangkong.core.errorpages.bad_request"
handler403 = "fangkong.core.errorpages.permission_denied"
handler404 = "fangkong.core.errorpages.page_not_found"
handler500 = "fangkong.core.errorpages.server_error"

urlpatterns = [
    # The citizens' form first: the busiest URL there is, resolved without trying the rest.
    path("r/", include("fangkong.registration.urls")),
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", logins.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("org/", include("fangkong.org.urls")),
    path("sites/", include("fangkong.sites.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("passes/", include("fangkong.passes.urls")),
    path("roster/", include("fangkong.roster.urls")),
    path("command/", include("fangkong.command.urls")),
    path("jobs/", include("fangkong.jobs.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    path("duty/", include("fangkong.duty.urls")),
    path("intel/", include("fangkong.intel.urls")),
    path("keypersons/", include("fangkong.keypersons.urls")),
    path("grid/import/", include("fangkong.grid.urls_import")),
    # No /media/: uploaded site photos are served by sites.views.site_photo_file, which checks
    # the user's jurisdiction over the photo's site.
]
if settings.ADMIN_ENABLED:
    urlpatterns += [
        # The admin's own login page would be a second way in; ours is throttled and audited.
        path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
        path("admin/", admin.site.urls),
    ]
