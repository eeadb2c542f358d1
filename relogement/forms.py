"""Forms of the relocation pages, in French, with errors linked to their fields (aria)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from attributions.models import Logement
from cil.models import Commune
from core.db import ordre_fr
from core.forms import AccessibleMixin, DateInput
from core.validators import SansNirMixin

from .models import (
    Batiment,
    DecisionCommission,
    MenageAReloger,
    Operation,
    PropositionRelogement,
    QuestionEnquete,
    Relogement,
    Saisine,
    SeanceCommission,
    Souhait,
    SuiviSixMois,
)


class LogementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        qpv = " – en QPV" if obj.qpv_id else ""
        return f"{obj.identifiant} ({obj.typologie}, {obj.commune.nom}{qpv})"


def _logements(operation):
    return Logement.objects.filter(epci=operation.epci).select_related("commune").order_by("identifiant")


class MenageForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = MenageAReloger
        fields = [
            "reference",
            "nom",
            "batiment",
            "adresse_actuelle",
            "typologie_actuelle",
            "surface_actuelle",
            "nb_personnes_14_plus",
            "nb_enfants_moins_14",
            "ressources_mensuelles",
            "loyer_avant",
            "charges_avant",
            "apl_avant",
            "locataire_social",
            "referent",
        ]

    def __init__(self, *args, operation, referents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batiment"].queryset = Batiment.objects.filter(operation=operation)
        self.fields["referent"].queryset = referents
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username


def referents_possibles(operation):
    """Who may be named relocation officer: EPCI staff of the territory and staff of the partners."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__epci=operation.epci, memberships__role="EPCI")
            | Q(memberships__bailleur__in=operation.bailleurs.all())
            | Q(memberships__reservataire__in=operation.reservataires.all())
            | Q(menages_a_reloger__operation=operation)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class EnqueteForm(SansNirMixin, AccessibleMixin, forms.Form):
    """Built from the questions of one questionnaire version."""

    date_enquete = forms.DateField(label="Date de l'enquête", widget=DateInput())

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        T = QuestionEnquete.Type
        for q in questionnaire.questions.all():
            commun = {"label": q.libelle, "required": q.obligatoire, "help_text": q.aide}
            if q.type == T.TEXTE_LONG:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **commun)
            elif q.type == T.OUI_NON:
                field = forms.TypedChoiceField(
                    choices=[("", "–"), ("oui", "Oui"), ("non", "Non")],
                    coerce=lambda v: v == "oui",
                    empty_value=None,
                    **commun,
                )
            elif q.type == T.CHOIX:
                field = forms.ChoiceField(choices=[("", "–")] + [(c, c) for c in q.choix], **commun)
            elif q.type == T.NOMBRE:
                field = forms.DecimalField(**commun)
            else:
                field = forms.CharField(max_length=500, **commun)
            self.fields[f"q_{q.code}"] = field
        self.questionnaire = questionnaire
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def reponses(self) -> dict:
        result = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("q_") and value not in (None, ""):
                result[name[2:]] = str(value) if not isinstance(value, bool) else value
        return result


class SouhaitForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Souhait
        fields = ["typologie", "communes", "hors_qpv", "loyer_max", "rez_de_chaussee_ou_ascenseur", "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.filter(epci=operation.epci).order_by(ordre_fr("nom"))
        self.fields["communes"].widget.attrs["size"] = 6


class PropositionForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    logement = LogementChoiceField(queryset=Logement.objects.none(), required=False, label="Logement du parc social")

    class Meta:
        model = PropositionRelogement
        fields = ["date_proposition", "logement", "description", "loyer", "charges"]
        widgets = {"date_proposition": DateInput()}

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logement"].queryset = _logements(operation)

    def clean(self):
        data = super().clean()
        if not data.get("logement") and not data.get("description"):
            raise forms.ValidationError("Choisissez un logement ou décrivez le logement proposé.")
        return data


class ReponseForm(SansNirMixin, AccessibleMixin, forms.Form):
    resultat = forms.ChoiceField(
        label="Réponse du ménage",
        choices=[
            (PropositionRelogement.Resultat.ACCEPTEE, "Acceptée"),
            (PropositionRelogement.Resultat.REFUSEE, "Refusée"),
        ],
    )
    date_reponse = forms.DateField(label="Date de la réponse", widget=DateInput())
    motif_refus = forms.ChoiceField(
        label="Motif du refus", choices=[("", "–")] + list(PropositionRelogement.MotifRefus.choices), required=False
    )
    commentaire = forms.CharField(label="Précisions", max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("resultat") == PropositionRelogement.Resultat.REFUSEE and not data.get("motif_refus"):
            self.add_error("motif_refus", "Un refus doit être motivé.")
        return data


class RelogementForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    logement = LogementChoiceField(queryset=Logement.objects.none(), required=False, label="Logement du parc social")

    class Meta:
        model = Relogement
        fields = [
            "type",
            "parc",
            "proposition",
            "logement",
            "description",
            "date_bail",
            "date_emmenagement",
            "loyer",
            "charges",
            "apl",
        ]
        widgets = {"date_bail": DateInput(), "date_emmenagement": DateInput()}

    def __init__(self, *args, menage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logement"].queryset = _logements(menage.operation)
        self.fields["proposition"].queryset = menage.propositions.exclude(
            resultat=PropositionRelogement.Resultat.REFUSEE
        )
        self.fields["proposition"].label = "Proposition acceptée (le cas échéant)"
        self.fields["proposition"].label_from_instance = lambda p: (
            f"{p.libelle_logement} ({p.date_proposition:%d/%m/%Y})"
        )

    def clean(self):
        data = super().clean()
        proposition = data.get("proposition")
        if proposition is not None and not data.get("logement") and not data.get("description"):
            data["logement"] = proposition.logement
            data["description"] = proposition.description
        if not data.get("logement") and not data.get("description"):
            raise forms.ValidationError("Choisissez un logement ou décrivez le logement de relogement.")
        return data


class SuiviForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = SuiviSixMois
        fields = ["date_realisation", "satisfaction", "impayes", "commentaire"]
        widgets = {"date_realisation": DateInput(), "commentaire": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_realisation"].required = True
        self.fields["satisfaction"].required = True


class SortieForm(SansNirMixin, AccessibleMixin, forms.Form):
    motif = forms.CharField(label="Comment le ménage a-t-il quitté le dispositif ?", max_length=300)


class SaisineForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    """A referral about a household to relocate, or about any demand (a blocked situation), named by its
    unique number among the demands the user may consult (``demandes``)."""

    numero_unique = forms.CharField(
        label="Numéro unique de la demande",
        max_length=20,
        required=False,
        help_text="Pour toute demande de logement social (situation bloquée), par exemple 044-2024-0000123.",
    )

    class Meta:
        model = Saisine
        fields = ["numero_unique", "menage", "organisation", "motif", "expose"]
        widgets = {"expose": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, menages, demandes, **kwargs):
        super().__init__(*args, **kwargs)
        self.demandes = demandes
        self.fields["menage"].queryset = menages
        self.fields["menage"].required = False
        self.fields["menage"].label = "Ou ménage à reloger concerné"
        self.fields["expose"].label = "Exposé de la situation (ce qui bloque, démarches déjà faites)"

    def clean_numero_unique(self):
        from demandes.rules import normaliser_numero

        saisie = self.cleaned_data["numero_unique"].strip()
        if not saisie:
            self.cleaned_data["demande"] = None
            return ""
        numero = normaliser_numero(saisie)
        demande = self.demandes.filter(numero_unique=numero).first() if numero else None
        if demande is None:
            raise forms.ValidationError("Aucune demande que vous pouvez consulter ne porte ce numéro unique.")
        self.cleaned_data["demande"] = demande
        return numero

    def clean(self):
        donnees = super().clean()
        if not donnees.get("menage") and not donnees.get("demande") and not self.errors.get("numero_unique"):
            raise forms.ValidationError(
                "Indiquez le numéro unique de la demande concernée ou le ménage à reloger concerné."
            )
        return donnees

    def donnees_service(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("menage", "demande", "organisation", "motif", "expose")}


class SeanceForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = SeanceCommission
        fields = ["date", "lieu", "ordre_du_jour"]
        widgets = {"date": DateInput(), "ordre_du_jour": forms.Textarea(attrs={"rows": 3})}


class CompteRenduForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = SeanceCommission
        fields = ["ordre_du_jour", "membres_presents", "compte_rendu"]
        widgets = {
            "ordre_du_jour": forms.Textarea(attrs={"rows": 3}),
            "membres_presents": forms.Textarea(attrs={"rows": 3}),
            "compte_rendu": forms.Textarea(attrs={"rows": 6}),
        }


class InscriptionForm(SansNirMixin, AccessibleMixin, forms.Form):
    seance = forms.ModelChoiceField(queryset=SeanceCommission.objects.none(), label="Séance")

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = SeanceCommission.objects.filter(epci=epci, statut="PREVUE")


class DiagnosticForm(SansNirMixin, AccessibleMixin, forms.Form):
    date = forms.DateField(label="Date du diagnostic", widget=DateInput())
    contenu = forms.CharField(label="Diagnostic social", widget=forms.Textarea(attrs={"rows": 5}))
    preconisations = forms.CharField(label="Préconisations", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = DecisionCommission
        fields = ["seance", "type", "texte", "responsable_suivi", "echeance"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 3}), "echeance": DateInput()}

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = SeanceCommission.objects.filter(epci=epci)
        self.fields["seance"].label = "Séance"


class SuiviSaisineForm(SansNirMixin, AccessibleMixin, forms.Form):
    date = forms.DateField(label="Date", widget=DateInput())
    texte = forms.CharField(label="Point de suivi", widget=forms.Textarea(attrs={"rows": 3}))
    clore = forms.BooleanField(label="Clore la saisine", required=False)


class LienDemandeForm(SansNirMixin, AccessibleMixin, forms.Form):
    numero_unique = forms.CharField(label="Numéro unique de la demande", max_length=16)

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        self.epci = epci

    def clean_numero_unique(self):
        from demandes.models import Demande

        numero = self.cleaned_data["numero_unique"].strip()
        demande = Demande.objects.filter(epci=self.epci, numero_unique=numero).first()
        if demande is None:
            raise forms.ValidationError("Aucune demande de ce numéro sur le territoire de l'opération.")
        self.demande = demande
        return numero


class ReferentForm(SansNirMixin, AccessibleMixin, forms.Form):
    referent = forms.ModelChoiceField(queryset=None, label="Nouveau référent relogement")
    motif = forms.CharField(label="Motif du changement", max_length=200, required=False)

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents_possibles(operation)
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username


class OperationForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Operation
        fields = [
            "nom",
            "type",
            "base_legale",
            "qpv",
            "commune",
            "description",
            "date_lancement",
            "date_fin_relogements",
            "date_demolition",
            "bailleurs",
            "reservataires",
            "tolerance_rac",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "date_lancement": DateInput(),
            "date_fin_relogements": DateInput(),
            "date_demolition": DateInput(),
        }

    def __init__(self, *args, epci, **kwargs):
        super().__init__(*args, **kwargs)
        from cil.models import Bailleur, Qpv, Reservataire

        self.instance.epci = epci
        self.fields["qpv"].queryset = Qpv.objects.filter(epci=epci).order_by("carte", "nom")
        self.fields["commune"].queryset = Commune.objects.filter(epci=epci).order_by(ordre_fr("nom"))
        self.fields["bailleurs"].queryset = Bailleur.objects.filter(epcis=epci).order_by(ordre_fr("nom"))
        self.fields["reservataires"].queryset = Reservataire.objects.filter(epcis=epci).order_by("type", "nom")
        for nom in ("bailleurs", "reservataires"):
            self.fields[nom].widget.attrs["size"] = 6


class BatimentForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Batiment
        fields = ["nom", "adresse", "bailleur", "nb_logements", "date_liberation"]
        widgets = {"date_liberation": DateInput()}

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.operation = operation
        self.fields["bailleur"].queryset = operation.bailleurs.all()
