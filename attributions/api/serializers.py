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
            "sortant_hebergement",
            "sans_abri",
            "source",
        ]


class IndicateurSerializer(serializers.Serializer):
    base = serializers.IntegerField()
    numerateur = serializers.IntegerField()
    taux = serializers.FloatField(allow_null=True)
    cible = serializers.FloatField(allow_null=True, help_text="La cible légale en vigueur cette année.")
    cible_locale = serializers.FloatField(
        allow_null=True, required=False, help_text="La cible locale (CIA, orientations) qui s'applique, à côté."
    )


class PerimetreCibleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["EPCI", "BAILLEUR", "RESERVATAIRE", "SECTEUR", "COMMUNE"])
    id = serializers.CharField(allow_blank=True, help_text="SIREN, code du réservataire, code INSEE ou secteur.")
    nom = serializers.CharField()
    reservataire_type = serializers.CharField(required=False)


class CibleLocaleSerializer(serializers.Serializer):
    """A local target in force, against the figure of its own scope, beside the legal target."""

    objectif = serializers.ChoiceField(choices=["hors_qpv", "qpv", "prioritaires", "mutations"])
    perimetre = PerimetreCibleSerializer()
    cible = serializers.FloatField()
    cible_legale = serializers.FloatField(allow_null=True)
    base = serializers.IntegerField()
    numerateur = serializers.IntegerField()
    taux = serializers.FloatField(allow_null=True)
    atteint = serializers.BooleanField(allow_null=True)
    source = serializers.CharField()
    article = serializers.CharField(allow_null=True)
    date_debut = serializers.DateField()
    date_fin = serializers.DateField(allow_null=True)


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
    cibles_locales = CibleLocaleSerializer(many=True, required=False)
