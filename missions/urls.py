from django.urls import path

from . import views

app_name = "missions"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<str:slug>/", views.city_detail, name="city-detail"),
    path("cities/<str:slug>/feed/", views.CityMilestonesFeed(), name="city-feed"),
    path("twinning/", views.twinning_list, name="twinning-list"),
    path("networks/", views.network_list, name="network-list"),
    path("networks/<slug:slug>/", views.network_detail, name="network-detail"),
]
