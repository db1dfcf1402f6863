"""Pages of emulation movements, included under /indicators/movements/ by
portal/urls.py (the paths they had when movements lived in indicators). The
award list's PDF and Excel are the documents layer's (documents/urls.py)."""

from django.urls import path

from movements import views

urlpatterns = [
    path("", views.movement_list, name="movement-list"),
    path("<int:pk>/", views.movement_detail, name="movement-detail"),
    path("<int:pk>/declare/<int:unit_pk>/", views.movement_declare, name="movement-declare"),
    path("<int:pk>/awards/", views.movement_awards, name="movement-awards"),
    path(
        "<int:pk>/awards/document/", views.movement_award_document, name="movement-award-document"
    ),
    path(
        "<int:pk>/awards/<int:award_pk>/withdraw/",
        views.movement_award_withdraw,
        name="movement-award-withdraw",
    ),
]
