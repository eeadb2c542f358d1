"""Forms of the conference pages, in French, with errors linked to their fields (aria)."""

from __future__ import annotations

from django import forms

from cil.models import Bailleur, Reservataire
from core.forms import AccessibleMixin, DateInput, TimeInput
from core.validators import SansNirMixin

from .models import Instance, Membre, PointOrdreDuJour, PresenceSeance, RegleInstance, Seance


class InstanceForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Instance
        fields = ["type", "nom", "description", "ouverte_aux_membres"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class RegleForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = RegleInstance
        fields = [
            "date_debut",
            "quorum_numerateur",
            "quorum_denominateur",
            "quorum_strict",
            "quorum_avec_pouvoirs",
            "sans_quorum_en_seconde_convocation",
            "quorum_libelle",
            "pouvoirs_max",
            "majorite",
            "voix_preponderante",
            "source",
        ]
        widgets = {"date_debut": DateInput(), "source": forms.Textarea(attrs={"rows": 2})}


class MembreForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = Membre
        fields = [
            "nom",
            "qualite",
            "college",
            "titulaire",
            "suppleant_de",
            "organisation",
            "bailleur",
            "reservataire",
            "copresidence",
            "debut_mandat",
            "fin_mandat",
            "email",
        ]
        widgets = {"debut_mandat": DateInput(), "fin_mandat": DateInput()}

    def __init__(self, *args, instance_cil: Instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suppleant_de"].queryset = instance_cil.membres.titulaires().order_by("nom")
        self.fields["bailleur"].queryset = Bailleur.objects.filter(epcis=instance_cil.epci_id).order_by("nom")
        self.fields["reservataire"].queryset = Reservataire.objects.filter(epcis=instance_cil.epci_id).order_by("nom")
        self.fields["organisation"].help_text = "En toutes lettres, ou choisissez un bailleur ou un réservataire."
        self.fields["titulaire"].initial = True

    def _post_clean(self):
        # the service validates the whole member (instance, dates, college); only the fields are checked here
        pass


class FinMandatForm(AccessibleMixin, forms.Form):
    fin_mandat = forms.DateField(label="Fin du mandat", widget=DateInput())


class SeanceForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    lien_visio = forms.URLField(label="Lien de la visioconférence", required=False, assume_scheme="https")

    class Meta:
        model = Seance
        fields = ["date", "heure", "lieu", "a_distance", "lien_visio", "seconde_convocation_de"]
        widgets = {"date": DateInput(), "heure": TimeInput()}

    def __init__(self, *args, instance_cil: Instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seconde_convocation_de"].queryset = instance_cil.seances.exclude(statut=Seance.Statut.ANNULEE)
        self.fields["seconde_convocation_de"].label_from_instance = lambda s: f"{s.date:%d/%m/%Y}"
        self.fields[
            "seconde_convocation_de"
        ].help_text = "Si cette séance est convoquée de nouveau faute de quorum : la séance qui ne l'a pas atteint."

    def _post_clean(self):
        pass


class PointForm(SansNirMixin, AccessibleMixin, forms.ModelForm):
    class Meta:
        model = PointOrdreDuJour
        fields = ["titre", "type", "avec_vote", "expose", "projet_decision", "annee_bilan", "grille"]
        widgets = {"expose": forms.Textarea(attrs={"rows": 2}), "projet_decision": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, seance: Seance, **kwargs):
        super().__init__(*args, **kwargs)
        from demandes.models import GrilleCotation

        self.fields["grille"].queryset = GrilleCotation.objects.filter(epci=seance.instance.epci_id).order_by(
            "-version"
        )
        self.fields[
            "avec_vote"
        ].help_text = (
            "Toujours pour une délibération, une grille ou un document d'orientation ; jamais pour une information."
        )
        self.fields["annee_bilan"].help_text = "Pour un bilan annuel : l'année présentée (bilan de l'observatoire)."

    def _post_clean(self):
        pass


class DocumentForm(SansNirMixin, AccessibleMixin, forms.Form):
    titre = forms.CharField(label="Titre du document", max_length=200)
    fichier = forms.FileField(label="Fichier", help_text="PDF, image ou document bureautique ; 20 Mo au plus.")
    point = forms.ModelChoiceField(label="Point de l'ordre du jour", queryset=None, required=False)

    def __init__(self, *args, seance: Seance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = seance.points.all()


class VoteForm(SansNirMixin, AccessibleMixin, forms.Form):
    votants = forms.IntegerField(label="Votants", min_value=0, max_value=10000)
    pour = forms.IntegerField(label="Pour", min_value=0, max_value=10000)
    contre = forms.IntegerField(label="Contre", min_value=0, max_value=10000)
    abstention = forms.IntegerField(label="Abstentions", min_value=0, max_value=10000)
    blanc = forms.IntegerField(label="Bulletins blancs", min_value=0, max_value=10000, initial=0)
    voix_preponderante = forms.ChoiceField(
        label="Voix prépondérante du président (en cas de partage)",
        choices=[("", "–"), ("POUR", "Pour"), ("CONTRE", "Contre")],
        required=False,
    )
    texte = forms.CharField(label="Texte de la décision", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CompteRenduForm(SansNirMixin, AccessibleMixin, forms.Form):
    compte_rendu = forms.CharField(
        label="Compte rendu (procès-verbal)", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    clore = forms.BooleanField(label="Clore la séance (le compte rendu est alors arrêté)", required=False)


class AnnulationForm(SansNirMixin, AccessibleMixin, forms.Form):
    motif = forms.CharField(label="Motif de l'annulation", max_length=300)


PRESENCES = PresenceSeance.Presence.choices
