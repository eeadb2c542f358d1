"""The platform's sections: one definition for the navigation bar and for who may open each section's page.

Each entry is (section, label, url name, who may open it, what it is for); who may open it is a set of roles,
None for every signed-in user, or the dotted path of a predicate ``(user) -> bool`` of the app that owns the
section (when a capability is not a role: a relocation referent is designated per household). The
navigation context processor shows an entry to the users it allows; ``@rubrique(url_name)`` on the entry's
view refuses the same page to everyone else, so that a page missing from a user's menu is never reachable by
typing its address. Platform administrators see every entry.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string

from .roles import Role

_PARTENAIRES = {Role.EPCI, Role.MEMBRE_CIL, Role.BAILLEUR, Role.RESERVATAIRE}
NAVIGATION = [
    ("", "Accueil", "core:home", None, ""),
    ("Demandes", "Demandes", "demandes:recherche", {Role.AGENT_ACCUEIL, Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Rechercher et consulter les demandes ; les guichets les enregistrent, qualifient et renouvellent."),
    ("Demandes", "Réseau d'accueil", "demandes:reseau", {Role.AGENT_ACCUEIL, Role.EPCI},
     "Rendez-vous, entretiens en retard et activité des guichets."),
    ("Demandes", "Délais anormalement longs", "relogement:blocages", {Role.AGENT_ACCUEIL, Role.EPCI},
     "Demandes sans proposition adaptée au-delà du délai fixé par le préfet ; signaler une situation bloquée."),
    ("Demandes", "Cotation", "demandes:grilles", {Role.AGENT_ACCUEIL, Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "La grille de cotation adoptée ; pour l'EPCI, les projets de grille et leur simulation."),
    ("Demandes", "Import national (SNE)", "sne:import", {Role.EPCI},
     "Recevoir les fichiers du système national d'enregistrement (interfaceNuu) : demandes et radiations."),
    ("Attributions", "Vacances", "attributions:vacances", {Role.EPCI, Role.BAILLEUR, Role.RESERVATAIRE},
     "Logements libérés, orientation vers un réservataire, désignation des candidats."),
    ("Attributions", "CALEOL", "attributions:seances", {Role.EPCI, Role.BAILLEUR},
     "Séances de la commission, décisions, réponses des ménages et baux."),
    ("Attributions", "Bourse d'échange", "attributions:echanges", "attributions.echanges.permissions.ouvre_la_bourse",
     "Échanges de logements entre locataires du parc social : offres, appariements, accord des bailleurs."),
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
    ("Objectifs", "Indicateurs du territoire", "observatoire:indicateurs", _PARTENAIRES,
     "Demandes, attributions, pression, délais d'attente, refus et radiations par commune, secteur et quartier."),
    ("Objectifs", "Bilans annuels", "observatoire:bilans", _PARTENAIRES,
     "Le bilan de la CIL et les bilans des bailleurs et réservataires, en PDF et en tableur."),
    ("Objectifs", "Quartiers", "observatoire:quartiers", _PARTENAIRES,
     "Le référentiel des quartiers : indicateurs, score et classe (vigilance, équilibre, attractif)."),
    ("Objectifs", "Cartes", "observatoire:cartes", {Role.EPCI, Role.MEMBRE_CIL},
     "Cartes par commune : objectif A, logements libérés, QPV et lieux d'accueil, avec leurs tableaux."),
    ("Objectifs", "Tableau de l'État", "observatoire:etat", _PARTENAIRES,
     "Attributions aux publics prioritaires, DALO, sortants d'hébergement, sans-abri, 1er quartile ; part en QPV."),
    ("Conférence", "Espace des membres", "conference:espace", {Role.EPCI, Role.MEMBRE_CIL},
     "Prochaines séances, ordres du jour et documents, délibérations et votes, tableaux de bord."),
    ("Conférence", "Instances et séances", "conference:instances", {Role.EPCI},
     "Composer les instances, convoquer, tenir les séances : présences, pouvoirs, votes et délibérations."),
    ("Conférence", "Documents et actions", "politique:documents", _PARTENAIRES,
     "Document-cadre, CIA et PPGDID : orientations, actions numérotées, calendrier et suivi."),
    ("Conférence", "Cibles locales", "politique:cibles", _PARTENAIRES,
     "Les cibles de la CIA, plus exigeantes que la loi, à côté des cibles légales, avec leur source."),
    ("Relogement", "Relogement", "relogement:operations", "relogement.permissions.ouvre_le_relogement",
     "Opérations de renouvellement urbain et d'habitat indigne, ménages à reloger."),
    ("Relogement", "Cas spécifiques", "relogement:commission", "relogement.permissions.ouvre_la_commission",
     "Commission des cas spécifiques ou bloqués : saisines, diagnostic social, séances, décisions et suivi."),
    ("Données personnelles", "Journal des consultations", "demandes:journal", {Role.DPO},
     "Qui a consulté quelle demande, pièce ou export ; export du droit d'accès d'un demandeur."),
]  # fmt: skip

_ROLES = {
    url_name: frozenset(str(r) for r in roles) if isinstance(roles, (set, frozenset)) else roles
    for _, _, url_name, roles, _ in NAVIGATION
}
_LIBELLES = {url_name: label for _, label, url_name, _, _ in NAVIGATION}


def peut_ouvrir(user, url_name: str) -> bool:
    """Whether ``user`` has the section ``url_name`` in their menu (and so may open its page)."""
    from cil.permissions import scope_for

    if user is None or not user.is_authenticated:
        return False
    roles = _ROLES[url_name]
    if roles is None:
        return True
    if isinstance(roles, str):
        return bool(import_string(roles)(user))
    scope = scope_for(user)
    return scope.admin or not roles.isdisjoint(scope.roles)


def libelle(url_name: str) -> str:
    """The section's name as the menu shows it."""
    return _LIBELLES[url_name]


def rubrique(url_name: str):
    """View decorator: the page of the section ``url_name`` opens only for the users whose menu shows it."""
    if url_name not in _ROLES:
        raise ValueError(f"Rubrique inconnue : {url_name}")

    def decorateur(vue):
        @functools.wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if request.user.is_authenticated and not peut_ouvrir(request.user, url_name):
                raise PermissionDenied(f"Votre rôle ne donne pas accès à la rubrique « {libelle(url_name)} ».")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
