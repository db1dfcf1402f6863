from django.urls import path

from indicators import movement_views

urlpatterns = [
    path("movements/", movement_views.movement_list, name="movement-list"),
    path("movements/<int:pk>/", movement_views.movement_detail, name="movement-detail"),
    path(
        "movements/<int:pk>/declare/<int:unit_pk>/",
        movement_views.movement_declare,
        name="movement-declare",
    ),
    path("movements/<int:pk>/awards/", movement_views.movement_awards, name="movement-awards"),
    path(
        "movements/<int:pk>/awards/<int:award_pk>/withdraw/",
        movement_views.movement_award_withdraw,
        name="movement-award-withdraw",
    ),
    path(
        "movements/<int:pk>/awards.pdf",
        movement_views.movement_awards_pdf,
        name="movement-awards-pdf",
    ),
    path(
        "movements/<int:pk>/awards.xlsx",
        movement_views.movement_awards_xlsx,
        name="movement-awards-xlsx",
    ),
]
