"""One FilterSet for the list of allocations, used by the HTML list, its exports and the API."""

import django_filters
from django import forms

from cil.models import Bailleur, Commune, PerimetreEpci, Reservataire, Secteur
from core.db import ordre_fr

from .models import DecisionCaleol, Typologie


class DecisionFilter(django_filters.FilterSet):
    bailleur = django_filters.ModelChoiceFilter(
        queryset=Bailleur.objects.all(), label="Bailleur", empty_label="Tous les bailleurs"
    )
    reservataire = django_filters.ModelChoiceFilter(
        queryset=Reservataire.objects.all(), label="Réservataire", empty_label="Tous les réservataires"
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.none(), label="Commune", empty_label="Toutes les communes"
    )
    secteur = django_filters.ModelChoiceFilter(
        queryset=Secteur.objects.none(), label="Secteur", method="filter_secteur", empty_label="Tous les secteurs"
    )
    type_decision = django_filters.ChoiceFilter(
        choices=DecisionCaleol.Type.choices, label="Décision", empty_label="Toutes les décisions"
    )
    typologie = django_filters.ChoiceFilter(choices=Typologie.choices, label="Typologie", empty_label="Toutes")
    en_qpv = django_filters.BooleanFilter(
        field_name="qpv",
        lookup_expr="isnull",
        exclude=True,
        label="En QPV (à la décision)",
        widget=forms.Select(choices=[("", "Indifférent"), ("true", "Oui"), ("false", "Non")]),
    )
    mutation = django_filters.BooleanFilter(
        label="Mutation", widget=forms.Select(choices=[("", "Indifférent"), ("true", "Oui"), ("false", "Non")])
    )
    numero_unique = django_filters.CharFilter(label="Numéro unique", lookup_expr="iexact")

    class Meta:
        model = DecisionCaleol
        fields = ["bailleur", "reservataire", "commune", "secteur", "type_decision", "typologie", "mutation"]

    def __init__(self, *args, epci=None, **kwargs):
        super().__init__(*args, **kwargs)
        if epci is not None:
            # the territory's communes today or in one of its past perimeters: the union of two index scans (an
            # OR of a column and a subquery read every commune of France, 35,000 rows, on each opening)
            self.filters["commune"].queryset = Commune.objects.filter(
                pk__in=Commune.objects.filter(epci=epci)
                .order_by()
                .values("pk")
                .union(PerimetreEpci.objects.filter(epci=epci).order_by().values("commune_id"))
            ).order_by(ordre_fr("nom"))
            self.filters["secteur"].queryset = Secteur.objects.filter(epci=epci)
            self.filters["bailleur"].queryset = Bailleur.objects.filter(epcis=epci)
            self.filters["reservataire"].queryset = Reservataire.objects.filter(epcis=epci)

    def filter_secteur(self, queryset, name, value: int):
        if not value:
            return queryset
        return queryset.filter(commune__secteurs=value)
