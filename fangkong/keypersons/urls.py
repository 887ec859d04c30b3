from django.urls import path

from fangkong.keypersons import grid_views, views

app_name = "keypersons"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("today/", views.today, name="today"),
    path("today/sw.js", grid_views.today_sw, name="today_sw"),
    path("candidates/", views.candidates, name="candidates"),
    path("checks/<int:check_id>/outcome/", views.check_outcome, name="check_outcome"),
    path("<int:key_person_id>/", views.detail, name="detail"),
    path("<int:key_person_id>/followup/", views.followup, name="followup"),
    path("doors/<int:door_id>/visit/", views.door_visit, name="door_visit"),
    path("residents/<int:resident_id>/verify/", grid_views.resident_verify, name="resident_verify"),
    path("residents/<int:resident_id>/reject/", grid_views.resident_reject, name="resident_reject"),
    path(
        "placements/<int:placement_id>/place/", grid_views.placement_place, name="placement_place"
    ),
    path(
        "placements/<int:placement_id>/reject/",
        grid_views.placement_reject,
        name="placement_reject",
    ),  # fmt: skip
    path("floating/", grid_views.floating_list, name="floating"),
    path("sealed/", grid_views.sealed_list, name="sealed"),
    path("sealed/<int:area_id>/", grid_views.sealed_detail, name="sealed_detail"),
    # The token is a capability: fangkong/lib/redact.py keeps it out of the access log.
    path("s/<str:token>/", views.self_report, name="self_report"),
]
