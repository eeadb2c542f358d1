"""The observatory at scale: its nightly computations, then its pages served from the stored figures.

Usage: python -m bench.observatoire [--repetitions 20]

On the 1,000,000-demand, 1,000,000-decision database (bench/territoire.py): the nightly indicators of the first
territory for 2025 (``observatoire.services.calculer_indicateurs``, timed once: paid at night, never in a
request), then EPCI staff's pages through Django's whole stack (test client, a verified second factor as
production requires), each beside the bare view in the same run: the indicators' home and table, the maps
(pressure and waiting time read from the stored figures, objective A from the snapshot), the State's table;
not the neighbourhood reference (the generated territory has none). The objectives' nightly snapshot is taken
first, as the night does: the maps read objective A per commune from it. The State's table is measured three ways:
on the nightly figures' day (read from the store written by ``calculer_indicateurs``), on another day (counted
in the request), and as a CIL member reads it (the stored table, masked). Target (issue 16): pages under 200 ms
at the 95th percentile.
"""

from __future__ import annotations

import argparse
import time

from bench.common import client_connecte, setup_django, summary, write

ANNEE = 2025


def mesurer(repetitions: int = 20) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attributions.services import enregistrer_instantane
    from bench import territoire
    from cil.models import Epci
    from observatoire.services import calculer_indicateurs

    epci = Epci.objects.get(siren=territoire.EPCI)
    debut = time.perf_counter()
    calcul = calculer_indicateurs(epci, ANNEE)  # the indicators and the State's table, stored
    calcul_s = round(time.perf_counter() - debut, 1)
    from django.utils import timezone

    from observatoire import etat

    debut = time.perf_counter()
    stock = etat.stocker(epci, ANNEE, calcul.date_reference, timezone.localdate())  # its share of the night
    etat_s = round(time.perf_counter() - debut, 2)
    membre = _membre_cil(epci)
    debut = time.perf_counter()
    enregistrer_instantane(epci=epci, annee=ANNEE, declencheur="NUIT")  # the objectives' nightly snapshot
    instantane_s = round(time.perf_counter() - debut, 1)
    from observatoire.models import IndicateurTerritoire

    figures = IndicateurTerritoire.objects.filter(calcul=calcul).count()

    pages = {
        "vue_nue": "/bench/nu/",
        "indicateurs_accueil": "/observatoire/",
        "indicateurs_tableau": f"/observatoire/indicateurs/{epci.siren}/{ANNEE}/",
        "cartes": f"/observatoire/cartes/?epci={epci.siren}&annee={ANNEE}",
        # the State's table on the nightly figures' day (31 December of a past year): read from the store
        "tableau_etat": f"/observatoire/etat/?epci={epci.siren}&annee={ANNEE}",
        # another day of the year: counted in the request (two aggregates over the year's decisions)
        "tableau_etat_autre_jour": f"/observatoire/etat/?epci={epci.siren}&annee={ANNEE}&jour={ANNEE}-06-30",
        # the same, each time rendered anew (the kept rendering emptied before each request: the first reader
        # after a computation, per web worker)
        "tableau_etat_premier_rendu": f"/observatoire/etat/?epci={epci.siren}&annee={ANNEE}",
        # a CIL member: the stored table with its masked cells (statistical secrecy)
        "tableau_etat_membre_cil": f"/observatoire/etat/?epci={epci.siren}&annee={ANNEE}",
        # (the neighbourhood reference is not measured: the generated territory has no neighbourhood)
    }
    clients = {"tableau_etat_membre_cil": client_connecte(membre.username)}
    resultats = {}
    for nom, url in pages.items():
        client = clients.get(nom, client_connecte("bench-epci"))
        reponse = client.get(url)  # warm-up: templates, caches
        durees = []
        for _ in range(repetitions):
            if nom.endswith("premier_rendu"):
                cache.clear()
            with CaptureQueriesContext(connection) as requetes:
                t = time.perf_counter()
                reponse = client.get(url)
                durees.append((time.perf_counter() - t) * 1000)
        lente = max(requetes.captured_queries, key=lambda q: float(q["time"]), default=None)
        resultats[nom] = {
            "url": url,
            "statut_http": reponse.status_code,
            **{k: round(v, 1) for k, v in summary(durees).items() if k != "n"},
            "requetes_sql": len(requetes.captured_queries),
            "requete_la_plus_lente_ms": round(float(lente["time"]) * 1000, 1) if lente else 0,
            "requete_la_plus_lente": lente["sql"][:300] if lente else "",
        }
    nu = resultats["vue_nue"]["p95"] or 1
    for r in resultats.values():
        r["ratio_p95_sur_vue_nue"] = round(r["p95"] / nu, 1)
    return {
        "annee": ANNEE,
        "epci": epci.nom,
        "calcul_nocturne_des_indicateurs_s": calcul_s,
        "instantane_nocturne_des_objectifs_s": instantane_s,
        "figures_stockees": figures,
        "tableau_etat_dans_le_calcul_nocturne_s": etat_s,
        "tableau_etat_lignes_stockees": len(stock.get("lignes", [])),
        "tableau_etat_cellules_masquees": len(stock.get("masques", [])),
        "repetitions": repetitions,
        "pages": resultats,
        "cible_p95_ms": 200,
    }


def _membre_cil(epci):
    """A CIL member of the territory (reads the State's table masked), created once like bench-epci."""
    from cil.models import Membership
    from core.models import User
    from core.roles import Role

    user, _ = User.objects.get_or_create(username="bench-membre-cil")
    Membership.objects.get_or_create(user=user, role=Role.MEMBRE_CIL, epci=epci)
    return user


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--repetitions", type=int, default=20)
    args = parser.parse_args(argv)
    from bench import territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    result = mesurer(args.repetitions)
    write("observatoire", result)
    print(f"Calcul nocturne des indicateurs {ANNEE} : {result['calcul_nocturne_des_indicateurs_s']} s")
    print(f"  dont le tableau de l'État : {result['tableau_etat_dans_le_calcul_nocturne_s']} s")
    for nom, r in result["pages"].items():
        print(
            f"{nom:22} HTTP {r['statut_http']}  médiane {r['median']} ms  p95 {r['p95']} ms  "
            f"{r['requetes_sql']} requêtes, la plus lente {r['requete_la_plus_lente_ms']} ms"
        )
    return result


if __name__ == "__main__":
    main()
