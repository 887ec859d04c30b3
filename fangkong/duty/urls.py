from django.urls import path

from fangkong.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.leader, name="leader"),
    path("post/", views.post_sign_in, name="post"),
    path("dashboard-block", views.dashboard_block, name="dashboard_block"),
    path("handovers/", views.handovers, name="handovers"),
    path(
        "handovers/<int:handover_id>/acknowledge", views.handover_acknowledge, name="handover_ack"
    ),
]
