"""URL configuration: the web pages, login, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tuijin.core.params import register_converters
from tuijin.core.policy import PUBLIC, requires

register_converters()  # <id:…>, <year:…>, <month:…>: out-of-range values do not match (404), never reach the DB

urlpatterns = [
    # Open to anyone, on purpose: declared so the URL walk (tests/access/test_policy_walk.py) can tell them from
    # a page left open by mistake.
    path("login/", requires(PUBLIC)(auth_views.LoginView.as_view()), name="login"),
    path("logout/", requires(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("admin/", admin.site.urls),
    path("accounts/tokens/", include("tuijin.api.token_urls")),
    path("accounts/", include("tuijin.accounts.urls")),
    path("audit/", include("tuijin.web.audit_urls")),
    path("reports/", include("tuijin.progress.urls")),
    path("reports/", include("tuijin.bulletins.progress_table_urls")),  # 进展情况表 (reads the figures)
    path("livelihood/", include("tuijin.livelihood.urls")),
    path("bulletins/", include("tuijin.bulletins.urls")),
    path("reconciliation/", include("tuijin.reconciliation.urls")),
    path("problems/", include("tuijin.problems.urls")),
    path("problems/", include("tuijin.dashboard.agenda_urls")),  # the weekly agenda (reads the lights)
    path("attraction/", include("tuijin.attraction.urls")),
    path("attraction/", include("tuijin.dashboard.attraction_urls")),  # its figure pages
    path("dashboard/", include("tuijin.dashboard.urls")),
    path("map/", include("tuijin.geo.urls")),
    path("screen/", include("tuijin.geo.screen_urls")),
    path("api/v1/", include("tuijin.api.urls")),
    path("setup/", include("tuijin.orgs.urls")),
    path("setup/", include("tuijin.projects.urls")),
    path("", include("tuijin.reminders.urls")),  # /reminders/ and /setup/reminders/
    path("projects/", include("tuijin.dossier.urls")),
    path("", include("tuijin.web.urls")),
]
