"""What partners read: never the sensitive situations, never the documents' contents."""

from rest_framework import serializers

from ..models import CriterePriorite, Demande, Evenement, MembreMenage


class MembreSerializer(serializers.ModelSerializer):
    class Meta:
        model = MembreMenage
        fields = ["lien", "nom", "prenom", "date_naissance", "situation_professionnelle"]


class PrioriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterePriorite
        fields = ["critere", "source", "reconnu_le", "organisation"]


class EvenementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evenement
        fields = ["type", "date", "organisation", "libelle"]


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
    motifs = serializers.ListField(child=serializers.CharField(), read_only=True)
    typologies = serializers.ListField(child=serializers.CharField(), read_only=True)

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
            "membres",
            "priorites",
            "dalo",
            "evenements",
        ]

    def get_priorites(self, obj) -> list[dict]:
        # sensitive situations are never exposed through the API, whoever asks
        actives = [p for p in obj.priorites.all() if p.fin_le is None and not p.sensible]
        return PrioriteSerializer(actives, many=True).data

    def get_evenements(self, obj) -> list[dict]:
        """The shared event log (R. 441-2-15), without the sensitive events."""
        return EvenementSerializer([e for e in obj.evenements.all() if not e.sensible], many=True).data

    def get_dalo(self, obj) -> bool:
        return any(d.prioritaire_urgent for d in obj.decisions_dalo.all())
