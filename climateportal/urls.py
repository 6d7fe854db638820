from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

import missions.urls
from core.views import healthz

from . import views


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# The missions app's pages, plus the city page that the project composes from several apps.
missions_pages = [
    path("cities/<uslug:slug>/", views.city_detail, name="city-detail"),
    *missions.urls.urlpatterns,
]

urlpatterns += i18n_patterns(
    # Under the language prefix, so the switcher can translate the page's own URL.
    path("i18n/setlang/", set_language, name="set_language"),
    path("consultations/", include("consultations.urls")),
    path("reports/", include("reports.urls")),
    path("", include((missions_pages, "missions"))),
    prefix_default_language=True,
)
# The 500 page in the URL's language (404 and 403 use templates/404.html and 403.html).
handler500 = "core.views.server_error"

# No media URL is served: progress reports are downloaded only through their permission-checked
# view, in every environment.
