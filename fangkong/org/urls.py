from django.urls import path

from fangkong.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_tree, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
]
