"""API representations. Survey answers and social diagnoses are never serialised."""

from decimal import Decimal

from rest_framework import serializers

from ..models import Batiment, MenageAReloger, Operation, Relogement


class BatimentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batiment
        fields = ["id", "nom", "adresse", "nb_logements", "date_liberation"]


class OperationSerializer(serializers.ModelSerializer):
    epci = serializers.CharField(source="epci.siren")
    qpv = serializers.CharField(source="qpv.code", default=None, allow_null=True)
    batiments = BatimentSerializer(many=True, read_only=True)
    bailleurs = serializers.SlugRelatedField(many=True, read_only=True, slug_field="siren")
    indicateurs = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = [
            "id",
            "nom",
            "type",
            "base_legale",
            "epci",
            "qpv",
            "date_lancement",
            "date_fin_relogements",
            "date_demolition",
            "bailleurs",
            "batiments",
            "indicateurs",
        ]

    def get_indicateurs(self, operation) -> dict:
        # counted for the whole page at once by the list view (selectors.indicateurs_operations), never per row
        ind = self.context["indicateurs"][operation.pk]

        def dec(v):
            return None if v is None else str(v.quantize(Decimal("0.0001")))

        return {
            "nb_menages": ind.nb_menages,
            "par_statut": ind.par_statut,
            "nb_reloges_definitifs": ind.nb_reloges_definitifs,
            "nb_reloges_temporaires": ind.nb_reloges_temporaires,
            "nb_hors_qpv": ind.nb_hors_qpv,
            "taux_hors_qpv": dec(ind.pct_hors_qpv),
            "nb_neuf_ou_recent": ind.nb_neuf_ou_recent,
            "taux_neuf_ou_recent": dec(ind.pct_neuf_ou_recent),
            "rac_avant_moyen": dec(ind.rac_avant_moyen),
            "rac_apres_moyen": dec(ind.rac_apres_moyen),
            "taux_effort_avant_moyen": dec(ind.taux_effort_avant_moyen),
            "taux_effort_apres_moyen": dec(ind.taux_effort_apres_moyen),
            "propositions_par_menage": dec(ind.propositions_par_menage),
            "delai_moyen_jours": dec(ind.delai_moyen_jours),
        }


class RelogementSerializer(serializers.ModelSerializer):
    logement = serializers.CharField(source="logement.identifiant", default=None, allow_null=True)

    class Meta:
        model = Relogement
        fields = ["type", "parc", "logement", "description", "date_bail", "date_emmenagement", "loyer", "charges",
                  "apl", "en_qpv", "neuf_ou_recent"]  # fmt: skip


class MenageSerializer(serializers.ModelSerializer):
    operation = serializers.PrimaryKeyRelatedField(read_only=True)
    batiment = serializers.CharField(source="batiment.nom", default=None, allow_null=True)
    referent = serializers.CharField(source="referent.username")
    numero_unique = serializers.CharField(source="demande.numero_unique", default=None, allow_null=True)
    relogements = RelogementSerializer(many=True, read_only=True)
    nb_propositions = serializers.IntegerField(read_only=True)

    class Meta:
        model = MenageAReloger
        fields = [
            "id",
            "operation",
            "reference",
            "batiment",
            "statut",
            "referent",
            "numero_unique",
            "nb_personnes_14_plus",
            "nb_enfants_moins_14",
            "date_enquete",
            "nb_propositions",
            "relogements",
        ]
