"""Demo scoring: an adopted grid and a draft grid for the demo territory, and the demo demands scored.

``seed(territory, *, stdout)`` runs after ``demandes.demo.seed`` (settings.DEMO_SEEDERS). Idempotent: a
territory that already has a grid is left alone. The grids follow the typical grids described by the DRIHL
and the DREAL Pays de la Loire (docs/droit/regles.md §4); their weights are an example, not a recommendation.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.utils import timezone

from .models import CritereCotation, GrilleCotation

T = CritereCotation.Type

# (code, label, kind, points, values, cap, duration in months)
GRILLE_ADOPTEE = [
    ("dalo", "Reconnu prioritaire DALO", T.DALO, 300, [], None, None),
    ("priorite-l441-1", "Critère de priorité L. 441-1 reconnu", T.PRIORITE, 100, [], None, None),
    (
        "priorite-urgence",
        "Sans logement, violences, menace d'expulsion",
        T.PRIORITE,
        60,
        ["SANS_LOGEMENT", "VIOLENCES_COUPLE", "MENACE_EXPULSION"],
        None,
        None,
    ),
    ("anciennete", "Ancienneté de la demande", T.ANCIENNETE, 2, [], 120, None),
    ("sans-abri", "Sans abri, hôtel ou structure d'hébergement", T.LOGEMENT_ACTUEL, 40,
     ["SANS_ABRI", "HOTEL", "STRUCTURE"], None, None),
    ("heberge", "Hébergé chez des tiers ou la famille", T.LOGEMENT_ACTUEL, 20, ["HEBERGE_TIERS", "HEBERGE_FAMILLE"],
     None, None),
    ("logement-inadapte", "Logement trop petit, indécent ou inadapté", T.MOTIF, 25,
     ["TROP_PETIT", "INDECENT", "HANDICAP"], None, None),
    ("monoparental", "Famille monoparentale", T.MENAGE, 20, ["MONOPARENTAL"], None, None),
    ("handicap", "Handicap ou perte d'autonomie", T.MENAGE, 20, ["HANDICAP"], None, None),
    ("lien-local", "Lien avec le territoire (y réside ou y travaille)", T.LIEN_LOCAL, 10, ["RESIDE", "TRAVAILLE"],
     None, None),
    ("mutation", "Mutation : sous-occupation ou logement trop cher", T.MUTATION, 15, ["TROP_GRAND", "TROP_CHER"],
     None, None),
    ("refus", "Refus d'une offre adaptée (par refus, 12 mois)", T.REFUS, -30, ["SITUATION", "AUTRE_LOGEMENT"], 60, 12),
]  # fmt: skip

# the draft under study: more weight on seniority (higher cap), on households hosted and on local links
PROJET = {
    "anciennete": {"points": 3, "plafond": 180},
    "heberge": {"points": 35},
    "lien-local": {"points": 25},
}


def criteres(grille: GrilleCotation, lignes, modifications: dict | None = None) -> None:
    modifications = modifications or {}
    CritereCotation.objects.bulk_create(
        CritereCotation(
            grille=grille,
            ordre=i,
            code=code,
            libelle=libelle,
            type=type_,
            valeurs=list(valeurs),
            plafond=modifications.get(code, {}).get("plafond", plafond),
            points=modifications.get(code, {}).get("points", points),
            duree_mois=duree,
        )
        for i, (code, libelle, type_, points, valeurs, plafond, duree) in enumerate(lignes)
    )


def _ecrire(stdout, texte: str) -> None:
    if stdout is not None:
        stdout.write(texte + "\n")


def seed(territory, *, stdout: TextIO | None = None) -> int:
    from . import services

    epci = territory.epci
    if GrilleCotation.objects.filter(epci=epci).exists():
        _ecrire(stdout, "Cotation : grilles déjà présentes, rien n'est ajouté.")
        return 0
    try:
        acteur = territory.account("epci").user
    except (StopIteration, KeyError, AttributeError):
        acteur = None
    today = timezone.localdate()
    with transaction.atomic():
        grille = GrilleCotation.objects.create(
            epci=epci,
            nom="Grille de cotation du PPGDID",
            version=1,
            description=(
                "Grille de démonstration : ses critères et ses points sont fictifs et ne décrivent pas la "
                "politique d'attribution du territoire."
            ),
            deliberation="Délibération du conseil communautaire adoptant le PPGDID (démonstration)",
            creee_par=acteur,
        )
        criteres(grille, GRILLE_ADOPTEE)
        calcul = services.adopter_grille(grille, acteur=acteur, date_debut=today.replace(month=1, day=1))
    # eager without Redis (the demo's default): the run has already been done on commit; with a worker, finish it
    calcul = services.recalculer_stock(calcul.pk)
    projet = services.creer_brouillon(epci=epci, acteur=acteur, depuis=grille, nom="Projet de grille 2027")
    for code, changements in PROJET.items():
        CritereCotation.objects.filter(grille=projet, code=code).update(**changements)
    _ecrire(
        stdout,
        f"Cotation : grille adoptée ({len(GRILLE_ADOPTEE)} critères), {calcul.nb_traitees} demandes cotées ; "
        f"brouillon « {projet.nom} » à simuler.",
    )
    return calcul.nb_traitees
