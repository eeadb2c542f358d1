from django.urls import path

from . import views

app_name = "observatoire"

urlpatterns = [
    path("bilans/", views.bilans, name="bilans"),
    path("cartes/", views.cartes, name="cartes"),
    path("bilans/demander/", views.demander, name="demander"),
    path("bilans/apercu.pdf", views.apercu, name="apercu"),
    path("bilans/tableaux.<str:format>", views.export, name="export"),
    path("bilans/<int:pk>/telecharger.<str:format>", views.telecharger, name="telecharger"),
]
