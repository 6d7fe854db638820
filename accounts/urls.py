from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_overview, name="overview"),
    path("data/", views.account_data, name="data"),
    path("delete/", views.account_delete, name="delete"),
]
