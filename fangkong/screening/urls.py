from django.urls import path

from fangkong.screening import views

app_name = "screening"
urlpatterns = [
    path("officer/", views.officer, name="officer"),
    path("officer/sw.js", views.officer_sw, name="officer_sw"),
    path("officer/manifest.webmanifest", views.officer_manifest, name="officer_manifest"),
    path("policy/", views.policy_page, name="policy"),
    path("policy/risk-areas/import/", views.risk_area_import, name="risk_area_import"),
    path("sites/<int:site_id>/counters/", views.site_counters, name="site_counters"),
    path("checks/<int:check_id>/", views.check_detail, name="check_detail"),
]
