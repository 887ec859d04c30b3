from django.urls import path

from fangkong.keypersons import views

app_name = "keypersons"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("today/", views.today, name="today"),
    path("candidates/", views.candidates, name="candidates"),
    path("checks/<int:check_id>/outcome/", views.check_outcome, name="check_outcome"),
    path("<int:key_person_id>/", views.detail, name="detail"),
    path("<int:key_person_id>/followup/", views.followup, name="followup"),
    path("doors/<int:door_id>/visit/", views.door_visit, name="door_visit"),
    # The token is a capability: fangkong/lib/redact.py keeps it out of the access log.
    path("s/<str:token>/", views.self_report, name="self_report"),
]
