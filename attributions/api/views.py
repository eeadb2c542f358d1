from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from attributions.filters import DecisionFilter
from attributions.models import DecisionCaleol
from attributions.permissions import can_view_objectives, can_view_whole_territory
from attributions.selectors import ObjectifsIndisponibles
from attributions.services import objectifs_servis
from cil.models import Epci
from core import parametres

from .serializers import DecisionSerializer, ObjectifsSerializer


class ObjectifsView(APIView):
    """The three legal objectives of an EPCI for a year (format F2), scoped to the user's organisation."""

    @extend_schema(
        summary="Objectifs légaux d'un EPCI pour une année",
        description=(
            "Les trois objectifs légaux d'attribution (format F2) d'un EPCI pour une année civile : hors QPV "
            "au premier quartile, en QPV aux trois autres quartiles, ménages prioritaires par réservataire. "
            "Un bailleur ou un réservataire ne compte que les décisions de son organisation. `cible` est la cible "
            "légale ; les cibles locales de la CIL figurent à côté (`cible_locale`, `cibles_locales`), jamais à sa "
            "place."
        ),
        parameters=[
            OpenApiParameter("epci", OpenApiTypes.STR, required=True, description="SIREN de l'EPCI"),
            OpenApiParameter("annee", int, required=True, description="Année civile (de 2000 à 2100)"),
            OpenApiParameter("details", OpenApiTypes.BOOL, description="Ajouter les détails par bailleur, etc."),
        ],
        responses={
            200: ObjectifsSerializer,
            409: OpenApiResponse(description="Objectifs indisponibles (seuil du premier quartile inconnu)."),
        },
    )
    def get(self, request):
        siren = request.query_params.get("epci", "")
        erreurs = {} if siren else {"epci": ["Paramètre obligatoire : le SIREN de l'EPCI."]}
        try:
            annee = parametres.annee(request.query_params, obligatoire=True)
        except parametres.ParametreInvalide as exc:
            erreurs[exc.nom] = [exc.message]
        if erreurs:
            raise ValidationError(erreurs)
        epci = get_object_or_404(Epci, siren=siren)
        if not can_view_objectives(request.user, epci):
            raise PermissionDenied("Vous n'avez pas accès aux objectifs de ce territoire.")
        details = request.query_params.get("details") in ("1", "true", "oui")
        try:
            # from the year's fresh snapshot, scoped to the user's organisations (services.objectifs_servis)
            resultat, _calcule_le = objectifs_servis(request.user, epci, annee, details=details)
        except ObjectifsIndisponibles as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        territoire = can_view_whole_territory(request.user, epci)
        resultat["perimetre"] = "territoire" if territoire else "organisation"
        return Response(resultat)


@extend_schema_view(
    get=extend_schema(
        summary="Décisions de commission (CALEOL)",
        description=(
            "Les décisions de commission que l'utilisateur peut voir (son organisation, ou tout le territoire "
            "pour l'EPCI), de la plus récente à la plus ancienne, avec les mêmes filtres que la liste des "
            "attributions."
        ),
    )
)
class DecisionListView(generics.ListAPIView):
    """Commission decisions the user may see, filterable (same filters as the list page)."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return (
            DecisionCaleol.objects.for_user(self.request.user)
            .select_related("logement", "bailleur", "commune", "epci", "qpv", "reservataire")
            .order_by("-date_decision", "pk")
        )
