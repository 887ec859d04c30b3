from django.urls import path

from fangkong.registration import views

app_name = "registration"
urlpatterns = [
    path("pass/<str:token>/", views.registration_pass, name="pass"),
    path("qr/<int:site_id>/<str:kind>.svg", views.site_qr, name="site_qr"),
    path("posters/<int:site_id>/<str:kind>.pdf", views.site_poster, name="site_poster"),
    path("posters/unit/<int:unit_id>.pdf", views.unit_posters, name="unit_posters"),
    path("<str:site_code>/<str:kind>/", views.registration_form, name="form"),
]
