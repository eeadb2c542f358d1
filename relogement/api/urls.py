from django.urls import path

from . import views

urlpatterns = [
    path("relogement/operations/", views.OperationListView.as_view(), name="api-relogement-operations"),
    path("relogement/menages/", views.MenageListView.as_view(), name="api-relogement-menages"),
]
