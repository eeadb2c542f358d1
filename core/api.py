"""Plumbing shared by the API of every app."""

from rest_framework.exceptions import APIException, ValidationError
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
