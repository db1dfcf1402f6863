from django.urls import path

from indicators import views

urlpatterns = [
    path("rollup/", views.rollup_page, name="rollup"),
]
