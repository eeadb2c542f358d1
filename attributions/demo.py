"""Demo allocations: three years of commission decisions on the demo territory, imported as F1 files.

They go through the real import (``import_attributions``), so the demo exercises the same path as a
territory loading its extracts. Deterministic: the same files every time, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q

from cil.models import Qpv, Quartier

from . import rules
from .models import Logement
from .services import import_attributions, rattacher_logements_aux_quartiers

ANNEES = (2024, 2025, 2026)
FIN_DONNEES = dt.date(2026, 10, 31)  # the demo's last commission date (fixed, for determinism)
VACANCES_PAR_AN = 2200
NB_LOGEMENTS = 5200

COLONNES = [
    "numero_unique", "date_depot", "date_decision", "type_decision", "rang", "date_bail", "logement_id",
    "bailleur_siren", "commune_insee", "epci_siren", "qpv_code", "typologie", "reservataire_type",
    "reservataire_id", "ressources_mensuelles", "nb_personnes_14_plus", "nb_enfants_moins_14", "dalo",
    "prioritaire", "relogement", "mutation",
]  # fmt: skip

# share of the flow of freed dwellings per reservation holder (roughly the usual split)
POIDS_RESERVATAIRES = [
    (("ETAT", ""), 22),
    (("ETAT_AGENTS", ""), 3),
    (("ACTION_LOGEMENT", ""), 30),
    (("COMMUNE", "38185"), 8),
    (("COMMUNE", "38151"), 4),
    (("EPCI", "200040715"), 5),
    (("DEPARTEMENT", "38"), 3),
    (("BAILLEUR", ""), 25),
]
TYPOLOGIES = [("T1", 8), ("T2", 24), ("T3", 36), ("T4", 23), ("T5", 7), ("T6", 2)]


def _choix(rnd: random.Random, pondere):
    return rnd.choices([v for v, _ in pondere], weights=[w for _, w in pondere])[0]


def _menage(rnd: random.Random, typologie: str) -> tuple[int, int]:
    pieces = int(typologie[1])
    adultes = 1 if rnd.random() < 0.55 or pieces == 1 else 2
    enfants = max(0, min(6, pieces - adultes + rnd.choice([-1, 0, 0, 1])))
    ados = sum(1 for _ in range(enfants) if rnd.random() < 0.3)
    return adultes + ados, enfants - ados


def _ressources(rnd: random.Random, n14: int, nm14: int, seuil: Decimal, *, modeste: bool) -> Decimal:
    """Monthly resources drawn around the threshold; ``modeste`` households are more often below it."""
    uc = rules.unites_consommation(n14, nm14)
    centre = float(seuil) * (0.85 if modeste else 1.75)
    par_uc = max(0.0, rnd.lognormvariate(0, 0.4) * centre)
    if rnd.random() < 0.01:  # a few households exactly at the threshold
        par_uc = float(seuil)
    return (Decimal(str(par_uc)) * uc / 12).quantize(Decimal("0.01"))


def generer_lignes(territory) -> dict[int, list[dict]]:
    rnd = territory.random("attributions")
    epci = territory.epci
    communes = sorted(territory.communes.values(), key=lambda c: c.code_insee)
    poids_communes = [max(1, (c.population or 1000) // 1000) for c in communes]
    qpv_par_commune: dict[str, list[str]] = {}
    for qpv in (
        Qpv.objects.filter(Q(epci=epci) | Q(communes__in=communes), carte="2024")
        .distinct()
        .prefetch_related("communes")
    ):
        for commune in qpv.communes.all():
            qpv_par_commune.setdefault(commune.code_insee, []).append(qpv.code)
    bailleurs = sorted(territory.bailleurs, key=lambda b: b.siren)
    logements = []
    for i in range(NB_LOGEMENTS):
        commune = rnd.choices(communes, weights=poids_communes)[0]
        codes = qpv_par_commune.get(commune.code_insee, [])
        qpv = rnd.choice(codes) if codes and rnd.random() < 0.45 else ""
        logements.append(
            {
                "logement_id": f"DEMO-{i + 1:05d}",
                "bailleur_siren": rnd.choice(bailleurs).siren,
                "commune_insee": commune.code_insee,
                "qpv_code": qpv,
                "typologie": _choix(rnd, TYPOLOGIES),
            }
        )
    seuils = {s.annee: s.seuil_q1 for s in epci.seuils.all()}
    numero = 0
    par_annee: dict[int, list[dict]] = {a: [] for a in ANNEES}
    for annee in ANNEES:
        seuil = seuils.get(annee) or seuils[max(seuils)]
        debut = dt.date(annee, 1, 5)
        fin = min(dt.date(annee, 12, 20), FIN_DONNEES)
        jours = (fin - debut).days
        nb = int(VACANCES_PAR_AN * jours / 349)
        for _ in range(nb):
            logement = rnd.choice(logements)
            date_decision = debut + dt.timedelta(days=rnd.randrange(jours))
            date_decision -= dt.timedelta(days=date_decision.weekday() % 5)  # commissions sit on weekdays
            rtype, rid = _choix(rnd, POIDS_RESERVATAIRES)
            if rtype == "BAILLEUR":
                rid = logement["bailleur_siren"]
            etat = rtype in ("ETAT", "ETAT_AGENTS")
            en_qpv = bool(logement["qpv_code"])
            tirage = rnd.random()
            nb_candidats = 3 if tirage < 0.35 else 1
            type_unique = "ATTRIBUTION_CONDITION" if tirage > 0.93 else "ATTRIBUTION"
            signataire = 0
            if nb_candidats == 3 and rnd.random() < 0.25:
                signataire = 1  # the first refused, the second signs
            sans_suite = rnd.random() < 0.06 or date_decision > FIN_DONNEES - dt.timedelta(days=30)
            for rang in range(nb_candidats):
                numero += 1
                n14, nm14 = _menage(rnd, logement["typologie"])
                modeste = (etat and rnd.random() < 0.6) or rnd.random() < (0.4 if en_qpv else 0.12)
                dalo = rtype == "ETAT" and rnd.random() < 0.35 or rnd.random() < 0.03
                prioritaire = dalo or (rnd.random() < (0.85 if etat else 0.22))
                relogement = ""
                if en_qpv is False and rnd.random() < 0.03:
                    relogement = "ANRU"
                elif rnd.random() < 0.01:
                    relogement = rnd.choice(["ORCOD", "LHI"])
                date_bail = ""
                if rang == signataire and not sans_suite:
                    date_bail = (date_decision + dt.timedelta(days=rnd.randrange(10, 60))).isoformat()
                depot = date_decision - dt.timedelta(days=rnd.randrange(60, 1600))
                par_annee[annee].append(
                    {
                        **logement,
                        "numero_unique": f"038{depot.year % 100:02d}{numero:08d}",
                        "date_depot": depot.isoformat(),
                        "date_decision": date_decision.isoformat(),
                        "type_decision": "ATTRIBUTION_RANG" if nb_candidats == 3 else type_unique,
                        "rang": str(rang + 1) if nb_candidats == 3 else "",
                        "date_bail": date_bail,
                        "epci_siren": epci.siren,
                        "reservataire_type": rtype,
                        "reservataire_id": rid if rtype in ("COMMUNE", "EPCI", "DEPARTEMENT", "AUTRE") else "",
                        "ressources_mensuelles": str(_ressources(rnd, n14, nm14, seuil, modeste=modeste)),
                        "nb_personnes_14_plus": str(n14),
                        "nb_enfants_moins_14": str(nm14),
                        "dalo": "1" if dalo else "0",
                        "prioritaire": "1" if prioritaire else "0",
                        "relogement": relogement,
                        "mutation": "1" if rnd.random() < 0.24 else "0",
                    }
                )
            if rnd.random() < 0.04:
                numero += 1
                n14, nm14 = _menage(rnd, logement["typologie"])
                par_annee[annee].append(
                    {
                        **logement,
                        "numero_unique": f"038{(annee - 2) % 100:02d}{numero:08d}",
                        "date_depot": dt.date(annee - 2, 3, 1).isoformat(),
                        "date_decision": date_decision.isoformat(),
                        "type_decision": rnd.choice(["NON_ATTRIBUTION", "IRRECEVABILITE"]),
                        "rang": "",
                        "date_bail": "",
                        "epci_siren": epci.siren,
                        "reservataire_type": rtype,
                        "reservataire_id": rid if rtype in ("COMMUNE", "EPCI", "DEPARTEMENT", "AUTRE") else "",
                        "ressources_mensuelles": "4200.00",
                        "nb_personnes_14_plus": str(n14),
                        "nb_enfants_moins_14": str(nm14),
                        "dalo": "0",
                        "prioritaire": "0",
                        "relogement": "",
                        "mutation": "0",
                    }
                )
    return par_annee


def fichier(lignes: list[dict]) -> bytes:
    out = [";".join(COLONNES)] + [";".join(ligne[c] for c in COLONNES) for ligne in lignes]
    return ("\n".join(out) + "\n").encode("utf-8")


def seed(territory, *, stdout=None):
    """Import three years of demo decisions (a few thousand a year) through the F1 import, then place the
    dwellings in the neighbourhoods."""
    for annee, lignes in generer_lignes(territory).items():
        rapport = import_attributions(contenu=fichier(lignes), nom_fichier=f"demo_attributions_{annee}.csv")
        if stdout is not None:
            stdout.write(
                f"Attributions {annee} : {rapport.nb_lignes} décisions ({rapport.nb_creees} créées, "
                f"{rapport.nb_inchangees} inchangées)."
            )
    rattacher_quartiers(territory)


def rattacher_quartiers(territory) -> None:
    """The neighbourhood index needs dwellings in each neighbourhood: those in a QPV go to its neighbourhood (the
    import already did it); a watch neighbourhood gets one in three of its commune's dwellings outside QPV, the
    first by identifier. Idempotent: a neighbourhood that has dwellings is left as it is."""
    epci = territory.epci
    rattacher_logements_aux_quartiers(epci_ids=[epci.pk])
    for quartier in Quartier.objects.filter(epci=epci, type=Quartier.Type.VEILLE).order_by("pk"):
        if Logement.objects.filter(quartier=quartier).exists():
            continue
        ids = list(
            Logement.objects.filter(epci=epci, commune=quartier.commune, qpv=None, quartier=None)
            .order_by("identifiant")
            .values_list("pk", flat=True)
        )
        Logement.objects.filter(pk__in=ids[::3]).update(quartier=quartier)
