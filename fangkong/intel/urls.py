from django.urls import path

from fangkong.intel import views

app_name = "intel"
urlpatterns = [
    path("", views.list_index, name="lists"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/columns/", views.list_columns, name="list_columns"),
    path("lists/<int:list_id>/report.xlsx", views.list_report, name="list_report"),
    path("review/", views.review_queue, name="review"),
    path("matches/<int:match_id>/review/", views.match_review, name="match_review"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/acknowledge/", views.task_acknowledge, name="task_acknowledge"),
    path("alerts/", views.alert_list, name="alerts"),
    path("traces/", views.trace_index, name="traces"),
    path("traces/<int:trace_id>/", views.trace_detail, name="trace"),
    path("traces/<int:trace_id>/candidates/", views.trace_propose, name="trace_propose"),
    path("traces/<int:trace_id>/graph.json", views.trace_graph, name="trace_graph"),
    path("traces/<int:trace_id>/export/", views.trace_export, name="trace_export"),
    path("traces/<int:trace_id>/notice.pdf", views.trace_notice, name="trace_notice"),
]
