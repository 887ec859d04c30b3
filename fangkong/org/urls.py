from django.urls import path

from fangkong.org import views, views_import

app_name = "org"
urlpatterns = [
    path("units/", views.unit_tree, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("import/", views_import.import_new, name="import_new"),
    path("import/map/", views_import.import_map, name="import_map"),
    path("import/<int:job_id>/", views_import.import_result, name="import_result"),
    path("import/<int:job_id>/report.xlsx", views_import.import_report, name="import_report"),
]
