from django.urls import path

from fangkong.supplies.views import donations, imports, issues, posts, stock

app_name = "supplies"
urlpatterns = [
    path("", stock.overview, name="overview"),
    path("reorder.xlsx", stock.reorder_xlsx, name="reorder_xlsx"),
    path("ledger/", stock.ledger, name="ledger"),
    path("ledger.xlsx", stock.ledger_xlsx, name="ledger_xlsx"),
    path("locations/<int:location_id>/", stock.location_detail, name="location"),
    path("locations/<int:location_id>/receive/", stock.receive, name="receive"),
    path("locations/<int:location_id>/transfer/", stock.transfer, name="transfer"),
    path("locations/<int:location_id>/count/", stock.count, name="count"),
    path("locations/<int:location_id>/write-off/", stock.write_off, name="write_off"),
    path("requests/", issues.request_list, name="requests"),
    path("requests/<int:request_id>/", issues.request_detail, name="request"),
    path("issues/new/", issues.issue_new, name="issue_new"),
    path("issues/<int:issue_id>/", issues.issue_detail, name="issue"),
    path("issues/<int:issue_id>/sign/", issues.issue_sign, name="issue_sign"),
    path("issues/<int:issue_id>/signature.png", issues.issue_signature, name="issue_signature"),
    path("posts/", posts.post_list, name="posts"),
    path("posts/<int:site_id>/", posts.post_page, name="post"),
    path("posts/<int:site_id>/request/", posts.post_request, name="post_request"),
    path("posts/<int:site_id>/count/", posts.post_count, name="post_count"),
    path("posts/<int:site_id>/disinfection/", posts.post_disinfection, name="post_disinfection"),
    path("posts/<int:site_id>/welfare/", posts.post_welfare, name="post_welfare"),
    path("log/", posts.log_missing, name="log_missing"),
    path("dashboard-block/", posts.dashboard_block, name="dashboard_block"),
    path("donations/", donations.donation_list, name="donations"),
    path("donations/new/", donations.donation_new, name="donation_new"),
    path("donations/<int:donation_id>/", donations.donation_detail, name="donation"),
    path(
        "donations/<int:donation_id>/publish/", donations.donation_publish, name="donation_publish"
    ),
    path(
        "donations/<int:donation_id>/receipt.pdf",
        donations.donation_receipt,
        name="donation_receipt",
    ),
    path("public/<str:unit_code>/donations/", donations.public_donations, name="public_donations"),
    path("imports/new/", imports.import_new, name="import_new"),
    path("imports/<int:job_id>/", imports.import_detail, name="import"),
    path("imports/<int:job_id>/problems.xlsx", imports.import_report, name="import_report"),
]
