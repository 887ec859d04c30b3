from django.urls import path

from fangkong.grid import views_import

app_name = "grid_import"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("map/", views_import.mapping, name="map"),
    path("<int:job_id>/", views_import.result, name="result"),
    path("<int:job_id>/problems.xlsx", views_import.report, name="report"),
]
