"""Demo of the adapted dwellings' exchange (docs/logements_adaptes.md): a few of Actis's dwellings in Grenoble
described as adapted (three of them freed), applicants with a wheelchair or a limited walking capacity, and one
adapted dwelling whose holder designated households that do not need it while others wait (the alert).

Kept apart from ``attributions.demo`` and ``vacances.demo`` (other seeders enrich the same dwellings). Runs after
them and after the demands' seeders. Deterministic (``territory.random``, rows in a fixed order) and idempotent:
a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db.models import Exists, OuterRef
from django.utils import timezone

from demandes import services as demandes_services

from .. import services
from ..models import Logement, NiveauAccessibilite, Vacance
from . import adaptes, flux
from .demo import SIREN_ACTIS, _ecrire

MOTIF = "Logement adapté (démonstration)"

# (level, floor, lift, adapted bathroom, adapted WC, door width in cm, adapted parking, freed, routed to the city)
LOGEMENTS = [
    (NiveauAccessibilite.FAUTEUIL, 0, None, True, True, 90, True, True, True),
    (NiveauAccessibilite.ADAPTABLE, 2, True, False, None, 83, False, True, False),
    (NiveauAccessibilite.MOBILITE_REDUITE, 1, True, False, False, 80, None, True, True),  # the alert's case
    (NiveauAccessibilite.FAUTEUIL, 3, True, True, True, 90, True, False, False),
]

# (name, first name, born, filed, technical aids, walking capacity, equipment, motor, sensory)
DEMANDEURS = [
    ("Garnier", "Sylvie", dt.date(1968, 3, 14), dt.date(2021, 9, 6), ["5"], "1", ["3", "2", "6"], True, False),
    ("Benali", "Karim", dt.date(1979, 11, 2), dt.date(2022, 4, 19), ["4"], "1", ["3"], True, False),
    ("Lefèvre", "Martine", dt.date(1955, 6, 23), dt.date(2023, 1, 10), ["4"], "1", ["3", "2"], True, False),
    ("Nguyen", "Thomas", dt.date(1990, 2, 8), dt.date(2024, 2, 27), ["5"], "1", ["6"], True, False),
    ("Rousseau", "Jeanne", dt.date(1948, 12, 1), dt.date(2022, 10, 3), ["3"], "2", ["4"], True, False),
    ("Moreau", "Paul", dt.date(1951, 7, 30), dt.date(2023, 6, 15), ["2"], "3", ["4", "3"], True, False),
    ("Blanc", "Inès", dt.date(1986, 5, 17), dt.date(2024, 5, 6), [], "", [], False, True),
]


def _demandeur(territory, guichet, acteur, ligne) -> object:
    nom, prenom, naissance, depot, aides, capacite, equipements, moteur, sensoriel = ligne
    return demandes_services.enregistrer_demande(
        guichet=guichet,
        donnees={
            "nom": nom,
            "prenom": prenom,
            "date_naissance": naissance,
            "sexe": "F" if prenom in ("Sylvie", "Martine", "Jeanne", "Inès") else "M",
            "nationalite": "FR",
            "adresse": "8 rue Lesdiguières",
            "code_postal": "38000",
            "ville": "Grenoble",
            "situation_familiale": "CELIBATAIRE",
            "situation_professionnelle": "RETRAITE" if naissance.year < 1960 else "SANS_ACTIVITE",
            "logement_actuel": "LOCATAIRE_PRIVE",
            "motifs": ["HANDICAP"] if (aides or capacite) else ["TROP_CHER"],
            "typologies": ["T2", "T3"],
            "aides_techniques": aides,
            "capacite_marche": capacite,
            "equipements_handicap": equipements,
            "handicap_moteur": moteur,
            "handicap_sensoriel": sensoriel,
            "besoin_adaptation": "Accès sans marche depuis la rue." if capacite == "1" else "",
        },
        # two people: the household fits a T2 as well as a T3
        membres=[{"lien": "CO_TITULAIRE", "nom": nom, "prenom": "Claude", "date_naissance": naissance.replace(day=1)}],
        ressources=[{"membre_index": None, "nature": "AAH", "montant_mensuel": Decimal("1016")}],
        communes=[territory.communes["38185"]],
        acteur=acteur,
        date_depot=depot,
    )


def seed(territory, *, stdout: TextIO | None = None) -> None:
    bailleur = territory.bailleur(SIREN_ACTIS)
    if Logement.objects.filter(bailleur=bailleur).exclude(niveau_accessibilite="").exists():
        _ecrire(stdout, "Logements adaptés : déjà décrits, rien n'est ajouté.")
        return
    rng = territory.random("attributions.demo_adaptes")
    ouvertes = Vacance.objects.filter(logement=OuterRef("pk")).exclude(statut=Vacance.Statut.BAIL_SIGNE)
    logements = list(
        Logement.objects.filter(bailleur=bailleur, commune__code_insee="38185", typologie__in=["T2", "T3"], qpv=None)
        .exclude(Exists(ouvertes))
        .order_by("identifiant")[:60]
    )
    if len(logements) < len(LOGEMENTS):
        _ecrire(stdout, "Logements adaptés : pas assez de logements d'Actis à Grenoble, rien n'est ajouté.")
        return
    acteur_bailleur = territory.account("bailleur").user
    acteur_ville = territory.account("reservataire").user
    agent = territory.account("agent").user
    guichet = next(g for g in territory.guichets if g.enregistreur)
    demandes = [_demandeur(territory, guichet, agent, ligne) for ligne in DEMANDEURS]
    ville = territory.reservataire("COMMUNE", "38185")
    today = timezone.localdate()
    vacances = []
    for logement, (niveau, etage, ascenseur, sdb, wc, portes, parking, liberee, orientee) in zip(
        rng.sample(logements, len(LOGEMENTS)), LOGEMENTS, strict=True
    ):
        pieces = int(logement.typologie[1])
        logement.surface = logement.surface or Decimal(25 + 17 * pieces)
        logement.loyer = logement.loyer or Decimal(180 + 95 * pieces)
        logement.save(update_fields=["surface", "loyer"])
        services.decrire_accessibilite(
            logement=logement,
            donnees={
                "niveau_accessibilite": niveau,
                "etage": etage,
                "ascenseur": ascenseur,
                "salle_de_bain_adaptee": sdb,
                "wc_adapte": wc,
                "largeur_portes_cm": portes,
                "stationnement_adapte": parking,
            },
            acteur=acteur_bailleur,
        )
        if not liberee:
            continue
        vacance = services.declarer_vacance(
            logement=logement,
            date_liberation=today + dt.timedelta(days=rng.randint(10, 30)),
            commentaire=MOTIF,
            acteur=acteur_bailleur,
        )
        if orientee:
            services.orienter_vacance(vacance=vacance, reservataire=ville, acteur=acteur_bailleur)
        vacances.append((niveau, vacance))
    # the alert's case: the city designates, for the reduced-mobility dwelling, households that need no adapted
    # dwelling while some who do are waiting
    alerte = next(v for niveau, v in vacances if niveau == NiveauAccessibilite.MOBILITE_REDUITE)
    avec_besoin = set(adaptes.demandeurs_qui_en_ont_besoin(alerte, jour=today).values_list("pk", flat=True))
    sans_besoin = [d for d in flux.candidats_possibles(alerte, jour=today)[:40] if d.pk not in avec_besoin][:3]
    if avec_besoin and sans_besoin:
        services.designer_candidats(
            vacance=alerte,
            demandes=sans_besoin,
            exception="" if len(sans_besoin) >= 3 else "INSUFFISANCE",
            justification="" if len(sans_besoin) >= 3 else "Peu de demandes correspondantes",
            acteur=acteur_ville,
        )
    _ecrire(
        stdout,
        f"Logements adaptés : {len(LOGEMENTS)} logements décrits, {len(vacances)} libérés, {len(demandes)} demandeurs "
        f"(dont {sum(1 for d in demandes if d.accessibilite_pmr)} en fauteuil roulant).",
    )
