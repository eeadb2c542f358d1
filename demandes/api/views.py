from django.db.models import Prefetch
from rest_framework import viewsets

from ..filters import DemandeFilter
from ..models import Demande, Evenement
from .serializers import DemandeDetailSerializer, DemandeListSerializer


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
