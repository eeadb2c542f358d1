"""The real mix of a working day under load: 50 users of every role against gunicorn as deployed.

Usage: python -m bench.charge_mixte [--base grande|demo] [--utilisateurs 50] [--duree 120]

``--base demo``: the same mix on the demonstration data (what ``manage.py seed_demo`` creates: 3,000 demands,
three years of decisions) in its own PostgreSQL database ``cil_bench_demo``, created, migrated, loaded with
``import_referentiels`` and ``seed_demo`` on the first run (``--refaire`` builds it again); the landlord's and
holder's staff are then those of the demo accounts ``bailleur`` and ``reservataire``. The issue's acceptance
test runs on these data.

On the 1,000,000-demand database (the first territory holds 313,726 demands in force), locust plays, in
the proportions of a working day, reception-desk agents (search, a demand's file, registration, the
scheduled jobs' page, the network's page), EPCI staff (objectives dashboard, objectives API, the list behind
a figure, balance sheets), a landlord's staff (its allocations, dwellings, vacancies, commission sessions),
a reservation holder's staff (its share of the objectives, its vacancies) and anonymous visitors of the
public pages; with the bare view inside the same mix as the floor. gunicorn runs from
config/gunicorn.conf.py (threaded workers: 2 processes per core, 2 threads each). Targets (issue 19): p95 under 300 ms
for every staff page, under 100 ms for every public page, no error. The load generator runs on the same two
cores: its own CPU time is reported beside the server's, so the figure is read honestly.
"""

from __future__ import annotations

import argparse
import time

from bench.common import client_connecte, configuration_gunicorn, setup_django, write

ANNEE = 2025


def _sessions(username: str, n: int) -> list[str]:
    return [client_connecte(username).cookies["sessionid"].value for _ in range(n)]


DEMO_DB = "cil_bench_demo"


def preparer_demo(refaire: bool = False) -> None:
    """The demonstration data in ``cil_bench_demo`` (already migrated by setup_django): the reference data and
    ``seed_demo`` in a subprocess with the development settings (seed_demo runs only with DEBUG on: its accounts'
    passwords are public), once; then the bench's own accounts beside the demo's."""
    import os
    import subprocess
    import sys

    from bench.common import ROOT
    from bench.demandes_search import territoires
    from cil.models import Epci, Membership
    from core.models import User
    from core.roles import Role

    if refaire or not User.objects.filter(username="epci").exists():
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
        env.pop("REDIS_URL", None)
        for commande in (["import_referentiels"], ["seed_demo"]):
            subprocess.run([sys.executable, str(ROOT / "manage.py"), *commande], env=env, cwd=ROOT, check=True)
    territoires()  # the reception agent "bench.agent" and the three territories' reception points
    epci = Epci.objects.get(siren="200040715")
    user, _ = User.objects.get_or_create(username="bench-epci")
    Membership.objects.get_or_create(user=user, role=Role.EPCI, epci=epci)


def _utilisateurs_des_organisations(base: str = "grande") -> None:
    """A landlord's and a holder's staff on the territory (idempotent): on the big database the bench's landlord
    and the city of Grenoble's reservations; on the demo data, those of the demo accounts."""
    from bench import territoire
    from cil.models import Bailleur, Epci, Membership, Reservataire
    from core.models import User
    from core.roles import Role

    epci = Epci.objects.get(siren=territoire.EPCI)
    if base == "demo":
        bailleur = Membership.objects.filter(user__username="bailleur", bailleur__isnull=False).first().bailleur
        reservataire = (
            Membership.objects.filter(user__username="reservataire", reservataire__isnull=False).first().reservataire
        )
    else:
        bailleur = Bailleur.objects.get(siren="999900100")
        reservataire = Reservataire.objects.get(type="COMMUNE", code="38185")
    for username, role, orga in [
        ("bench.bailleur", Role.BAILLEUR, {"bailleur": bailleur}),
        ("bench.reservataire", Role.RESERVATAIRE, {"reservataire": reservataire}),
    ]:
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, role=role, epci=epci, **orga)


def mesurer(utilisateurs: int = 50, duree: int = 120, base: str = "grande") -> dict:
    from bench import territoire
    from bench.charge import SERVEUR, _donnees, lancer_charge, synthese
    from bench.charge_public import preparer

    _utilisateurs_des_organisations(base)
    public = preparer()
    # the reception points' nightly figures, as the 01:45 job leaves them (the network's page reads them)
    from demandes.services import calculer_activite_guichets

    debut = time.perf_counter()
    activite = calculer_activite_guichets()
    activite_s = round(time.perf_counter() - debut, 2)
    donnees = {
        **_donnees(utilisateurs),
        **public["donnees"],
        "sessions_epci": _sessions("bench-epci", 5),
        "sessions_bailleur": _sessions("bench.bailleur", 5),
        "sessions_reservataire": _sessions("bench.reservataire", 5),
        "siren": territoire.EPCI,
        "annee": ANNEE,
    }
    agent = {"Cookie": f"sessionid={donnees['sessions'][0]}"}
    epci = {"Cookie": f"sessionid={donnees['sessions_epci'][0]}"}
    bailleur = {"Cookie": f"sessionid={donnees['sessions_bailleur'][0]}"}
    echauffement = [
        ("/bench/nu/", {}), ("/demandes/?q=mar", agent), ("/demandes/nouvelle/", agent),
        ("/demandes/traitements/", agent), ("/demandes/reseau/", agent),
        (f"/objectifs/?epci={territoire.EPCI}&annee={ANNEE}", epci),
        (f"/api/objectifs/?epci={territoire.EPCI}&annee={ANNEE}", epci),
        ("/vacances/", bailleur), ("/logements/", bailleur), (f"/territoires/{public['donnees']['slug']}/", {}),
    ]  # fmt: skip
    classes = ["AgentDuReseau", "AgentEpci", "AgentBailleur", "AgentReservataire", "Visiteur"]
    tir = lancer_charge(donnees, echauffement, classes, utilisateurs, duree)
    stats = tir["par_page"]
    publiques = {k: v for k, v in stats.items() if k.startswith("public_")}
    personnel = {k: v for k, v in stats.items() if k not in publiques and k not in ("vue_nue", "Aggregated")}
    return {
        "base": base,
        "utilisateurs": utilisateurs,
        "duree_s": duree,
        **configuration_gunicorn(),
        "serveur": SERVEUR,
        "demandes_en_cours": public["demandes_en_cours"],
        "activite_guichets_nuit": {"lignes": activite["lignes"], "duree_s": activite_s},
        "charge_avant_apres": tir["charge_avant_apres"],
        "cpu_s": tir["cpu_s"],
        "par_page": stats,
        "pages_du_personnel": synthese(personnel, ()),
        "pages_publiques": synthese(publiques, ()),
        "cibles_p95_ms": {"personnel": 300, "public": 100},
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", choices=("grande", "demo"), default="grande")
    parser.add_argument("--refaire", action="store_true", help="--base demo : reconstruire la base de démonstration")
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--utilisateurs", type=int, default=50)
    parser.add_argument("--duree", type=int, default=120)
    args = parser.parse_args(argv)
    from bench import territoire

    if args.base == "demo":
        if args.refaire:
            import psycopg

            with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DEMO_DB}"')
        setup_django(DEMO_DB)
        preparer_demo(args.refaire)
    else:
        setup_django(territoire.BIG_DB)
        territoire.assurer(args.echelle)
    result = mesurer(args.utilisateurs, args.duree, args.base)
    write("charge_mixte_demo" if args.base == "demo" else "charge_mixte", result)
    for nom, r in result["par_page"].items():
        print(
            f"{nom:28} {r['requetes']:6} requêtes, {r['echecs']} échecs, p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms, {r['req_par_s']} req/s"
        )
    print(f"CPU : {result['cpu_s']}")
    return result


if __name__ == "__main__":
    main()
