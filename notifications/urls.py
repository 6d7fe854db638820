from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.follow, name="follow"),
    path("sent/", views.follow_sent, name="follow-sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
