"""URLs of the vehicle passes, included under ``passes/`` with the namespace ``passes``."""

from django.urls import path

from fangkong.passes import views

app_name = "passes"
urlpatterns = [
    path("", views.pass_list, name="list"),
    path("apply/", views.pass_apply, name="apply"),
    path("status/<str:token>/", views.pass_status, name="status"),
    path("status/<str:token>/pass.pdf", views.pass_status_pdf, name="status_pdf"),
    path("scan/", views.pass_scan, name="scan_search"),
    path("scan/<str:token>/", views.pass_scan, name="scan"),
    path("<int:pass_id>/", views.pass_detail, name="detail"),
    path("<int:pass_id>/pass.pdf", views.pass_pdf, name="pdf"),
    path("<int:pass_id>/approve/", views.pass_approve, name="approve"),
    path("<int:pass_id>/reject/", views.pass_reject, name="reject"),
    path("<int:pass_id>/revoke/", views.pass_revoke, name="revoke"),
]
