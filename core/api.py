"""Plumbing shared by the API of every app."""

import threading

from django.urls import get_script_prefix
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.erreurs import ErreurMetier
from core.parametres import ParametreInvalide


class RefusMetier(APIException):
    status_code = 400
    default_code = "refus_metier"


def gestionnaire_exceptions(exc, context):
    """DRF's handler, plus: a bad query parameter (core.parametres) answers 400 `{"<nom>": ["<message>"]}`,
    a business error (core.erreurs.ErreurMetier) that the view did not catch 400 `{"detail": "<message>"}`."""
    if isinstance(exc, ParametreInvalide):
        exc = ValidationError({exc.nom: [exc.message]})
    elif isinstance(exc, ErreurMetier):
        exc = RefusMetier(str(exc))
    return exception_handler(exc, context)


ERREURS = {
    "400": (
        "Paramètre invalide : le corps nomme chaque paramètre fautif et dit pourquoi, en français ; "
        "ou opération refusée par une règle métier : `detail` dit pourquoi."
    ),
    "403": "Non connecté, ou pas de droit sur cette ressource.",
    "404": "Ressource introuvable (ou hors de votre périmètre).",
}


def reponses_d_erreur(result, generator, request, public):
    """drf-spectacular hook: every operation documents the errors every endpoint may answer, so that the
    schema says the truth about status codes (checked by schemathesis in tests/securite/test_api.py)."""
    composants = result.setdefault("components", {}).setdefault("schemas", {})
    composants["Erreur"] = {
        "type": "object",
        "description": "Message d'erreur ; pour un 400, une liste de messages par paramètre fautif.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    reference = {"$ref": "#/components/schemas/Erreur"}
    for chemin in result.get("paths", {}).values():
        for methode, operation in chemin.items():
            if methode not in ("get", "post", "put", "patch", "delete"):
                continue
            reponses = operation.setdefault("responses", {})
            for code, description in ERREURS.items():
                reponses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result


class SchemaApi(SpectacularAPIView):
    """The OpenAPI schema (``/api/schema/``), generated once per process and language: it changes only with the
    code, and it is the same for every signed-in user (``SERVE_PUBLIC``: not filtered by the reader's rights).
    Generating it walks every endpoint and serializer: about half a second a request otherwise."""

    _schemas: dict = {}
    _verrou = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        cle = (version, translation.get_language(), get_script_prefix())
        schema = self._schemas.get(cle)
        if schema is None:
            with self._verrou:
                schema = self._schemas.get(cle)
                if schema is None:
                    generateur = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                    schema = generateur.get_schema(request=request, public=self.serve_public)
                    self._schemas[cle] = schema
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
