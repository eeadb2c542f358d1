"""One FilterSet for the households, used by the operation page, its exports and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Batiment, MenageAReloger, Operation, Statut


class MenageFilter(django_filters.FilterSet):
    operation = django_filters.ModelChoiceFilter(
        queryset=Operation.objects.all(), label="Opération", empty_label="Toutes les opérations"
    )
    statut = django_filters.ChoiceFilter(choices=Statut.choices, label="Statut", empty_label="Tous les statuts")
    batiment = django_filters.ModelChoiceFilter(
        queryset=Batiment.objects.all(), label="Bâtiment", empty_label="Tous les bâtiments"
    )
    referent = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(),
        to_field_name="username",
        label="Référent",
        empty_label="Tous les référents",
    )
    q = django_filters.CharFilter(method="filter_q", label="Référence ou nom")

    class Meta:
        model = MenageAReloger
        fields = ["operation", "statut", "batiment", "referent", "q"]

    def pour_operation(self, operation, menages) -> "MenageFilter":
        """The HTML list of one operation: choices limited to its buildings and officers, Bootstrap classes."""
        self.form.fields.pop("operation", None)
        self.form.fields["batiment"].queryset = operation.batiments.all()
        self.form.fields["referent"].queryset = (
            get_user_model().objects.filter(pk__in=menages.values("referent")).order_by("last_name", "first_name")
        )
        self.form.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return self

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
