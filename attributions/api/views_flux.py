"""API of the flows: dwellings, vacancies (with their candidates' decisions) and the flow report, scoped."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from attributions.models import Candidature, Logement, Vacance
from attributions.vacances import flux
from attributions.vacances.permissions import (
    bailleurs_flux_for_user,
    logements_for_user,
    reservataires_visibles_flux,
    vacances_for_user,
)
from cil.models import Bailleur
from core import parametres
from core.parametres import AnneeFilter


class LogementSerializer(serializers.ModelSerializer):
    bailleur_siren = serializers.CharField(source="bailleur.siren")
    commune_insee = serializers.CharField(source="commune.code_insee")
    epci_siren = serializers.CharField(source="epci.siren")
    qpv_code = serializers.CharField(source="qpv.code", default="")
    qpv_2015_code = serializers.CharField(source="qpv_2015.code", default="")
    accessible_pmr = serializers.BooleanField(
        read_only=True, help_text="Accessible en fauteuil roulant : déduit du niveau d'accessibilité."
    )

    class Meta:
        model = Logement
        fields = [
            "identifiant", "bailleur_siren", "commune_insee", "epci_siren", "adresse", "qpv_code", "qpv_2015_code",
            "typologie", "surface", "financement", "loyer", "date_premiere_location", "date_conventionnement",
            "accessible_pmr", "niveau_accessibilite", "etage", "ascenseur", "salle_de_bain_adaptee", "wc_adapte",
            "largeur_portes_cm", "stationnement_adapte",
        ]  # fmt: skip


class CandidatureSerializer(serializers.ModelSerializer):
    numero_unique = serializers.CharField(source="demande.numero_unique")
    seance = serializers.DateField(source="seance.date", default=None, allow_null=True)

    class Meta:
        model = Candidature
        fields = [
            "numero_unique", "rang_propose", "seance", "type_decision", "rang", "condition", "date_limite_condition",
            "motif_decision", "reponse", "motif_refus", "date_reponse", "date_bail",
        ]  # fmt: skip


class VacanceSerializer(serializers.ModelSerializer):
    logement = serializers.CharField(source="logement.identifiant")
    bailleur_siren = serializers.CharField(source="bailleur.siren")
    reservataire_type = serializers.CharField(source="reservataire.type", default="")
    reservataire_id = serializers.CharField(source="reservataire.code", default="")
    candidatures = CandidatureSerializer(many=True, read_only=True)

    class Meta:
        model = Vacance
        fields = [
            "id", "logement", "bailleur_siren", "statut", "date_declaration", "date_liberation", "date_orientation",
            "reservataire_type", "reservataire_id", "deduction", "exception_trois_candidats", "date_bail",
            "candidatures",
        ]  # fmt: skip


class VacanceFilter(django_filters.FilterSet):
    statut = django_filters.ChoiceFilter(choices=Vacance.Statut.choices, label="Statut de la vacance")
    bailleur = django_filters.CharFilter(field_name="bailleur__siren", label="SIREN du bailleur")
    annee_bail = AnneeFilter(field_name="date_bail", lookup_expr="year", label="Année du bail")

    class Meta:
        model = Vacance
        fields = ["statut", "bailleur", "annee_bail"]


@extend_schema_view(
    get=extend_schema(
        summary="Logements",
        description="Les logements du bailleur de l'utilisateur, ou de tout le territoire pour l'EPCI.",
    )
)
class LogementListView(generics.ListAPIView):
    """Dwellings of the user's landlord (or of the territory, for EPCI staff)."""

    serializer_class = LogementSerializer

    def get_queryset(self):
        qs = Logement.objects.select_related("bailleur", "commune", "epci", "qpv", "qpv_2015")
        return logements_for_user(self.request.user, qs).order_by("identifiant")


@extend_schema_view(
    get=extend_schema(
        summary="Vacances de logements",
        description=(
            "Les vacances de logements que l'utilisateur peut voir, avec les décisions sur leurs candidats : "
            "un réservataire ne voit que celles qui lui sont orientées."
        ),
    )
)
class VacanceListView(generics.ListAPIView):
    """Vacancies the user may see: a holder sees only those routed to it."""

    serializer_class = VacanceSerializer
    filterset_class = VacanceFilter

    def get_queryset(self):
        qs = Vacance.objects.select_related("logement", "bailleur", "reservataire").prefetch_related(
            "candidatures__demande", "candidatures__seance"
        )
        return vacances_for_user(self.request.user, qs).order_by("-date_declaration", "-pk")


class FluxView(APIView):
    """Flow report of a landlord for a year: base, and per holder share, owed, delivered, gap.

    docs/droit/regles.md, S.7.
    """

    @extend_schema(
        summary="Bilan des flux d'un bailleur",
        description=(
            "Bilan annuel des flux d'un bailleur : logements mis en location, déductions, assiette, puis par "
            "réservataire la part due, les logements livrés et l'écart. Un réservataire ne voit que sa ligne."
        ),
        parameters=[
            OpenApiParameter("bailleur", OpenApiTypes.STR, required=True, description="SIREN du bailleur"),
            OpenApiParameter("annee", int, required=True, description="Année civile (de 2000 à 2100)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        siren = request.query_params.get("bailleur", "")
        annee = parametres.annee(request.query_params, obligatoire=True)
        bailleur = get_object_or_404(Bailleur, siren=siren)
        if not bailleurs_flux_for_user(request.user, Bailleur.objects.filter(pk=bailleur.pk)).exists():
            raise PermissionDenied("Vous n'avez pas accès aux flux de ce bailleur.")
        blocs = flux.rapport_flux(bailleur, annee, reservataires=reservataires_visibles_flux(request.user, bailleur))
        return Response(
            {
                "bailleur": bailleur.siren,
                "annee": annee,
                "perimetres": [
                    {
                        "perimetre": b.perimetre,
                        "mis_en_location": b.mis_en_location,
                        "deduits": b.deduits,
                        "base": b.base,
                        "alertes": b.alertes,
                        "reservataires": [
                            {
                                "type": ligne["reservataire"].type,
                                "id": ligne["reservataire"].code,
                                "nom": ligne["reservataire"].nom,
                                "part": str(ligne["part"]),
                                "du": str(ligne["du"]),
                                "livre": ligne["livre"],
                                "ecart": str(ligne["ecart"]),
                            }
                            for ligne in b.lignes
                        ],
                    }
                    for b in blocs
                ],
            }
        )
