"""One FilterSet for the households, used by the operation page, its exports and the API."""

import django_filters
from django.db.models import Q

from .models import MenageAReloger, Operation, Statut


class MenageFilter(django_filters.FilterSet):
    operation = django_filters.ModelChoiceFilter(
        queryset=Operation.objects.all(), label="Opération", empty_label="Toutes les opérations"
    )
    statut = django_filters.ChoiceFilter(choices=Statut.choices, label="Statut", empty_label="Tous les statuts")
    batiment = django_filters.NumberFilter(field_name="batiment_id", label="Bâtiment (identifiant)")
    referent = django_filters.CharFilter(field_name="referent__username", label="Référent (identifiant)")
    q = django_filters.CharFilter(method="filter_q", label="Référence ou nom")

    class Meta:
        model = MenageAReloger
        fields = ["operation", "statut", "batiment", "referent", "q"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(nom__icontains=value))


class OperationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Operation._meta.get_field("type").choices, label="Type")
    epci = django_filters.CharFilter(field_name="epci__siren", label="SIREN de l'EPCI")

    class Meta:
        model = Operation
        fields = ["type", "epci"]
