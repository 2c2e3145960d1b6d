from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("programs/", include("programs.urls")),
    path("clients/", include("clients.urls")),
    path("outreach/", include("outreach.urls")),
    path("directory/", include("directory.urls")),
    path("referrals/", include("referrals.urls")),
    # The hotline and establishments moved out of activities and kept their addresses.
    path("activities/hotline/", include("hotline.urls")),
    path("activities/establishments/", include("programs.establishments.urls")),
    path("activities/", include("activities.urls")),
    path("safety/", include("safety.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("submissions/", include("submissions.urls")),
    path("", include("api.urls")),  # /api/v1/, /sw.js, /offline/
    path("", include("geo.urls")),  # /areas/…
    path("", include("core.urls")),  # /healthz
    path("", include("portal.urls")),  # / (the home page)
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
