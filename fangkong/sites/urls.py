from django.urls import path

from fangkong.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("map/", views.site_map, name="map"),
    path("new/", views.site_create, name="create"),
    path("division/", views.division_lookup, name="division"),
    path("staff-options/", views.staff_options, name="staff_options"),
    path("<int:site_id>/", views.site_detail, name="detail"),
    path("<int:site_id>/edit/", views.site_edit, name="edit"),
    path("<int:site_id>/photos/", views.site_photo_add, name="photo_add"),
    path("photos/<int:photo_id>.jpg", views.site_photo_file, name="photo"),
    path(
        "photos/<int:photo_id>-thumb.jpg",
        views.site_photo_file,
        {"thumb": True},
        name="photo_thumb",
    ),
    path("<int:site_id>/status/", views.site_status, name="status"),
]
