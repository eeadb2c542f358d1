"""The request of a balance sheet: the choices are limited to what the user may ask for."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from cil.models import Bailleur, Epci, Reservataire
from cil.permissions import scope_for
from core.db import ordre_fr

from .models import BilanAnnuel
from .permissions import can_request_bilan, kinds_for_user


def epcis_demandables(user):
    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.order_by(ordre_fr("nom"))
    return Epci.objects.filter(pk__in=scope.epci_tous).order_by(ordre_fr("nom"))


def bailleurs_demandables(user):
    scope = scope_for(user)
    if scope.admin:
        return Bailleur.objects.order_by(ordre_fr("nom"))
    return (
        Bailleur.objects.filter(Q(epcis__in=scope.epci_staff) | Q(pk__in=scope.bailleurs))
        .distinct()
        .order_by(ordre_fr("nom"))
    )


def reservataires_demandables(user):
    scope = scope_for(user)
    if scope.admin:
        return Reservataire.objects.order_by("type", "nom")
    return (
        Reservataire.objects.filter(Q(epcis__in=scope.epci_staff) | Q(pk__in=scope.reservataires))
        .distinct()
        .order_by("type", "nom")
    )


class DemandeBilanForm(forms.Form):
    kind = forms.ChoiceField(label="Bilan")
    epci = forms.ModelChoiceField(label="Territoire", queryset=Epci.objects.none(), to_field_name="siren")
    annee = forms.IntegerField(label="Année", min_value=2015)
    bailleur = forms.ModelChoiceField(
        label="Bailleur", queryset=Bailleur.objects.none(), required=False, to_field_name="siren"
    )
    reservataire = forms.ModelChoiceField(label="Réservataire", queryset=Reservataire.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = kinds_for_user(user)
        self.fields["kind"].choices = [(k, label) for k, label in BilanAnnuel.Kind.choices if k in kinds]
        self.fields["epci"].queryset = epcis_demandables(user)
        self.fields["bailleur"].queryset = bailleurs_demandables(user)
        self.fields["reservataire"].queryset = reservataires_demandables(user)
        annee = timezone.localdate().year
        self.fields["annee"].max_value = annee
        self.fields["annee"].widget.attrs["max"] = annee
        self.fields["annee"].initial = annee - 1
        for name in ("kind", "epci", "bailleur", "reservataire"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["annee"].widget.attrs["class"] = "form-control"
        if len(self.fields["epci"].queryset) == 1:
            self.fields["epci"].initial = self.fields["epci"].queryset[0]
        self.fields["bailleur"].empty_label = "—"
        self.fields["reservataire"].empty_label = "—"

    def clean(self):
        data = super().clean()
        kind, epci = data.get("kind"), data.get("epci")
        if not kind or not epci:
            return data
        if kind == BilanAnnuel.Kind.BAILLEUR and not data.get("bailleur"):
            self.add_error("bailleur", "Choisissez le bailleur.")
            return data
        if kind == BilanAnnuel.Kind.RESERVATAIRE and not data.get("reservataire"):
            self.add_error("reservataire", "Choisissez le réservataire.")
            return data
        if kind != BilanAnnuel.Kind.BAILLEUR:
            data["bailleur"] = None
        if kind != BilanAnnuel.Kind.RESERVATAIRE:
            data["reservataire"] = None
        if not can_request_bilan(
            self.user, kind, epci, bailleur=data.get("bailleur"), reservataire=data.get("reservataire")
        ):
            raise forms.ValidationError("Vous ne pouvez pas demander ce bilan.")
        return data


class NoteQuartierForm(forms.Form):
    """An entered value of the neighbourhood index (cil.services_quartiers.saisir_note)."""

    code = forms.ChoiceField(label="Indicateur")
    valeur = forms.DecimalField(label="Valeur", max_digits=10, decimal_places=2)
    date_valeur = forms.DateField(
        label="Valeur au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=timezone.localdate
    )
    source = forms.CharField(label="Source", max_length=300, help_text="Diagnostic, enquête, bailleur, date…")

    def __init__(self, *args, indicateurs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (i.code, f"{i.get_code_display()} (de {i.borne_min.normalize()} à {i.borne_max.normalize()})")
            for i in indicateurs
            if not i.calcule
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )
