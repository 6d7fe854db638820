from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.i18n import set_language

import api.urls
import api.views
import missions.urls
from core.views import healthz

from . import views


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    # The read and write API, outside the language prefix (?lang= or Accept-Language choose
    # the language); unknown /api/ paths answer in JSON.
    path("api/v1/", include("api.urls")),
    re_path(r"^api/", api.views.not_found),
    # (/csp-report/ is answered by core.middleware.CSPReportMiddleware, before sessions and CSRF.)
]

# The missions app's pages, plus the city page that the project composes from several apps.
missions_pages = [
    path("cities/<uslug:slug>/", views.city_detail, name="city-detail"),
    *missions.urls.urlpatterns,
]

# Every page people read, under /en/, /el/ or /pl/.
urlpatterns += i18n_patterns(
    # Under the language prefix, so the switcher can translate the page's own URL.
    path("i18n/setlang/", set_language, name="set_language"),
    # Signing in, up and out, two-factor authentication and password reset in the reader's
    # language: /el/reports/ sends a signed-out official to /el/accounts/login/.
    path("accounts/", include("allauth.urls")),
    path("consultations/", include("consultations.urls")),
    path("reports/", include("reports.urls")),
    path("", include((missions_pages, "missions"))),
    # A signed-in person's own account: overview, data download, deletion.
    path("account/", include("accounts.urls")),
    # Email updates: the follow form and the pages its emails link to.
    path("follow/", include("notifications.urls")),
    # The portal's pages: about/mission/, about/accessibility/, about/privacy/, about/contact/.
    path("about/", include("pages.urls")),
    # Open data: downloads, the DCAT-AP catalogue, calendars and the portal's Atom feed.
    path("", include((api.urls.page_patterns, "opendata"))),
    prefix_default_language=True,
)
# The 500 page in the URL's language (404 and 403 use templates/404.html and 403.html).
handler500 = "core.views.server_error"

# No media URL is served: progress reports are downloaded only through their permission-checked
# view, in every environment.
