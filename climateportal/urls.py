from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from missions.views import healthz


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)


# The admin signs in through allauth, so its login is rate-limited and needs a verified email.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = _("Climate Mission Portal")
admin.site.site_title = _("Climate Mission Portal")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    # Under the language prefix, so the switcher can translate the page's own URL.
    path("i18n/setlang/", set_language, name="set_language"),
    path("consultations/", include("consultations.urls")),
    path("reports/", include("reports.urls")),
    path("", include("missions.urls")),
    prefix_default_language=True,
)
# No media URL is served: progress reports are downloaded only through their permission-checked
# view, in every environment.
