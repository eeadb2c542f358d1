from rest_framework import serializers

from attributions.models import DecisionCaleol


class DecisionSerializer(serializers.ModelSerializer):
    logement = serializers.CharField(source="logement.identifiant")
    bailleur_siren = serializers.CharField(source="bailleur.siren")
    commune_insee = serializers.CharField(source="commune.code_insee")
    epci_siren = serializers.CharField(source="epci.siren")
    qpv_code = serializers.CharField(source="qpv.code", default="")
    reservataire_type = serializers.CharField(source="reservataire.type")
    reservataire_id = serializers.CharField(source="reservataire.code")

    class Meta:
        model = DecisionCaleol
        fields = [
            "id",
            "numero_unique",
            "date_depot",
            "date_decision",
            "type_decision",
            "rang",
            "date_bail",
            "logement",
            "bailleur_siren",
            "commune_insee",
            "epci_siren",
            "qpv_code",
            "en_qpv_au_bail",
            "typologie",
            "reservataire_type",
            "reservataire_id",
            "ressources_mensuelles",
            "nb_personnes_14_plus",
            "nb_enfants_moins_14",
            "dalo",
            "prioritaire",
            "relogement",
            "mutation",
            "source",
        ]


class IndicateurSerializer(serializers.Serializer):
    base = serializers.IntegerField()
    numerateur = serializers.IntegerField()
    taux = serializers.FloatField(allow_null=True)
    cible = serializers.FloatField(allow_null=True)


class ReservataireIndicateurSerializer(IndicateurSerializer):
    type = serializers.CharField()
    id = serializers.CharField(allow_blank=True)


class ObjectifsSerializer(serializers.Serializer):
    """Format F2 (docs/formats.md); more keys may be present."""

    epci = serializers.CharField()
    annee = serializers.IntegerField()
    seuil_q1 = serializers.FloatField()
    provisoire = serializers.BooleanField()
    hors_qpv = IndicateurSerializer()
    qpv = IndicateurSerializer()
    reservataires = ReservataireIndicateurSerializer(many=True)
