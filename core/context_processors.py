"""The navigation bar, built from the user's roles (each capability adds its entry here)."""

from django.urls import NoReverseMatch, reverse

from cil.permissions import scope_for
from core.roles import Role

# (label, url name, roles allowed; None = every signed-in user)
_PARTENAIRES = {Role.EPCI, Role.MEMBRE_CIL, Role.BAILLEUR, Role.RESERVATAIRE}
NAVIGATION = [
    ("Accueil", "core:home", None),
    ("Demandes", "demandes:recherche", {Role.AGENT_ACCUEIL, Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE}),
    ("Réseau d'accueil", "demandes:reseau", {Role.AGENT_ACCUEIL, Role.EPCI}),
    ("Vacances", "attributions:vacances", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE}),
    ("CALEOL", "attributions:seances", {Role.EPCI, Role.BAILLEUR}),
    ("Logements", "attributions:logements", {Role.EPCI, Role.BAILLEUR}),
    ("Flux", "attributions:flux", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE}),
    ("Objectifs légaux", "attributions:tableau_de_bord", _PARTENAIRES),
    ("Attributions", "attributions:liste", _PARTENAIRES),
    ("Importer", "attributions:import", {Role.EPCI}),
    ("Bilans annuels", "observatoire:bilans", _PARTENAIRES),
    ("Relogement", "relogement:operations", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    scope = scope_for(user)
    entries = []
    for label, url_name, roles in NAVIGATION:
        if roles is not None and not scope.admin and not (scope.roles & {str(r) for r in roles}):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # capability not installed yet
        entries.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"navigation": entries}
