from django.urls import path

from . import views

app_name = "sne"

urlpatterns = [
    path("import/", views.importer, name="import"),
    path("demandes/<int:pk>/export.xml", views.export, name="export"),
]
