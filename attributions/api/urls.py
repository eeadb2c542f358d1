from django.urls import path

from . import views

urlpatterns = [
    path("objectifs/", views.ObjectifsView.as_view(), name="api-objectifs"),
    path("attributions/", views.DecisionListView.as_view(), name="api-attributions"),
]
