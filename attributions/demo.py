"""Demo allocations: three years of commission decisions on the demo territory, imported as F1 files, and the
landlords' stock files of the dwellings they concern.

They go through the real imports (``importer_logements``, then ``import_attributions``), so the demo exercises
the same path as a territory loading its extracts. Deterministic: the same files every time, so a second run
changes nothing.

Calibrated on published orders of magnitude (docs/tableau_etat.md): about 20 % of the allocations go to priority
households (DALO or L. 441-1), a few percent to DALO households, about 17 % to first-quartile households; some
to households leaving accommodation or homeless. The 2024 extract is an older one, without the household's
situation (the optional F1 columns): the State's table shows those situations as unknown.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Q

from cil.models import Bailleur, Qpv, Quartier

from . import rules
from .models import Logement
from .services import import_attributions, rattacher_logements_aux_quartiers
from .vacances.stock import importer_logements

ANNEES = (2024, 2025, 2026)
FIN_DONNEES = dt.date(2026, 10, 31)  # the demo's last commission date (fixed, for determinism)
VACANCES_PAR_AN = 2200
NB_LOGEMENTS = 5200

COLONNES = [
    "numero_unique", "date_depot", "date_decision", "type_decision", "rang", "date_bail", "logement_id",
    "bailleur_siren", "commune_insee", "epci_siren", "qpv_code", "typologie", "reservataire_type",
    "reservataire_id", "ressources_mensuelles", "nb_personnes_14_plus", "nb_enfants_moins_14", "dalo",
    "prioritaire", "relogement", "mutation", "sortant_hebergement", "sans_abri",
]  # fmt: skip
# The 2024 extract predates the optional columns of the household's situation.
SANS_SITUATION = frozenset({2024})
COLONNES_STOCK = [
    "identifiant", "commune_insee", "typologie", "adresse", "qpv_code", "surface", "financement", "loyer",
    "date_premiere_location", "accessible_pmr",
]  # fmt: skip
VOIES = [
    "rue Jean Jaurès", "avenue de la République", "rue des Alpes", "allée des Tilleuls", "rue Paul Éluard",
    "boulevard Joseph Vallier", "rue du Drac", "place du Marché", "rue Pierre Sémard", "avenue Marcelin Berthelot",
    "rue de la Liberté", "chemin des Vignes", "rue Aristide Bergès", "avenue du Vercors", "rue des Écoles",
]  # fmt: skip
SURFACES = {"T1": 31, "T2": 48, "T3": 66, "T4": 81, "T5": 96, "T6": 112}  # m², RPLS orders of magnitude
# monthly rent per m² of living area by financing (orders of magnitude of the RPLS rents)
LOYERS_M2 = {"PLAI": Decimal("5.60"), "PLUS": Decimal("6.40"), "PLS": Decimal("9.10")}
FINANCEMENTS = [("PLAI", 22), ("PLUS", 66), ("PLS", 12)]

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


def _ressources(rnd: random.Random, n14: int, nm14: int, seuil: Decimal, *, premier_quartile: bool) -> Decimal:
    """Monthly resources of a first-quartile household (at most the threshold per UC) or of another one."""
    uc = rules.unites_consommation(n14, nm14)
    if premier_quartile:
        par_uc = float(seuil) * rnd.uniform(0.35, 0.97)
        if rnd.random() < 0.05:  # a few households exactly at the threshold (first quartile: <=)
            par_uc = float(seuil)
    else:
        par_uc = float(seuil) * (1.03 + rnd.lognormvariate(0, 0.5) * 0.8)
    # rounded down to the cent: a household drawn at the threshold stays within it
    return (Decimal(str(par_uc)) * uc / 12).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def _situation(annee: int, sortant: bool, sans_abri: bool) -> dict[str, str]:
    if annee in SANS_SITUATION:
        return {"sortant_hebergement": "", "sans_abri": ""}
    return {"sortant_hebergement": "1" if sortant else "0", "sans_abri": "1" if sans_abri else "0"}


def generer_lignes(territory) -> dict[int, list[dict]]:
    """The F1 rows of each demo year."""
    return _generer(territory)[1]


def _generer(territory) -> tuple[list[dict], dict[int, list[dict]]]:
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
                # the State's contingent goes mostly to priority households (DALO among them), the others rarely
                dalo = rnd.random() < (0.12 if rtype == "ETAT" else 0.005)
                prioritaire = dalo or rnd.random() < (0.50 if etat else 0.085)
                # first quartile: more often in QPV and among priority households (about 17 % overall)
                premier_quartile = rnd.random() < (0.27 if en_qpv else 0.115) + (0.12 if prioritaire else 0)
                mutation = rnd.random() < 0.24
                situation = rnd.random()
                sans_abri = not mutation and situation < (0.08 if prioritaire else 0.005)
                sortant = not mutation and not sans_abri and situation < (0.33 if prioritaire else 0.035)
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
                        "ressources_mensuelles": str(
                            _ressources(rnd, n14, nm14, seuil, premier_quartile=premier_quartile)
                        ),
                        "nb_personnes_14_plus": str(n14),
                        "nb_enfants_moins_14": str(nm14),
                        "dalo": "1" if dalo else "0",
                        "prioritaire": "1" if prioritaire else "0",
                        "relogement": relogement,
                        "mutation": "1" if mutation else "0",
                        **_situation(annee, sortant, sans_abri),
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
                        **_situation(annee, False, False),
                    }
                )
    return logements, par_annee


def fichier(lignes: list[dict], colonnes=COLONNES) -> bytes:
    out = [";".join(colonnes)] + [";".join(ligne[c] for c in colonnes) for ligne in lignes]
    return ("\n".join(out) + "\n").encode("utf-8")


def lignes_stock(territory, logements: list[dict]) -> list[dict]:
    """The dwellings' details as their landlords' stock files hold them (RPLS): address, living area, financing,
    rent, first letting; dwellings in QPV are older and more often PLUS."""
    rnd = territory.random("logements")
    noms = {c.code_insee: c.nom for c in territory.communes.values()}
    lignes = []
    for logement in logements:
        en_qpv = bool(logement["qpv_code"])
        typologie = logement["typologie"]
        financement = "PLUS" if en_qpv and rnd.random() < 0.6 else _choix(rnd, FINANCEMENTS)
        surface = Decimal(SURFACES[typologie] + rnd.randint(-6, 8))
        premiere = rnd.randint(1962, 1988) if en_qpv else rnd.randint(1970, 2024)
        lignes.append(
            {
                "identifiant": logement["logement_id"],
                "commune_insee": logement["commune_insee"],
                "typologie": typologie,
                "adresse": f"{rnd.randint(1, 140)} {rnd.choice(VOIES)}, {noms.get(logement['commune_insee'], '')}",
                "qpv_code": logement["qpv_code"],
                "surface": str(surface),
                "financement": financement,
                "loyer": str((surface * LOYERS_M2[financement]).quantize(Decimal("0.01"))),
                "date_premiere_location": f"{premiere}-{rnd.randint(1, 12):02d}-01",
                "accessible_pmr": "1" if premiere >= 2007 or rnd.random() < 0.05 else "0",
            }
        )
    return lignes


def seed(territory, *, stdout=None):
    """Import the landlords' stock of the demo dwellings, then three years of demo decisions (a few thousand a
    year) through the F1 import, then place the dwellings in the neighbourhoods."""
    logements, par_annee = _generer(territory)
    stock = lignes_stock(territory, logements)
    par_bailleur: dict[str, list[dict]] = {}
    for logement, ligne in zip(logements, stock, strict=True):
        par_bailleur.setdefault(logement["bailleur_siren"], []).append(ligne)
    for siren, lignes in sorted(par_bailleur.items()):
        rapport_stock = importer_logements(
            contenu=fichier(lignes, COLONNES_STOCK), bailleur=Bailleur.objects.get(siren=siren)
        )
        if stdout is not None:
            stdout.write(
                f"Patrimoine {siren} : {rapport_stock.nb_lignes} logements ({rapport_stock.nb_crees} nouveaux, "
                f"{rapport_stock.nb_modifies} mis à jour)."
            )
    for annee, lignes in par_annee.items():
        colonnes = [c for c in COLONNES if annee not in SANS_SITUATION or c not in ("sortant_hebergement", "sans_abri")]
        rapport = import_attributions(contenu=fichier(lignes, colonnes), nom_fichier=f"demo_attributions_{annee}.csv")
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
