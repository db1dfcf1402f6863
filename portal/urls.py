from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from documents.urls import award_list_urlpatterns
from movements.home import home
from portal import views
from portal.forms import LoginForm
from reports import rollup_views

# The project's URLconf, above every app: it may route to any of them.
urlpatterns = [
    # The home page shows reports and movements, so it lives in movements (movements/home.py).
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("directives/", views.directive_list, name="directive-list"),
    path("directives/<int:pk>/", views.directive_detail, name="directive-detail"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The roll-up reads the official series from reports (reports/figures.py).
    path("indicators/rollup/", rollup_views.rollup_page, name="rollup"),
    path("indicators/movements/", include("movements.urls")),
    # The award list's PDF and Excel, beside the movement pages they are downloaded from.
    path("indicators/movements/", include(award_list_urlpatterns)),
    # The documents layer (documents/urls.py) serves every printed form and download.
    path("reports/", include("documents.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
