from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from ..filters import MenageFilter, OperationFilter
from ..models import MenageAReloger, Operation
from ..selectors import indicateurs_operations
from .serializers import MenageSerializer, OperationSerializer


@extend_schema_view(
    get=extend_schema(
        summary="Opérations de relogement",
        description="Les opérations de relogement que l'utilisateur peut voir, avec leurs indicateurs de suivi.",
    )
)
class OperationListView(generics.ListAPIView):
    """Relocation operations the user may see, with their indicators (docs/droit/regles.md, S.9)."""

    serializer_class = OperationSerializer
    filterset_class = OperationFilter

    def get_queryset(self):
        return (
            Operation.objects.for_user(self.request.user)
            .select_related("epci", "qpv")
            .prefetch_related("batiments", "bailleurs")
            .order_by("pk")
        )

    def paginate_queryset(self, queryset):
        """The page's operations, and their indicators counted for the whole page at once (not per row)."""
        page = super().paginate_queryset(queryset)
        self._indicateurs = indicateurs_operations(page if page is not None else list(queryset))
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "indicateurs": getattr(self, "_indicateurs", None)}


@extend_schema_view(
    get=extend_schema(
        summary="Ménages à reloger",
        description=(
            "Les ménages à reloger que l'utilisateur peut voir, avec leurs relogements. Jamais les réponses à "
            "l'enquête sociale."
        ),
    )
)
class MenageListView(generics.ListAPIView):
    """Households to relocate the user may see. Never the survey answers."""

    serializer_class = MenageSerializer
    filterset_class = MenageFilter

    def get_queryset(self):
        return (
            MenageAReloger.objects.for_user(self.request.user)
            .select_related("batiment", "referent", "demande")
            .prefetch_related("relogements__logement")
            .annotate(nb_propositions=Count("propositions"))
            .order_by("operation_id", "reference")
        )
