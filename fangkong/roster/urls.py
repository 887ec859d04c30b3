from django.urls import path

from fangkong.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.roster_list, name="list"),
    path("new/", views.roster_generate, name="generate"),
    path("me/", views.my_duties, name="me"),
    path("rules/", views.roster_rules, name="rules"),
    path("leave/", views.leave_list, name="leave"),
    path("<int:roster_id>/", views.roster_detail, name="detail"),
    path("<int:roster_id>/people/", views.roster_people, name="people"),
    path("<int:roster_id>/publish/", views.roster_publish, name="publish"),
    path("<int:roster_id>/reroster/", views.roster_reroster, name="reroster"),
    path("<int:roster_id>/export.xlsx", views.roster_export, name="export"),
    path("staffing/<int:site_id>/", views.staffing, name="staffing"),
    path("staffing/<int:site_id>/key/", views.key_site, name="key_site"),
]
