"""What partners read: never the documents' contents; sensitive situations masked (``sensibles.py``): the
API is a channel for partners, it never gives their detail, whoever calls it (platform decision 12)."""

from rest_framework import serializers

from .. import sensibles
from ..models import Demande, MembreMenage


class MembreSerializer(serializers.ModelSerializer):
    class Meta:
        model = MembreMenage
        fields = ["lien", "nom", "prenom", "date_naissance", "situation_professionnelle"]


class PrioriteSerializer(serializers.Serializer):
    """A recognised criterion as the reader sees it (sensibles.Lecture.priorite): a masked one reads
    ``"critere": "RESERVE"`` and ``"libelle": "Critère de priorité, détail réservé"``."""

    critere = serializers.CharField()
    libelle = serializers.CharField()
    source = serializers.CharField()
    reconnu_le = serializers.DateField()
    organisation = serializers.CharField()


class EvenementSerializer(serializers.Serializer):
    """An event as the reader sees it (sensibles.Lecture.evenement)."""

    type = serializers.CharField()
    date = serializers.DateTimeField()
    organisation = serializers.CharField()
    libelle = serializers.CharField()


class DemandeListSerializer(serializers.ModelSerializer):
    guichet = serializers.CharField(source="guichet.nom", read_only=True)
    epci = serializers.CharField(source="epci.siren", read_only=True)

    class Meta:
        model = Demande
        fields = [
            "id",
            "numero_unique",
            "epci",
            "guichet",
            "statut",
            "motif_radiation",
            "date_depot",
            "date_dernier_renouvellement",
            "date_radiation",
            "nom",
            "prenom",
            "date_naissance",
            "modifie_le",
        ]


class DemandeDetailSerializer(DemandeListSerializer):
    membres = MembreSerializer(many=True, read_only=True)
    priorites = serializers.SerializerMethodField()
    dalo = serializers.SerializerMethodField()
    evenements = serializers.SerializerMethodField()
    communes_souhaitees = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code_insee")
    motifs = serializers.SerializerMethodField()
    typologies = serializers.ListField(child=serializers.CharField(), read_only=True)
    aides_techniques = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Codes nationaux (ListeAideTechniqueHandicap)."
    )
    equipements_handicap = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Codes nationaux (ListeEquipementHandicap)."
    )
    besoin_logement_adapte = serializers.BooleanField(source="a_besoin_logement_adapte", read_only=True)

    class Meta(DemandeListSerializer.Meta):
        fields = DemandeListSerializer.Meta.fields + [
            "situation_familiale",
            "situation_professionnelle",
            "logement_actuel",
            "est_mutation",
            "motifs",
            "communes_souhaitees",
            "typologies",
            "loyer_max",
            "accessibilite_pmr",
            "ascenseur_requis",
            "handicap_moteur",
            "handicap_sensoriel",
            "capacite_marche",
            "aides_techniques",
            "equipements_handicap",
            "besoin_logement_adapte",
            "membres",
            "priorites",
            "dalo",
            "evenements",
        ]

    def _lecture(self, obj) -> sensibles.Lecture:
        if not hasattr(obj, "_lecture_api"):
            obj._lecture_api = sensibles.lecture(self.context["request"].user, obj, partenaires=True)
        return obj._lecture_api

    def get_motifs(self, obj) -> list[str]:
        """Codes of the demand's reasons; a sensitive one reads "RESERVE" for who may not see it."""
        return self._lecture(obj).codes_motifs(obj.motifs or [])

    def get_priorites(self, obj) -> list[dict]:
        lecture = self._lecture(obj)
        actives = [lecture.priorite(p) for p in obj.priorites.all() if p.fin_le is None]
        return PrioriteSerializer(actives, many=True).data

    def get_evenements(self, obj) -> list[dict]:
        """The shared event log (R. 441-2-15); sensitive events masked, never dropped."""
        lecture = self._lecture(obj)
        return EvenementSerializer([lecture.evenement(e) for e in obj.evenements.all()], many=True).data

    def get_dalo(self, obj) -> bool:
        return any(d.prioritaire_urgent for d in obj.decisions_dalo.all())
