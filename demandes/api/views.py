from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from ..filters import DemandeFilter
from ..models import Demande, Evenement, JournalConsultation
from ..services_rgpd import enregistrer_consultation, enregistrer_consultation_liste
from .serializers import DemandeDetailSerializer, DemandeListSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Demandes de logement social",
        description=(
            "Les demandes des territoires de l'utilisateur (selon son organisation), avec les mêmes filtres "
            "que la recherche du guichet. Les situations sensibles ne sont jamais transmises."
        ),
    ),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Identifiant de la demande")],
        summary="Une demande",
        description=(
            "Le dossier d'une demande : ménage, souhaits, critères de priorité reconnus et historique partagé, "
            "sans les situations ni les événements sensibles."
        ),
    ),
)
class DemandeViewSet(viewsets.ReadOnlyModelViewSet):
    """Demands of the caller's territories (scoped per organisation), searchable with the same filters
    as the reception desk's page. Sensitive situations are masked, whoever calls (sensibles.py)."""

    filterset_class = DemandeFilter

    def get_queryset(self):
        qs = Demande.objects.for_user(self.request.user).select_related("guichet", "epci").order_by("id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "membres",
                "communes_souhaitees",
                "decisions_dalo",
                "priorites",
                Prefetch("evenements", queryset=Evenement.objects.order_by("date", "id")),
            )
        return qs

    def get_serializer_class(self):
        return DemandeDetailSerializer if self.action == "retrieve" else DemandeListSerializer

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        enregistrer_consultation(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.DEMANDE,
            canal=JournalConsultation.Canal.API,
            demande=self._demande_lue,
        )
        return response

    def get_object(self):
        self._demande_lue = super().get_object()
        return self._demande_lue

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        enregistrer_consultation_liste(
            utilisateur=self.request.user,
            objet=JournalConsultation.Objet.LISTE,
            canal=JournalConsultation.Canal.API,
            demandes=page if page is not None else queryset,
            detail="Liste de l'API",
        )
        return page
