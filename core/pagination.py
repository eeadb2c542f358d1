"""The API's one pagination: `?limit=` and `?offset=`, at most 500 results a page (one request never takes
a worker for minutes), bad values refused with a 400 in French."""

from rest_framework.pagination import LimitOffsetPagination

from core import parametres


class PaginationLimitee(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500
    limit_query_description = f"Nombre de résultats par page : {default_limit} par défaut, {max_limit} au plus."
    offset_query_description = "Rang du premier résultat renvoyé (0, par défaut, pour le début de la liste)."

    def get_limit(self, request):
        limite = parametres.entier(request.query_params, self.limit_query_param, minimum=1, defaut=self.default_limit)
        return min(limite, self.max_limit)

    def get_offset(self, request):
        return parametres.entier(request.query_params, self.offset_query_param, minimum=0, defaut=0)

    def get_schema_operation_parameters(self, view):
        limite, rang = super().get_schema_operation_parameters(view)
        limite["schema"].update(minimum=1, maximum=self.max_limit, default=self.default_limit)
        rang["schema"].update(minimum=0, default=0)
        return [limite, rang]
