from django.urls import path

from fangkong.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.leader, name="leader"),
    path("post/", views.post_sign_in, name="post"),
    path("post/sw.js", views.post_sw, name="post_sw"),
    path("dashboard-block", views.dashboard_block, name="dashboard_block"),
    path("handovers/", views.handovers, name="handovers"),
    path(
        "handovers/<int:handover_id>/acknowledge", views.handover_acknowledge, name="handover_ack"
    ),
    path("inspections/", views.inspections, name="inspections"),
    path("fixes/<int:fix_id>/close", views.fix_close, name="fix_close"),
    path("summary.xlsx", views.summary_export, {"fmt": "xlsx"}, name="summary_xlsx"),
    path("summary.pdf", views.summary_export, {"fmt": "pdf"}, name="summary_pdf"),
    path("fatigue/", views.fatigue, name="fatigue"),
    path("me/", views.me, name="me"),
    path("reports/", views.reports, name="reports"),
    path(
        "reports/<int:report_id>/acknowledge",
        views.report_action,
        {"action": "acknowledge"},
        name="report_ack",
    ),
    path(
        "reports/<int:report_id>/close",
        views.report_action,
        {"action": "close"},
        name="report_close",
    ),
    path("squads/", views.squads, name="squads"),
]
