from django.urls import path

from . import views
from .models import Page

app_name = "pages"

# /<lang>/about/<page>/ (included under "about/" in climateportal/urls.py); the URL names are the
# pages' keys, so the footer links to {% url 'pages:accessibility' %} and so on.
urlpatterns = [
    path(f"{key}/", views.page_detail, {"key": key}, name=key) for key in Page.Key.values
]
