"""Forms of the exchange bourse."""

from __future__ import annotations

from django import forms

from cil.models import Bailleur, Commune
from core.validators import SansNirMixin

from ..models import Typologie
from ..vacances.forms import Bootstrap


class OffreForm(SansNirMixin, Bootstrap, forms.Form):
    numero = forms.CharField(label="Numéro unique de la demande de mutation", max_length=16)
    identifiant = forms.CharField(
        label="Identifiant du logement (RPLS ou du bailleur)",
        max_length=40,
        required=False,
        help_text="Laissez vide si vous ne le connaissez pas, et décrivez le logement ci-dessous.",
    )
    bailleur = forms.ModelChoiceField(queryset=Bailleur.objects.none(), label="Bailleur", required=False)
    commune = forms.ModelChoiceField(queryset=Commune.objects.none(), label="Commune", required=False)
    typologie = forms.ChoiceField(label="Typologie", choices=[("", "–")] + list(Typologie.choices), required=False)
    loyer = forms.DecimalField(
        label="Loyer principal (€ par mois)", min_value=0, max_digits=8, decimal_places=2, required=False
    )
    adresse = forms.CharField(label="Adresse", max_length=300, required=False)
    etage = forms.IntegerField(label="Étage (0 : rez-de-chaussée)", min_value=0, max_value=60, required=False)
    ascenseur = forms.BooleanField(label="Desservi par un ascenseur", required=False)
    accessible_pmr = forms.BooleanField(label="Accessible en fauteuil roulant", required=False)
    commentaire = forms.CharField(label="Précisions", max_length=300, required=False)

    def __init__(self, *args, bailleurs=None, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = bailleurs if bailleurs is not None else Bailleur.objects.none()
        self.fields["commune"].queryset = communes if communes is not None else Commune.objects.none()
        for nom in ("ascenseur", "accessible_pmr"):
            self.fields[nom].widget.attrs["class"] = "form-check-input"


class ReponseForm(SansNirMixin, Bootstrap, forms.Form):
    reponse = forms.ChoiceField(
        label="Réponse du bailleur", choices=[("ACCEPTE", "J'accepte l'échange"), ("REFUSE", "Je refuse l'échange")]
    )
    motif = forms.CharField(label="Motif (obligatoire en cas de refus)", max_length=300, required=False)
    identifiant_logement = forms.CharField(
        label="Identifiant du logement dans votre patrimoine (s'il n'est pas identifié)", max_length=40, required=False
    )


class MotifForm(SansNirMixin, Bootstrap, forms.Form):
    motif = forms.CharField(label="Motif", max_length=300)
