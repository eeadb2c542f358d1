"""Forms of the policy-document pages, in French, with errors linked to their fields (aria)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from cil.forms import CibleLocaleForm as CibleLocaleFormBase
from cil.forms import PourcentageField
from cil.models import Bailleur, Commune, Reservataire, Secteur
from core.db import ordre_fr
from core.forms import AccessibleMixin, DateInput
from core.pourcentages import PourcentageInvalide, fraction, lire_pourcentage
from core.validators import SansNirMixin

from . import indicateurs, rules
from .models import Action, DocumentPolitique, Indicateur, Jalon, ObjectifStrategique, Orientation, VersionDocument


class DocumentForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = DocumentPolitique
        fields = ["type", "titre", "description"]


class NouvelleVersionForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = VersionDocument
        fields = ["nature", "intitule", "resume"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nature"].choices = [
            c for c in VersionDocument.Nature.choices if c[0] != VersionDocument.Nature.INITIALE
        ]


class VersionForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = VersionDocument
        fields = ["intitule", "resume", "date_signature", "date_echeance"]


class TransitionForm(SansNirMixin, AccessibleMixin, forms.Form):
    action = forms.ChoiceField(
        label="Étape", choices=[(t.value, rules.LIBELLES_TRANSITIONS[t]) for t in rules.Transition]
    )
    date = forms.DateField(label="Date", required=False, widget=DateInput(),
                           help_text="Date de l'adoption, de l'approbation ou de l'entrée en vigueur.")  # fmt: skip
    deliberation = forms.ModelChoiceField(
        label="Délibération de la conférence", required=False, queryset=None,
        help_text="Pour l'adoption votée en séance sur la plateforme : son numéro et sa date sont repris.",
    )  # fmt: skip
    deliberation_reference = forms.CharField(
        label="Délibération (numéro ou intitulé)", required=False, max_length=200,
        help_text="Pour l'adoption : la délibération de la conférence ou du conseil communautaire.",
    )  # fmt: skip
    deliberation_date = forms.DateField(
        label="Date de la délibération", required=False, widget=DateInput(), help_text="Par défaut, la date d'adoption."
    )

    def __init__(self, *args, version: VersionDocument, **kwargs):
        super().__init__(*args, **kwargs)
        from conference.models import Deliberation

        self.fields["deliberation"].queryset = Deliberation.objects.filter(
            epci_id=version.document.epci_id, resultat=Deliberation.Resultat.ADOPTE
        ).select_related("point")
        self.fields["deliberation"].label_from_instance = lambda d: f"n° {d.numero} du {d.date:%d/%m/%Y} – {d.point}"
        possibles = rules.transitions_possibles(version.statut, type_document=version.document.type)
        self.fields["action"].choices = [(t.value, rules.LIBELLES_TRANSITIONS[t]) for t in possibles]


class OrientationForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Orientation
        fields = ["numero", "intitule", "description"]


class ObjectifForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = ObjectifStrategique
        fields = ["numero", "intitule", "description"]


class ActionForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["numero", "objectif", "intitule", "description", "pilote", "partenaires"]

    def __init__(self, *args, version: VersionDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numero"].required = False
        self.fields["numero"].help_text = "Vide : le numéro suivant."
        self.fields["objectif"].queryset = ObjectifStrategique.objects.filter(orientation__version=version).order_by(
            "orientation__numero", "numero"
        )
        self.fields["objectif"].label_from_instance = lambda o: f"{o.code} {o.intitule}"


class AvancementForm(SansNirMixin, AccessibleMixin, forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=Action.Statut.choices)
    commentaire = forms.CharField(label="Point d'avancement", required=False, widget=forms.Textarea)


class JalonForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Jalon
        fields = ["libelle", "echeance"]
        widgets = {"echeance": DateInput()}


class JalonRealiseForm(AccessibleMixin, forms.Form):
    date_realisation = forms.DateField(label="Réalisé le", required=False, widget=DateInput(),
                                       help_text="Vide : pas encore réalisé.")  # fmt: skip


def _decimal(texte: str) -> Decimal:
    brut = "".join(c for c in str(texte) if c not in " \u00a0\u202f").replace(",", ".")
    try:
        valeur = Decimal(brut)
    except InvalidOperation as exc:
        raise forms.ValidationError(f"« {texte} » n'est pas un nombre : saisissez par exemple 12,5.") from exc
    if not valeur.is_finite() or valeur < 0:
        raise forms.ValidationError("Saisissez un nombre positif, par exemple 12,5.")
    return valeur


class IndicateurForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    nature = forms.ChoiceField(label="Nature", choices=indicateurs.CHOIX)
    cible = forms.CharField(
        label="Valeur cible", required=False, max_length=20,
        help_text="Un taux en pourcentage (42,5), un délai en mois (18), un nombre sinon.",
    )  # fmt: skip

    class Meta:
        model = Indicateur
        fields = ["libelle", "nature", "annee", "bailleur", "reservataire", "commune", "secteur"]

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = Bailleur.objects.filter(epcis=epci).order_by(ordre_fr("nom"))
        self.fields["reservataire"].queryset = Reservataire.objects.filter(epcis=epci).order_by("type", "code")
        self.fields["commune"].queryset = Commune.objects.filter(epci=epci).order_by(ordre_fr("nom"))
        self.fields["secteur"].queryset = Secteur.objects.filter(epci=epci)
        if self.instance.pk and self.instance.valeur_cible is not None:
            self.initial["cible"] = (
                indicateurs.cible_texte(self.instance).removesuffix("\u00a0%").removesuffix("\u00a0mois")
            )

    def clean(self):
        donnees = super().clean()
        nature = indicateurs.NATURES.get(donnees.get("nature"))
        texte = (donnees.get("cible") or "").strip()
        donnees["valeur_cible"] = None
        if nature and texte:
            try:
                if nature.unite == "taux":
                    donnees["valeur_cible"] = fraction(lire_pourcentage(texte))
                else:
                    donnees["valeur_cible"] = _decimal(texte)
            except PourcentageInvalide as exc:
                self.add_error("cible", str(exc))
            except forms.ValidationError as exc:
                self.add_error("cible", exc)
        portees = [champ for champ in indicateurs.PORTEES if donnees.get(champ)]
        if len(portees) > 1:
            raise forms.ValidationError("Choisissez un seul périmètre : un bailleur, un réservataire, une commune "
                                        "ou un secteur (ou aucun : tout le territoire).")  # fmt: skip
        if nature and portees and portees[0] not in nature.portees:
            self.add_error(portees[0], f"« {nature.libelle} » ne se mesure pas sur ce périmètre.")
        return donnees

    def champs_modele(self) -> dict:
        d = self.cleaned_data
        champs = {k: d[k] for k in ("libelle", "nature", "annee", "bailleur", "reservataire", "commune", "secteur")}
        champs["valeur_cible"] = d["valeur_cible"]
        return champs


class ValeurForm(SansNirMixin, AccessibleMixin, forms.Form):
    valeur = forms.CharField(label="Valeur constatée", max_length=20)
    date = forms.DateField(label="Constatée le", widget=DateInput())
    source = forms.CharField(label="Source", max_length=300, help_text="Ex. : bilan du réseau d'accueil 2025.")

    def clean_valeur(self):
        return _decimal(self.cleaned_data["valeur"])


class CibleLocaleForm(SansNirMixin, AccessibleMixin, CibleLocaleFormBase):
    """A local target on a page: the territory is fixed, the organisations and documents are its own."""

    taux = PourcentageField(label="Taux cible (%)")

    class Meta(CibleLocaleFormBase.Meta):
        fields = [f for f in CibleLocaleFormBase.Meta.fields if f != "epci"]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.epci = epci
        self.fields["bailleur"].queryset = Bailleur.objects.filter(epcis=epci).order_by(ordre_fr("nom"))
        self.fields["reservataire"].queryset = Reservataire.objects.filter(epcis=epci).order_by("type", "code")
        self.fields["secteur"].queryset = Secteur.objects.filter(epci=epci)
        self.fields["commune"].queryset = Commune.objects.filter(epci=epci).order_by(ordre_fr("nom"))
        self.fields["version"].queryset = VersionDocument.objects.filter(document__epci=epci).select_related("document")
        self.fields["version"].help_text = "Le document (et sa version) qui fixe la cible."
        for champ in ("bailleur", "reservataire", "secteur", "commune"):
            self.fields[champ].help_text = "Un seul périmètre ; aucun : tout le territoire."
