"""The territory's public pages under load: anonymous visitors against gunicorn, beside the bare view.

Usage: python -m bench.charge_public [--utilisateurs 20] [--duree 60]

The first territory of the 1,000,000-demand database (Grenoble-Alpes-Métropole, about a third of the demands:
more than the 250,000 active demands of a Paris-size territory) gets its public figures computed as the
nightly job computes them (``public.services.calculer_chiffres`` for yesterday and for the last month's end,
each timed: that is the job's cost, paid once a night, never in a request). Then gunicorn (as deployed, as
``bench.charge``) serves the public pages to visitors without any cookie who open the entrance, the waiting
times of a commune, the reception points, the scoring, the priorities, how to apply, the open data and its
monthly CSV, and the follow-up's identification form, with 0.5-2 s of reading between clicks; the bare view
is part of the same mix (its p95 is the floor). Target (issue 15): p95 under 100 ms for every public page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bench.common import configuration_gunicorn, setup_django, write


def preparer() -> dict:
    """Compute the stored figures the pages read; return what the visitors need and what the job cost."""
    from django.utils import timezone

    from bench import territoire
    from cil.models import Epci
    from demandes.models import Demande, Statut
    from public import selectors, services

    epci = Epci.objects.get(siren=territoire.EPCI)
    slug = selectors.slug_de(epci)
    hier = timezone.localdate() - dt.timedelta(days=1)
    fin_mois = hier if selectors.est_fin_de_mois(hier) else services.fin_du_mois_precedent(hier)
    durees = {}
    for jour in sorted({hier, fin_mois}):
        debut = time.perf_counter()
        chiffres = services.calculer_chiffres(epci, jour)
        durees[jour.isoformat()] = round(time.perf_counter() - debut, 2)
    communes = sorted({li["code_geo"] for li in chiffres.lignes if li["niveau"] == "commune"})
    return {
        "donnees": {"slug": slug, "communes": communes, "mois": fin_mois.strftime("%Y-%m")},
        "epci": epci.nom,
        "demandes_en_cours": Demande.objects.filter(epci=epci).exclude(statut=Statut.RADIEE).count(),
        "communes": len(communes),
        "lignes_du_tableau_publie": len(chiffres.lignes),
        "calcul_nocturne_s": durees,
    }


def mesurer(utilisateurs: int = 20, duree: int = 60) -> dict:
    from bench.charge import SERVEUR, lancer_charge, synthese

    prep = preparer()
    d = prep["donnees"]
    base = f"/territoires/{d['slug']}"
    echauffement = [
        (url, {})
        for url in [
            "/bench/nu/",
            f"{base}/",
            f"{base}/delais-et-chiffres/",
            f"{base}/delais-et-chiffres/{d['communes'][0]}/",
            f"{base}/lieux-d-accueil/",
            f"{base}/cotation/",
            f"{base}/publics-prioritaires/",
            f"{base}/faire-une-demande/",
            f"{base}/donnees-ouvertes/",
            f"{base}/suivre-ma-demande/",
            f"{base}/donnees-ouvertes/chiffres-{d['mois']}.csv",
        ]  # fmt: skip
    ]
    tir = lancer_charge(d, echauffement, ["VisiteurPublic"], utilisateurs, duree)
    return {
        **{k: v for k, v in prep.items() if k != "donnees"},
        "utilisateurs": utilisateurs,
        "duree_s": duree,
        **configuration_gunicorn(),
        "serveur": SERVEUR,
        "charge_avant_apres": tir["charge_avant_apres"],
        "cpu_s": tir["cpu_s"],
        "par_page": tir["par_page"],
        "pages_publiques": synthese(tir["par_page"]),
        "cible_p95_ms": 100,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--utilisateurs", type=int, default=20)
    parser.add_argument("--duree", type=int, default=60)
    args = parser.parse_args(argv)
    from bench import territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    result = mesurer(args.utilisateurs, args.duree)
    write("charge_public", result)
    print(f"{result['demandes_en_cours']:,} demandes en cours ; calcul nocturne : {result['calcul_nocturne_s']}")
    for nom, r in result["par_page"].items():
        print(
            f"{nom:28} {r['requetes']:6} requêtes, {r['echecs']} échecs, p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms, {r['req_par_s']} req/s"
        )
    print(f"CPU : {result['cpu_s']}")
    return result


if __name__ == "__main__":
    main()
