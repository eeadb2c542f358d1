"""Benchmark of the reception desk's search on 1,000,000 demands (PostgreSQL). Not part of the test suite.

    .venv/bin/python bench/demandes_search.py            # 1,000,000 demands, 200 searches
    .venv/bin/python bench/demandes_search.py --n 100000 --queries 100

Generates the demands in SQL (INSERT ... SELECT over generate_series, no ORM row by row) in a dedicated
database (BENCH_DEMANDES_DATABASE, default ``cil_bench_demandes``), then times ~200 searches of the kinds
agents type (name prefix, "name first-name", registration number, birth date with or without a name) as an
agent of one territory, at two levels: the selector (SQL through the ORM) and the whole page (Django test
client: session, scoping, template). Writes p50/p95 to bench/results/demandes_search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "demandes_search.json"
DATABASE = os.environ.get("BENCH_DEMANDES_DATABASE", "cil_bench_demandes")

NOMS = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martínez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "López",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sánchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Paris",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carré",
    "Charles",
    "Renault",
    "Charpentier",
    "Ménard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Hervé",
    "Schneider",
    "Fernández",
    "Le Gall",
    "Collet",
    "Léger",
    "Bouvier",
    "Julien",
    "Prévost",
    "Millet",
    "Perrot",
    "Daniel",
    "Le Roux",
    "Cousin",
    "Germain",
    "Breton",
    "Besson",
    "Langlois",
    "Rémy",
    "Le Goff",
    "Pelletier",
    "Lévêque",
    "Perrier",
    "Leblanc",
    "Barré",
    "Lebrun",
    "Marchal",
    "Weber",
    "Mallet",
    "Hamon",
    "Boulanger",
    "Jacob",
    "Monnier",
    "Michaud",
    "Rodríguez",
    "Guichard",
    "Gillet",
    "Étienne",
    "Grondin",
    "Poulain",
    "Tessier",
    "Chevallier",
    "Collin",
    "Chauvin",
    "Da Silva",
    "Bouchet",
    "Gay",
    "Lemaître",
    "Bénard",
    "Maréchal",
    "Humbert",
    "Reynaud",
    "Antoine",
    "Hoarau",
    "Perret",
    "Barthélemy",
    "Cordier",
    "Pichon",
    "Lejeune",
    "Gilbert",
    "Lamy",
    "Delaunay",
    "Pasquier",
    "Carlier",
    "Laporte",
    "Benali",
    "Haddad",
    "Traoré",
    "Diallo",
    "N'Diaye",
    "Nguyen",
    "Ben Ahmed",
    "Mansouri",
    "Cissé",
    "Kone",
    "Keita",
    "Camara",
    "Bensaïd",
    "Amrani",
    "Yilmaz",
]
SYLLABES = [
    *(
        [
            "ba",
            "be",
            "bo",
            "bou",
            "ca",
            "ce",
            "ci",
            "co",
            "cha",
            "che",
            "da",
            "de",
            "di",
            "do",
            "dou",
            "fa",
            "fe",
            "fo",
            "ga",
            "ge",
            "go",
            "la",
            "le",
            "li",
            "lo",
            "lou",
            "ma",
            "me",
        ]
    ),
    *(
        [
            "mi",
            "mo",
            "mou",
            "na",
            "ne",
            "ni",
            "no",
            "pa",
            "pe",
            "po",
            "ra",
            "re",
            "ri",
            "ro",
            "sa",
            "se",
            "so",
            "ta",
            "te",
            "ti",
            "to",
            "va",
            "ve",
            "vi",
            "vo",
        ]
    ),
]
PRENOMS = [
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Anne",
    "Christine",
    "Monique",
    "Nicolas",
    "Julien",
    "Thomas",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Emma",
    "Louise",
    "Jade",
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Théo",
    "Mohamed",
    "Yanis",
    "Adam",
    "Sarah",
    "Amina",
    "Fatima",
    "Karim",
    "Rachid",
    "Sofiane",
    "Aïcha",
    "Éloïse",
    "Zoé",
    "Noémie",
    "Océane",
    "Maëlle",
    "Gaëlle",
    "Hélène",
    "Jérôme",
    "Frédéric",
    "Stéphane",
    "Sébastien",
    "Cédric",
    "Aurélie",
    "Céline",
    "Mélanie",
    "Émilie",
    "Amélie",
    "Loïc",
    "Yannick",
    "Gérard",
    "Josette",
]


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # production refuses a weak key
    os.environ.setdefault("INSECURE_HTTP", "1")  # the test client speaks plain HTTP: no HTTPS redirect
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    os.environ.pop("REDIS_URL", None)
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def territoires():
    """Three territories; the searching agent belongs to the first one (about a third of the demands)."""
    from cil.models import Commune, Epci, Guichet, Membership
    from core.models import User
    from core.roles import Role

    resultat = []
    for i, (siren, nom, insee) in enumerate(
        [
            ("200040715", "Grenoble-Alpes-Métropole", "38185"),
            ("243800604", "Pays Voironnais", "38563"),
            ("200030195", "Le Grésivaudan", "38170"),
        ]
    ):
        epci, _ = Epci.objects.get_or_create(siren=siren, defaults={"nom": nom})
        commune, _ = Commune.objects.get_or_create(
            code_insee=insee, defaults={"nom": nom, "departement": "38", "epci": epci}
        )
        guichet, _ = Guichet.objects.get_or_create(
            epci=epci,
            nom=f"Guichet {i}",
            defaults={"niveau": 2, "enregistreur": True, "adresse": "1 place", "commune": commune},
        )
        resultat.append((epci, guichet))
    agent, created = User.objects.get_or_create(username="bench.agent")
    if created:
        Membership.objects.create(user=agent, role=Role.AGENT_ACCUEIL, epci=resultat[0][0], guichet=resultat[0][1])
    return resultat, agent


def generer(n: int, terr) -> float:
    """INSERT ... SELECT generate_series: one statement per million rows, names built in SQL from arrays."""
    from django.db import connection

    from demandes.rules import normaliser  # the stored search columns are the application's, exactly

    noms = [n_.replace("'", "''") for n_ in NOMS]
    noms_norm = [normaliser(n_).replace("'", "''") for n_ in NOMS]
    prenoms = [p.replace("'", "''") for p in PRENOMS]
    prenoms_norm = [normaliser(p) for p in PRENOMS]

    def arr(values):
        return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"

    epcis = ",".join(str(e.pk) for e, _ in terr)
    guichets = ",".join(str(g.pk) for _, g in terr)
    sql = f"""
    WITH s AS (
      SELECT i,
             ({arr(noms)})[1 + (i * 7919) % {len(noms)}] AS nom_reel,
             ({arr(noms_norm)})[1 + (i * 7919) % {len(noms)}] AS nom_reel_norm,
             ({arr(SYLLABES)})[1 + (i * 31) % {len(SYLLABES)}] || ({arr(SYLLABES)})[1 + (i * 17 / 7) % {len(SYLLABES)}]
               || ({arr(SYLLABES)})[1 + (i / 13) % {len(SYLLABES)}] AS nom_synth,
             1 + (i * 104729) % {len(PRENOMS)} AS p,
             (ARRAY[{epcis}])[1 + i % 3] AS epci_id,
             (ARRAY[{guichets}])[1 + i % 3] AS guichet_id,
             DATE '1940-01-01' + ((i * 2654435761) % 23000)::int AS naissance,
             DATE '2021-01-01' + ((i * 40503) % 2150)::int AS depot
      FROM generate_series(1::bigint, {n}::bigint) AS i
    )
    INSERT INTO demandes_demande (
      numero_unique, epci_id, guichet_id, statut, motif_radiation, date_radiation, date_depot, version,
      nom, nom_naissance, prenom, date_naissance, sexe, nationalite, nom_norm, nom_naissance_norm, prenom_norm,
      adresse, code_postal, ville, telephone, email, courrier_postal, situation_familiale, situation_professionnelle,
      employeur, employeur_siret, logement_actuel, est_mutation, motifs, commentaire, typologies,
      ascenseur_requis, accessibilite_pmr, aides_techniques, equipements_handicap, besoin_adaptation, cree_le,
      modifie_le
    )
    SELECT
      '038-' || extract(year FROM depot)::int || '-' || lpad(i::text, 7, '0'),
      epci_id, guichet_id,
      CASE WHEN i % 17 = 0 THEN 'RADIEE' WHEN i % 11 = 0 THEN 'A_RENOUVELER' ELSE 'ACTIVE' END,
      CASE WHEN i % 17 = 0 THEN 'RENONCIATION' ELSE '' END,
      CASE WHEN i % 17 = 0 THEN depot + 30 END,
      depot, 1,
      CASE WHEN i % 10 < 6 THEN nom_reel ELSE initcap(nom_synth) END, '',
      ({arr(prenoms)})[p], naissance, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, 'FR',
      CASE WHEN i % 10 < 6 THEN nom_reel_norm ELSE nom_synth END, '', ({arr(prenoms_norm)})[p],
      i || ' rue des Alpes', '38000', 'Grenoble', '', '', true, 'CELIBATAIRE', 'CDI',
      '', '', 'LOCATAIRE_PRIVE', false, '["TROP_CHER"]'::jsonb, '', '["T2"]'::jsonb,
      false, false, '[]'::jsonb, '[]'::jsonb, '', now(), now()
    FROM s
    """
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute(sql)
        cursor.execute("ANALYZE demandes_demande")
    return time.perf_counter() - start


def requetes(nombre: int, rng: random.Random) -> list[dict]:
    from demandes.models import Demande

    echantillon = list(
        Demande.objects.order_by("?").values("numero_unique", "nom", "prenom", "date_naissance")[:nombre]
    )
    out = []
    for k, d in enumerate(echantillon):
        kind = k % 10
        if kind < 4:
            q = {"genre": "prefixe_nom", "q": d["nom"][: rng.randint(2, 6)]}
        elif kind < 6:
            q = {"genre": "nom_prenom", "q": f"{d['nom']} {d['prenom'][:3]}"}
        elif kind < 8:
            q = {"genre": "numero", "q": d["numero_unique"]}
        elif kind < 9:
            q = {"genre": "nom_naissance", "q": d["nom"][:4], "date_naissance": d["date_naissance"].isoformat()}
        else:
            q = {"genre": "date_naissance", "date_naissance": d["date_naissance"].isoformat()}
        out.append(q)
    return out


def p(samples, quantile):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(quantile * (len(ordered) - 1)))]


def mesurer(agent, epci_pk: int, queries: int = 200, *, surcharger_static: bool = True) -> dict:
    """~``queries`` searches of the kinds agents type, at selector level then through the whole page."""
    import datetime as dt

    from django.conf import settings

    from demandes import selectors
    from demandes.models import Demande

    rng = random.Random(2026)
    from demandes.views.recherche import COLONNES_RESULTATS

    qs_agent = Demande.objects.filter(epci_id__in=[epci_pk]).select_related("guichet").only(*COLONNES_RESULTATS)
    jeu = requetes(queries, rng)

    # selector level (SQL through the ORM), as the page calls it
    selecteur = []
    for q in jeu * 2:  # first pass warms the cache, second is measured
        naissance = dt.date.fromisoformat(q["date_naissance"]) if "date_naissance" in q else None
        start = time.perf_counter()
        selectors.rechercher_page(qs_agent, q.get("q", ""), naissance, limite=selectors.LIMITE_RECHERCHE)
        selecteur.append((time.perf_counter() - start) * 1000)
    selecteur = selecteur[len(jeu) :]

    # whole page (session, scoping, search, template)
    from django.test.utils import override_settings

    # plain static storage: no collectstatic manifest here
    if surcharger_static:
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ).enable()
    from bench.common import client_connecte

    client = client_connecte(agent.username)  # with a verified second factor, whatever devices the agent has
    page = []
    for q in jeu * 2:
        start = time.perf_counter()
        response = client.get("/demandes/", {k: v for k, v in q.items() if k != "genre"})
        page.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    page = page[len(jeu) :]

    plan = (
        qs_agent.filter(nom_norm__gte="ma", nom_norm__lt="mb")
        .order_by(*selectors.ORDRE_RECHERCHE)[: selectors.LIMITE_RECHERCHE]
        .explain(analyze=True)
        .splitlines()
    )
    par_type = {}
    for q, ms in zip(jeu, selecteur, strict=True):
        genre = q["genre"]
        par_type.setdefault(genre, []).append(ms)
    par_type = {g: {"n": len(v), "p50": statistics.median(v), "p95": p(v, 0.95)} for g, v in par_type.items()}
    return {
        "territoire_agent": qs_agent.count(),
        "queries": len(jeu),
        "selector_ms": {"p50": statistics.median(selecteur), "p95": p(selecteur, 0.95), "max": max(selecteur)},
        "page_ms": {"p50": statistics.median(page), "p95": p(page, 0.95), "max": max(page)},
        "target_p95_ms": 50,
        "selector_ms_by_kind": par_type,
        "plan": plan,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection

    from demandes.models import Demande

    terr, agent = territoires()
    existant = Demande.objects.count()
    generation = None
    if existant < args.n:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE demandes_demande CASCADE")
        from bench.generateurs import defauts_provisoires, modeles_generes

        with defauts_provisoires(*modeles_generes()):
            generation = generer(args.n, terr)
    total = Demande.objects.count()
    mesures = mesurer(agent, terr[0][0].pk, args.queries)
    resultat = {
        "benchmark": "demandes_search",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1_5_15": os.getloadavg(),  # other jobs on the machine make the figures noisy
        },
        "demandes": total,
        "generation_seconds": generation,
        **mesures,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(resultat, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in resultat.items() if k != "plan"}, indent=2, ensure_ascii=False))
    return resultat


if __name__ == "__main__":
    main()
