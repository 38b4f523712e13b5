from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("<int:pk>/status/", views.return_status, name="return_status"),
    path("<int:pk>/download/<str:fmt>/", views.return_download, name="return_download"),
    path("<int:pk>/submit/", views.return_submit, name="return_submit"),
]
