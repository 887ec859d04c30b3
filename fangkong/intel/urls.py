from django.urls import path

from fangkong.intel import views

app_name = "intel"
urlpatterns = [
    path("", views.list_index, name="lists"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
]
