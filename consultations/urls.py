from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/thanks/", views.consultation_thanks, name="thanks"),
    path("<slug:slug>/results/", views.consultation_results, name="results"),
]
