"""The navigation bar, built from the user's roles (each capability adds its entry here)."""

from django.urls import NoReverseMatch, reverse

from cil.permissions import scope_for
from core.roles import Role

# (section, label, url name, roles allowed (None = every signed-in user), what it is for)
_PARTENAIRES = {Role.EPCI, Role.MEMBRE_CIL, Role.BAILLEUR, Role.RESERVATAIRE}
NAVIGATION = [
    ("", "Accueil", "core:home", None, ""),
    ("Demandes", "Demandes", "demandes:recherche", {Role.AGENT_ACCUEIL, Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Rechercher et consulter les demandes ; les guichets les enregistrent, qualifient et renouvellent."),
    ("Demandes", "Réseau d'accueil", "demandes:reseau", {Role.AGENT_ACCUEIL, Role.EPCI},
     "Rendez-vous, entretiens en retard et activité des guichets."),
    ("Demandes", "Cotation", "demandes:grilles", {Role.AGENT_ACCUEIL, Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "La grille de cotation adoptée ; pour l'EPCI, les projets de grille et leur simulation."),
    ("Attributions", "Vacances", "attributions:vacances", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Logements libérés, orientation vers un réservataire, désignation des candidats."),
    ("Attributions", "CALEOL", "attributions:seances", {Role.EPCI, Role.BAILLEUR},
     "Séances de la commission, décisions, réponses des ménages et baux."),
    ("Attributions", "Logements", "attributions:logements", {Role.EPCI, Role.BAILLEUR},
     "Le patrimoine (RPLS) et son import."),
    ("Attributions", "Flux", "attributions:flux", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Conventions de réservation en flux : dû, livré, écart."),
    ("Objectifs", "Objectifs légaux", "attributions:tableau_de_bord", _PARTENAIRES,
     "Les trois objectifs de la loi, par bailleur, réservataire, commune et secteur."),
    ("Objectifs", "Attributions comptées", "attributions:liste", _PARTENAIRES,
     "La liste des attributions derrière chaque chiffre, exportable."),
    ("Objectifs", "Importer", "attributions:import", {Role.EPCI},
     "Charger un extrait d'attributions (format F1)."),
    ("Objectifs", "Bilans annuels", "observatoire:bilans", _PARTENAIRES,
     "Le bilan de la CIL et les bilans des bailleurs et réservataires, en PDF et en tableur."),
    ("Relogement", "Relogement", "relogement:operations", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Opérations de renouvellement urbain et d'habitat indigne, ménages à reloger."),
    ("Relogement", "Cas spécifiques", "relogement:commission", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Commission des cas spécifiques : saisines, diagnostic social, séances, décisions et suivi."),
    ("Données personnelles", "Journal des consultations", "demandes:journal", {Role.DPO},
     "Qui a consulté quelle demande, pièce ou export ; export du droit d'accès d'un demandeur."),
]  # fmt: skip


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    scope = scope_for(user)
    entries = []
    for section, label, url_name, roles, description in NAVIGATION:
        if roles is not None and not scope.admin and not (scope.roles & {str(r) for r in roles}):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # capability not installed
        entries.append(
            {
                "section": section,
                "label": label,
                "url": url,
                "description": description,
                "active": request.path.startswith(url) and url != "/",
            }
        )
    return {"navigation": entries}
