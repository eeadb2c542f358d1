"""Forms of the vacancy, candidate and commission pages."""

from __future__ import annotations

import datetime as dt

from django import forms

from cil.models import Bailleur, Reservataire
from core.forms import DateInput
from core.validators import SansNirMixin

from ..models import Candidature, DecisionCaleol, Logement, SeanceCaleol, Vacance

TAILLE_MAX_STOCK = 50 * 1024 * 1024


class Bootstrap:
    """Bootstrap classes on every widget (neutral theme)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StockForm(SansNirMixin, Bootstrap, forms.Form):
    bailleur = forms.ModelChoiceField(queryset=Bailleur.objects.none(), label="Bailleur")
    fichier = forms.FileField(
        label="Fichier de patrimoine (CSV)",
        help_text="UTF-8, séparateur « ; », une ligne d'en-tête. Le fichier est importé en entier ou pas du tout.",
    )

    def __init__(self, *args, bailleurs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = bailleurs if bailleurs is not None else Bailleur.objects.none()

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX_STOCK:
            raise forms.ValidationError("Le fichier dépasse 50 Mo.")
        if not fichier.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Le fichier doit être un CSV (extension .csv).")
        return fichier


OUI_NON_INCONNU = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]


class OuiNonField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=OUI_NON_INCONNU,
            coerce=lambda v: {"oui": True, "non": False}[v],
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        return {True: "oui", False: "non"}.get(value, value or "")


class AccessibiliteForm(SansNirMixin, Bootstrap, forms.ModelForm):
    """The dwelling's accessibility as the field describes it (docs/logements_adaptes.md)."""

    ascenseur = OuiNonField(label="Ascenseur")
    salle_de_bain_adaptee = OuiNonField(label="Salle d'eau adaptée (douche de plain-pied)")
    wc_adapte = OuiNonField(label="WC avec espace de transfert")
    stationnement_adapte = OuiNonField(label="Place de stationnement adaptée")

    class Meta:
        model = Logement
        fields = [
            "niveau_accessibilite",
            "etage",
            "ascenseur",
            "salle_de_bain_adaptee",
            "wc_adapte",
            "largeur_portes_cm",
            "stationnement_adapte",
        ]
        help_texts = {
            "niveau_accessibilite": "Fauteuil : accès et circulation sans obstacle, portes larges, salle d'eau "
            "adaptée. Adaptable : accessible, mais des travaux simples sont nécessaires pour le fauteuil. Mobilité "
            "réduite : sans marche (rez-de-chaussée ou ascenseur), non dimensionné pour le fauteuil.",
            "etage": "0 pour le rez-de-chaussée.",
        }

    def clean_etage(self):
        etage = self.cleaned_data["etage"]
        if etage is not None and etage > 60:
            raise forms.ValidationError("L'étage dépasse 60 : vérifiez la saisie.")
        return etage

    def clean_largeur_portes_cm(self):
        largeur = self.cleaned_data["largeur_portes_cm"]
        if largeur is not None and not 50 <= largeur <= 250:
            raise forms.ValidationError("La largeur des portes s'exprime en centimètres (entre 50 et 250).")
        return largeur


class VacanceForm(SansNirMixin, Bootstrap, forms.Form):
    identifiant = forms.CharField(
        label="Identifiant du logement", max_length=40, help_text="Identifiant RPLS ou celui de votre patrimoine."
    )
    date_liberation = forms.DateField(label="Date de libération", widget=DateInput())
    deduction = forms.ChoiceField(
        label="Flux",
        choices=Vacance.Deduction.choices,
        required=False,
        help_text="Un logement mobilisé pour une mutation ou un relogement est déduit de la base du flux.",
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, logements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.logements = logements if logements is not None else Logement.objects.none()

    def clean_identifiant(self):
        identifiant = self.cleaned_data["identifiant"].strip()
        logement = self.logements.filter(identifiant=identifiant).first()
        if logement is None:
            raise forms.ValidationError("Aucun logement de votre patrimoine n'a cet identifiant.")
        self.cleaned_data["logement"] = logement
        return identifiant


class OrientationForm(SansNirMixin, Bootstrap, forms.Form):
    reservataire = forms.ModelChoiceField(queryset=Reservataire.objects.none(), label="Réservataire")

    def __init__(self, *args, reservataires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reservataire"].queryset = (
            reservataires if reservataires is not None else Reservataire.objects.none()
        )


class MotifForm(SansNirMixin, Bootstrap, forms.Form):
    motif = forms.CharField(label="Motif", max_length=300)


class InscriptionForm(SansNirMixin, Bootstrap, forms.Form):
    seance = forms.ModelChoiceField(queryset=SeanceCaleol.objects.none(), label="Séance de la commission")

    def __init__(self, *args, seances=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = seances if seances is not None else SeanceCaleol.objects.none()


class DesignationForm(SansNirMixin, Bootstrap, forms.Form):
    exception = forms.ChoiceField(
        label="Exception à la règle des trois candidats", choices=Vacance.Exception3.choices, required=False
    )
    justification = forms.CharField(label="Justification de l'exception", max_length=300, required=False)


class SeanceForm(SansNirMixin, Bootstrap, forms.Form):
    date = forms.DateField(label="Date de la séance", widget=DateInput(), initial=dt.date.today)
    lieu = forms.CharField(label="Lieu", max_length=200, required=False)


class TenueForm(SansNirMixin, Bootstrap, forms.Form):
    membres_presents = forms.CharField(
        label="Membres présents", widget=forms.Textarea(attrs={"rows": 4}), help_text="Un membre par ligne."
    )
    compte_rendu = forms.CharField(label="Procès-verbal", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(SansNirMixin, Bootstrap, forms.Form):
    type_decision = forms.ChoiceField(label="Décision", choices=DecisionCaleol.Type.choices)
    rang = forms.IntegerField(label="Rang", min_value=1, max_value=20, required=False)
    condition = forms.CharField(label="Pièce attendue (condition suspensive)", max_length=300, required=False)
    date_limite_condition = forms.DateField(label="À fournir avant le", widget=DateInput(), required=False)
    motif = forms.CharField(label="Motifs", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReponseForm(SansNirMixin, Bootstrap, forms.Form):
    reponse = forms.ChoiceField(
        label="Réponse du demandeur",
        choices=[(Candidature.Reponse.ACCEPTATION, "Acceptation"), (Candidature.Reponse.REFUS, "Refus")],
    )
    motif_refus = forms.ChoiceField(
        label="Motif du refus", choices=[("", "—"), *Candidature.MotifRefus.choices], required=False
    )
    date_reponse = forms.DateField(label="Date de la réponse", widget=DateInput(), initial=dt.date.today)


class DateForm(SansNirMixin, Bootstrap, forms.Form):
    date = forms.DateField(label="Date", widget=DateInput(), initial=dt.date.today)
