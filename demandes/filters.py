"""One FilterSet for the search page, the CSV export and the partners' API."""

from __future__ import annotations

import django_filters

from cil.models import Commune, Guichet

from . import selectors
from .models import Demande, Statut


class DemandeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Nom, prénom ou numéro unique",
        method="filtre_recherche",
        help_text="Numéro unique exact (de la plateforme ou national), ou début du nom (puis du prénom), "
        "sans tenir compte des accents.",
    )
    numero_unique = django_filters.CharFilter(label="Numéro unique")
    numero_national = django_filters.CharFilter(label="Numéro unique national (SNE)")
    date_naissance = django_filters.DateFilter(label="Date de naissance")
    statut = django_filters.ChoiceFilter(label="Statut", choices=Statut.choices)
    guichet = django_filters.ModelChoiceFilter(label="Guichet enregistreur", queryset=Guichet.objects.all())
    commune_souhaitee = django_filters.ModelChoiceFilter(
        label="Commune souhaitée (code INSEE)",
        field_name="communes_souhaitees",
        queryset=Commune.objects.all(),
        to_field_name="code_insee",
    )
    typologie = django_filters.ChoiceFilter(
        label="Typologie souhaitée", choices=Demande.Typologie.choices, method="filtre_typologie"
    )
    est_mutation = django_filters.BooleanFilter(label="Demande de mutation")
    depot_apres = django_filters.DateFilter(label="Déposée à partir du", field_name="date_depot", lookup_expr="gte")
    depot_avant = django_filters.DateFilter(label="Déposée jusqu'au", field_name="date_depot", lookup_expr="lte")
    modifiee_depuis = django_filters.IsoDateTimeFilter(
        label="Modifiée depuis (ISO 8601)", field_name="modifie_le", lookup_expr="gte"
    )

    class Meta:
        model = Demande
        fields = []

    def filtre_recherche(self, queryset, name, value):
        return selectors.rechercher(queryset, value)

    def filtre_typologie(self, queryset, name, value):
        # JSON "contains" is not portable to SQLite: the list is stored as ["T2", "T3"], search the quoted code.
        return queryset.filter(typologies__icontains=f'"{value}"')
