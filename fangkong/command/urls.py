from django.urls import path

from fangkong.command import views

app_name = "command"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("me/", views.me, name="me"),
    path("units.xlsx", views.units_xlsx, name="units_xlsx"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<int:unit_id>/<str:day>/", views.report_detail, name="report"),
    path("reports/<int:unit_id>/<str:day>/sign/", views.report_sign, name="report_sign"),
    path("reports/<int:unit_id>/<str:day>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("reports/<int:unit_id>/<str:day>/report.xlsx", views.report_xlsx_view, name="report_xlsx"),
]
