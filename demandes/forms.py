"""Forms of the reception desk, in French, with errors linked to their fields (aria)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from cil.models import Bailleur, Commune
from core import forms as core_forms
from core.db import ordre_fr
from core.validators import SansNirMixin

from . import rules
from .models import (
    AideTechnique,
    CriterePriorite,
    Demande,
    EquipementHandicap,
    MembreMenage,
    MotifRadiation,
    PieceJustificative,
    Ressource,
    TypePiece,
)

DateInput = core_forms.DateInput


def suivre_les_modifications(form) -> None:
    """Render each field's value as read (hidden ``initial-`` inputs) so ``changed_data`` means "changed by
    this user since they opened the page", even if someone else saved in between (optimistic locking)."""
    for field in form.fields.values():
        if not isinstance(field.widget, forms.HiddenInput):
            field.show_hidden_initial = True


class AccessibleMixin(core_forms.AccessibleMixin):
    """The shared accessible form (core.forms); the demand's forms choose their date widgets themselves."""

    remplacer_dates = False


def _date_passee(valeur: dt.date | None, libelle: str) -> None:
    if valeur and valeur > timezone.localdate():
        raise forms.ValidationError(f"{libelle} ne peut pas être dans le futur.")


# --- Search -----------------------------------------------------------------------------------


class RechercheForm(SansNirMixin, AccessibleMixin, forms.Form):
    q = forms.CharField(
        label="Nom, prénom ou numéro unique",
        required=False,
        max_length=100,
        help_text="Ex. : « dupont », « dupont jean », « 038-2026-0000123 ». Accents et majuscules indifférents.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    date_naissance = forms.DateField(label="Date de naissance", required=False, widget=DateInput())
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous")] + list(Demande._meta.get_field("statut").choices),
    )


# --- Registration steps -----------------------------------------------------------------------

CHAMPS_DEMANDEUR = [
    "nom",
    "nom_naissance",
    "prenom",
    "date_naissance",
    "sexe",
    "nationalite",
    "situation_familiale",
    "situation_professionnelle",
    "employeur",
    "employeur_siret",
    "adresse",
    "code_postal",
    "ville",
    "telephone",
    "email",
    "courrier_postal",
]
CHAMPS_REVENUS = ["revenu_fiscal_reference", "annee_revenu_fiscal"]
CHAMPS_LOGEMENT = [
    "logement_actuel",
    "loyer_actuel",
    "est_mutation",
    "bailleur_actuel",
    "motifs",
    "criteres_mutation",
    "commentaire",
]


def choix_criteres_mutation(epci) -> list[tuple[str, str]]:
    """The common transfer criteria of the territory (the platform's list and the territory's own)."""
    from .models import CritereMutation

    qs = CritereMutation.objects.pour_territoire(getattr(epci, "pk", epci))
    return [(c.code, c.libelle) for c in qs]


def _champ_criteres_mutation() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Critères communs de mutation (locataire HLM)",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="Les critères de mutation communs aux bailleurs du territoire que la situation remplit.",
    )


CHAMPS_SOUHAITS = [
    "communes_souhaitees",
    "typologies",
    "loyer_max",
    "etage_max",
    "ascenseur_requis",
    # disability needs (national form, listeHandicap)
    "handicap_moteur",
    "handicap_sensoriel",
    "capacite_marche",
    "aides_techniques",
    "equipements_handicap",
    "besoin_adaptation",
]


def champs_handicap() -> dict:
    """The needs' multiple choices (national codes), shared by the registration and the edit forms."""
    return {
        "aides_techniques": forms.MultipleChoiceField(
            label="Aides techniques",
            choices=AideTechnique.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="Un fauteuil roulant (manuel ou électrique) demande un logement accessible en fauteuil.",
        ),
        "equipements_handicap": forms.MultipleChoiceField(
            label="Équipements nécessaires",
            choices=EquipementHandicap.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        ),
    }


def _verifier_aides(valeur) -> list:
    message = rules.erreur_aides_techniques(valeur)
    if message:
        raise forms.ValidationError(message)
    return list(valeur)


class DemandeurForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Demande
        fields = CHAMPS_DEMANDEUR
        widgets = {"date_naissance": DateInput()}

    def __init__(self, *args, guichets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guichets is not None:
            self.fields = {
                "guichet": forms.ModelChoiceField(label="Guichet enregistreur", queryset=guichets, empty_label=None),
                **self.fields,
            }
            self.fields["guichet"].widget.attrs["class"] = "form-select"
        self.fields["code_postal"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_date_naissance(self):
        valeur = self.cleaned_data["date_naissance"]
        _date_passee(valeur, "La date de naissance")
        if valeur and valeur.year < 1900:
            raise forms.ValidationError("Vérifiez l'année de naissance.")
        return valeur

    def clean_code_postal(self):
        valeur = self.cleaned_data["code_postal"].strip()
        if not (len(valeur) == 5 and valeur.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return valeur

    def clean_employeur_siret(self):
        valeur = self.cleaned_data["employeur_siret"].replace(" ", "")
        if valeur and not (len(valeur) == 14 and valeur.isdigit()):
            raise forms.ValidationError("Le SIRET compte 14 chiffres.")
        return valeur


class ConfirmationDoublonForm(forms.Form):
    confirmer_non_doublon = forms.BooleanField(
        label="J'ai vérifié : il ne s'agit pas de la même personne (ou la demande existante sera radiée).",
        required=True,
        error_messages={"required": "Cochez cette case pour confirmer qu'il ne s'agit pas d'un doublon."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmer_non_doublon"].widget.attrs["class"] = "form-check-input"


class MembreForm(SansNirMixin, AccessibleMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    lien = forms.ChoiceField(label="Lien avec le demandeur", choices=[("", "—")] + list(MembreMenage.Lien.choices))
    nom = forms.CharField(label="Nom", max_length=100)
    prenom = forms.CharField(label="Prénom", max_length=100)
    date_naissance = forms.DateField(label="Date de naissance", widget=DateInput())
    situation_professionnelle = forms.ChoiceField(
        label="Situation professionnelle",
        required=False,
        choices=[("", "—")] + list(Demande.SituationProfessionnelle.choices),
    )
    enfant_a_naitre = forms.BooleanField(label="Enfant à naître", required=False)

    def __init__(self, *args, suivi: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if suivi:
            suivre_les_modifications(self)

    def clean(self):
        donnees = super().clean()
        naissance = donnees.get("date_naissance")
        if naissance and naissance > timezone.localdate() and not donnees.get("enfant_a_naitre"):
            self.add_error("date_naissance", "Date future : cochez « enfant à naître » pour une naissance attendue.")
        return donnees


class BaseMembreFormSet(forms.BaseFormSet):
    def lignes_modifiees(self) -> set[str]:
        return {f.prefix for f in self.forms if f.has_changed()}

    def donnees(self, *, forcees: frozenset[str] = frozenset()) -> list[dict]:
        """Rows changed since they were read (or listed in ``forcees`` after a conflict)."""
        resultat = []
        for form in self.forms:
            if not (form.has_changed() or form.prefix in forcees):
                continue
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("DELETE", "id")}
            if not data:
                continue
            if form.cleaned_data.get("id"):
                data["id"] = form.cleaned_data["id"]
            if form.cleaned_data.get("DELETE"):
                data["supprimer"] = True
            resultat.append(data)
        return resultat


MembreFormSet = formset_factory(MembreForm, formset=BaseMembreFormSet, extra=3, max_num=15, can_delete=True)


class RessourceForm(SansNirMixin, AccessibleMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    personne = forms.ChoiceField(label="Personne")
    nature = forms.ChoiceField(label="Nature", choices=[("", "—")] + list(Ressource.Nature.choices))
    montant_mensuel = forms.DecimalField(
        label="Montant mensuel (€)",
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, personnes=(), suivi: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personne"].choices = [("", "—"), ("D", "Demandeur")] + list(personnes)
        if suivi:
            suivre_les_modifications(self)


class BaseRessourceFormSet(BaseMembreFormSet):
    def donnees(self, *, cle: str, forcees: frozenset[str] = frozenset()) -> list[dict]:
        """``cle``: "membre_index" (registration) or "membre_id" (edit)."""
        resultat = []
        for form in self.forms:
            if not (form.has_changed() or form.prefix in forcees):
                continue
            cd = form.cleaned_data
            if not cd:
                continue
            personne = cd["personne"]
            item = {
                cle: None if personne == "D" else int(personne),
                "nature": cd["nature"],
                "montant_mensuel": cd["montant_mensuel"],
            }
            if cd.get("id"):
                item["id"] = cd["id"]
            if cd.get("DELETE"):
                item["supprimer"] = True
            resultat.append(item)
        return resultat


RessourceFormSet = formset_factory(RessourceForm, formset=BaseRessourceFormSet, extra=3, max_num=40, can_delete=True)


class RevenusForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Demande
        fields = CHAMPS_REVENUS

    def clean_annee_revenu_fiscal(self):
        annee = self.cleaned_data["annee_revenu_fiscal"]
        if annee and not (timezone.localdate().year - 3 <= annee <= timezone.localdate().year):
            raise forms.ValidationError("Indiquez l'année des revenus de l'avis d'imposition (N-1 ou N-2).")
        return annee


class LogementForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    motifs = forms.MultipleChoiceField(
        label="Motifs de la demande", choices=Demande.Motif.choices, widget=forms.CheckboxSelectMultiple
    )
    criteres_mutation = _champ_criteres_mutation()

    class Meta:
        model = Demande
        fields = CHAMPS_LOGEMENT
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, epci=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Bailleur.objects.all()
        if epci is not None:
            qs = qs.filter(epcis=epci)
        self.fields["bailleur_actuel"].queryset = qs
        self.fields["criteres_mutation"].choices = choix_criteres_mutation(epci)

    def clean(self):
        donnees = super().clean()
        if donnees.get("est_mutation") and not donnees.get("bailleur_actuel"):
            self.add_error("bailleur_actuel", "Pour une mutation, indiquez le bailleur actuel.")
        _criteres_sans_mutation(self, donnees)
        return donnees


def _criteres_sans_mutation(form, donnees) -> None:
    if donnees.get("criteres_mutation") and not donnees.get("est_mutation"):
        form.add_error("criteres_mutation", "Les critères de mutation ne valent que pour une demande de mutation.")


class SouhaitsForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    typologies = forms.MultipleChoiceField(
        label="Typologies souhaitées", choices=Demande.Typologie.choices, widget=forms.CheckboxSelectMultiple
    )
    communes_souhaitees = forms.ModelMultipleChoiceField(
        label="Communes souhaitées",
        queryset=Commune.objects.none(),
        required=True,
        help_text="Une ou plusieurs communes (Ctrl ou Cmd pour en choisir plusieurs).",
    )

    aides_techniques = champs_handicap()["aides_techniques"]
    equipements_handicap = champs_handicap()["equipements_handicap"]

    class Meta:
        model = Demande
        fields = CHAMPS_SOUHAITS

    def clean_aides_techniques(self):
        return _verifier_aides(self.cleaned_data["aides_techniques"])

    def __init__(self, *args, epci=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Commune.objects.all() if epci is None else Commune.objects.filter(epci=epci)
        self.fields["communes_souhaitees"].queryset = qs.order_by(ordre_fr("nom"))
        self.fields["communes_souhaitees"].widget.attrs["size"] = 8


# the desk's flag that keeps the appraisals of social difficulties at the lease (AU-2014-124, art. 4)
CHAMPS_SUIVI = ["suivi_social_en_cours"]


class DemandeEditForm(DemandeurForm):
    """Every field of the form at once, plus the version read (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput())
    motifs = LogementForm.base_fields["motifs"]
    criteres_mutation = _champ_criteres_mutation()
    typologies = SouhaitsForm.base_fields["typologies"]
    aides_techniques = SouhaitsForm.base_fields["aides_techniques"]
    equipements_handicap = SouhaitsForm.base_fields["equipements_handicap"]
    communes_souhaitees = forms.ModelMultipleChoiceField(
        label="Communes souhaitées", queryset=Commune.objects.none(), required=True
    )

    class Meta:
        model = Demande
        fields = CHAMPS_DEMANDEUR + CHAMPS_REVENUS + CHAMPS_LOGEMENT + CHAMPS_SOUHAITS + CHAMPS_SUIVI
        widgets = {"date_naissance": DateInput(), "commentaire": forms.Textarea(attrs={"rows": 3})}

    def clean_aides_techniques(self):
        return _verifier_aides(self.cleaned_data["aides_techniques"])

    def __init__(self, *args, epci=None, lecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.lecture = lecture
        self.fields["communes_souhaitees"].queryset = Commune.objects.filter(epci=epci).order_by(ordre_fr("nom"))
        self.fields["communes_souhaitees"].widget.attrs.update({"size": 8, "class": "form-select"})
        self.fields["bailleur_actuel"].queryset = Bailleur.objects.filter(epcis=epci)
        self.fields["criteres_mutation"].choices = choix_criteres_mutation(epci)
        # a reason this user may not see is neither shown (nor in the hidden "value as read") nor lost
        self.motifs_masques = [c for c in self.instance.motifs or [] if lecture.masque_motif(c)]
        self.fields["motifs"].choices = lecture.choix_motifs()
        self.fields["motifs"].required = not self.motifs_masques
        self.initial["motifs"] = [c for c in self.instance.motifs or [] if not lecture.masque_motif(c)]
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        suivre_les_modifications(self)

    def clean(self):
        donnees = super().clean()
        _criteres_sans_mutation(self, donnees)
        return donnees

    def valeurs_lues_differentes(self, actuelle) -> list[str]:
        """Labels of the fields someone else changed since this user read the demand."""
        courant = DemandeEditForm(instance=actuelle, epci=actuelle.epci, lecture=self.lecture)
        libelles = []
        for name, field in self.fields.items():
            if not field.show_hidden_initial:
                continue
            lue = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
            initial = courant[name].initial
            if name == "communes_souhaitees":
                initial = [c.pk for c in actuelle.communes_souhaitees.all()]
            try:
                if field.has_changed(initial, lue):
                    libelles.append(str(field.label))
            except forms.ValidationError:
                continue
        return libelles

    def donnees(self) -> dict:
        fields = CHAMPS_DEMANDEUR + CHAMPS_REVENUS + CHAMPS_LOGEMENT + CHAMPS_SOUHAITS + CHAMPS_SUIVI
        donnees = {k: self.cleaned_data[k] for k in fields if k != "communes_souhaitees"}
        donnees["motifs"] = list(donnees["motifs"]) + self.motifs_masques
        return donnees


# --- Life cycle, documents, qualification ---------------------------------------------------


class RadiationForm(SansNirMixin, AccessibleMixin, forms.Form):
    MOTIFS_GUICHET = [(m.value, m.label) for m in MotifRadiation if m not in (MotifRadiation.NON_RENOUVELLEMENT,)]
    version = forms.IntegerField(widget=forms.HiddenInput())
    motif = forms.ChoiceField(label="Motif de radiation", choices=MOTIFS_GUICHET)
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ex. : date de la renonciation écrite, référence du courrier d'avertissement.",
    )


class AvertissementForm(SansNirMixin, AccessibleMixin, forms.Form):
    motif = forms.ChoiceField(
        label="Motif de l'avertissement",
        choices=[(m.value, m.label) for m in (MotifRadiation.SANS_REPONSE, MotifRadiation.IRRECEVABILITE)],
    )
    commentaire = forms.CharField(
        label="Référence du courrier",
        required=False,
        max_length=300,
        help_text="Ex. : lettre recommandée n° 1A 234 567 8901 2 du 03/11/2026.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = "avertissement_%s"


class PieceForm(SansNirMixin, AccessibleMixin, forms.Form):
    type_piece = forms.ChoiceField(label="Type de pièce", choices=TypePiece.choices)
    fichier = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    valide_jusqu_au = forms.DateField(label="Valable jusqu'au", required=False, widget=DateInput())

    def __init__(self, *args, lecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_piece"].choices = lecture.choix_pieces()


class StatutPieceForm(forms.Form):
    statut = forms.ChoiceField(choices=PieceJustificative.StatutPiece.choices)


class PrioriteForm(SansNirMixin, AccessibleMixin, forms.Form):
    critere = forms.ChoiceField(label="Critère de priorité (L. 441-1 CCH)", choices=CriterePriorite.Critere.choices)
    source = forms.ChoiceField(label="Reconnu par", choices=CriterePriorite.Source.choices)
    reconnu_le = forms.DateField(label="Date de reconnaissance", widget=DateInput())
    piece = forms.ModelChoiceField(
        label="Pièce justificative",
        queryset=PieceJustificative.objects.none(),
        required=False,
        empty_label="— aucune pour l'instant —",
    )
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=300)

    def __init__(self, *args, demande, lecture, **kwargs):
        from .selectors import pieces_visibles

        super().__init__(*args, **kwargs)
        self.fields["piece"].queryset = pieces_visibles(demande, lecture=lecture)
        self.fields["critere"].choices = lecture.choix_criteres()
        if not self.is_bound:
            self.initial.setdefault("reconnu_le", timezone.localdate())

    def clean_reconnu_le(self):
        valeur = self.cleaned_data["reconnu_le"]
        _date_passee(valeur, "La date de reconnaissance")
        return valeur


class DaloForm(SansNirMixin, AccessibleMixin, forms.Form):
    date_decision = forms.DateField(label="Date de la décision", widget=DateInput())
    commission = forms.CharField(label="Commission de médiation", max_length=200, initial="COMED de l'Isère")
    reference = forms.CharField(label="Référence", required=False, max_length=100)
    prioritaire_urgent = forms.BooleanField(label="Reconnu prioritaire et urgent", required=False, initial=True)

    def clean_date_decision(self):
        valeur = self.cleaned_data["date_decision"]
        _date_passee(valeur, "La date de décision")
        return valeur


class RendezVousForm(SansNirMixin, AccessibleMixin, forms.Form):
    guichet = forms.ModelChoiceField(label="Guichet", queryset=None, empty_label=None)
    objet = forms.ChoiceField(
        label="Objet",
        choices=[
            ("ENTRETIEN", "Entretien-conseil"),
            ("DEPOT", "Dépôt ou complément du dossier"),
            ("ACCOMPAGNEMENT", "Accompagnement (niveau 3)"),
        ],
    )
    debut = forms.DateTimeField(
        label="Date et heure", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def __init__(self, *args, guichets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guichet"].queryset = guichets


class ClotureRendezVousForm(SansNirMixin, AccessibleMixin, forms.Form):
    statut = forms.ChoiceField(
        label="Issue",
        choices=[
            ("HONORE", "Honoré"),
            ("NON_HONORE", "Non honoré"),
            ("ANNULE", "Annulé"),
        ],
    )
    compte_rendu = forms.CharField(label="Compte rendu", required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- Scoring grids ------------------------------------------------------------------------------


def _criteres_mutation_de_toutes_les_listes() -> list[tuple[str, str]]:
    from .models import CritereMutation

    vus: dict[str, str] = {}
    for code, libelle in CritereMutation.objects.order_by("ordre", "code").values_list("code", "libelle"):
        vus.setdefault(code, libelle)
    return list(vus.items())


def choix_valeurs_cotation() -> list[tuple[str, list[tuple[str, str]]]]:
    """Codes a criterion may list, grouped by what they describe (the criterion's nature picks the group)."""
    from attributions.models import Candidature

    from .cotation import LIBELLES_LIEN, LIBELLES_SITUATION

    return [
        ("Critères de priorité (L. 441-1)", list(CriterePriorite.Critere.choices)),
        ("Situation du ménage", [(k.value, v.capitalize()) for k, v in LIBELLES_SITUATION.items()]),
        ("Logement actuel", list(Demande.LogementActuel.choices)),
        ("Motifs de la demande ou de la mutation", list(Demande.Motif.choices)),
        ("Critères communs de mutation", _criteres_mutation_de_toutes_les_listes()),
        ("Lien avec le territoire", [(k.value, v.capitalize()) for k, v in LIBELLES_LIEN.items()]),
        ("Motifs de refus sans malus (offre jugée non adaptée)", list(Candidature.MotifRefus.choices)),
    ]


class CritereCotationForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    valeurs = forms.MultipleChoiceField(
        label="Valeurs retenues",
        required=False,
        help_text="Selon la nature du critère ; aucune valeur : tous les critères de priorité, tous les motifs de "
        "mutation. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        from .models import CritereCotation

        model = CritereCotation
        fields = ["ordre", "code", "libelle", "type", "points", "valeurs", "plafond", "duree_mois", "date_debut",
                  "date_fin"]  # fmt: skip
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valeurs"].choices = choix_valeurs_cotation()
        if not self.is_bound and self.instance.pk:
            self.initial["valeurs"] = list(self.instance.valeurs or [])


class NouvelleGrilleForm(SansNirMixin, AccessibleMixin, forms.Form):
    nom = forms.CharField(label="Nom du brouillon", max_length=200, required=False)


class AdoptionGrilleForm(SansNirMixin, AccessibleMixin, forms.Form):
    date_debut = forms.DateField(label="En vigueur à partir du", widget=DateInput())
    deliberation = forms.CharField(label="Délibération ou PPGDID de référence", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date_debut", timezone.localdate())
