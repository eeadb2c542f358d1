"""A realistic territory at a chosen scale, written straight into PostgreSQL with set-based SQL.

Usage: python -m bench.territoire [--echelle 1] [--force]

At scale 1 (the default): 200,000 dwellings, 1,000,000 demands (about one household member, 1.1
resources and 2.3 events each, 4 % with a priority criterion) spread over three EPCIs, and 1,000,000
commission decisions over ten years (2016-2025) on the dwellings of the first EPCI (Grenoble-Alpes-
Métropole, reference data imported with ``only_epci``). Every row comes from ``INSERT ... SELECT`` over
``generate_series`` (no ORM row by row); values derive from the row number or from ``random()`` after
``setseed``: two runs write the same territory.

Idempotent: the marker table ``bench_territoire`` holds the scale and a hash of the generating code; when both match
the database is left as it is (``--force`` rebuilds).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import time

from bench.common import setup_django

BIG_DB = "cil_bench_big"
EPCI = "200040715"
BASE = {"logements": 200_000, "demandes": 1_000_000, "decisions": 1_000_000}
# A Paris-size territory (issue 19), in its own database: one EPCI with 250,000 demands in force (the generator
# strikes one demand in 17 off: 265,625 written), 250,000 dwellings, 120,000 decisions over ten years of which
# five in six allocate: 10,000 allocations a year. Every demand is moved into the first EPCI after generation.
PARIS_DB = "cil_bench_paris"
PARIS = {"logements": 250_000, "demandes": 265_625, "decisions": 120_000}


def version() -> str:
    """A hash of what decides the rows: the generating functions and the name lists, not the comments around."""
    from bench import demandes_search as ds

    source = inspect.getsource(generer) + inspect.getsource(ds.generer) + repr((BASE, ds.NOMS, ds.PRENOMS, ds.SYLLABES))
    return hashlib.sha1(source.encode()).hexdigest()[:12]


def echelle(facteur: float) -> dict:
    return {k: max(1000, round(v * facteur)) for k, v in BASE.items()}


def _marqueur(cursor) -> dict | None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_territoire (cle text PRIMARY KEY, valeur jsonb NOT NULL)")
    cursor.execute("SELECT valeur FROM bench_territoire WHERE cle = 'territoire'")
    row = cursor.fetchone()
    if not row:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def referentiel():
    """Reference data of the big EPCI, landlords, reservation holders, the two other territories, the users."""
    from bench.demandes_search import territoires
    from cil.models import Bailleur, Epci, Membership, Reservataire
    from cil.services import import_referentiels
    from core.models import User
    from core.roles import Role

    if not Epci.objects.filter(siren=EPCI).exists():
        import_referentiels(only_epci=EPCI)
    for i in range(8):
        Bailleur.objects.get_or_create(siren=f"9999001{i:02d}", defaults={"nom": f"Bailleur de test {i}"})
    for type_, code in [("ETAT", ""), ("ETAT_AGENTS", ""), ("ACTION_LOGEMENT", ""), ("COMMUNE", "38185"),
                        ("COMMUNE", "38151"), ("EPCI", EPCI), ("DEPARTEMENT", "38")]:  # fmt: skip
        Reservataire.objects.get_or_create(type=type_, code=code, defaults={"nom": f"{type_} {code}"})
    terr, agent = territoires()  # the reception agent "bench.agent" of the first territory
    epci = Epci.objects.get(siren=EPCI)
    user, _ = User.objects.get_or_create(username="bench-epci")
    Membership.objects.get_or_create(user=user, role=Role.EPCI, epci=epci)
    return epci, terr, agent, user


def generer(taille: dict) -> dict:
    """Truncate and rewrite dwellings, decisions, demands and their children. Returns seconds per step."""
    from django.db import connection

    from attributions.models import DecisionCaleol, Logement
    from bench import demandes_search
    from cil.models import Bailleur, Qpv, Reservataire

    epci, terr, _agent, _user = referentiel()
    communes = list(epci.communes.order_by("pk").values_list("pk", flat=True))
    qpv = list(Qpv.objects.filter(epci=epci, carte="2024").order_by("pk").values_list("pk", flat=True))
    bailleurs = list(Bailleur.objects.filter(siren__startswith="9999001").order_by("pk").values_list("pk", flat=True))
    reservataires = list(Reservataire.objects.order_by("pk").values_list("pk", flat=True))
    etapes: dict[str, float] = {}

    def etape(nom, sql, params=None):
        debut = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        etapes[nom] = round(time.perf_counter() - debut, 1)
        print(f"  {nom}: {etapes[nom]} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SET maintenance_work_mem TO '512MB'")
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"TRUNCATE {DecisionCaleol._meta.db_table}, {Logement._meta.db_table}, demandes_demande, "
            "demandes_membremenage, demandes_ressource, demandes_evenement, demandes_criterepriorite CASCADE"
        )
    etape(
        "logements",
        f"""
        INSERT INTO {Logement._meta.db_table} (identifiant, bailleur_id, commune_id, epci_id, qpv_id, qpv_2015_id,
            carte_2024_connue, carte_2015_connue, typologie, adresse, surface, financement, loyer, niveau_accessibilite)
        SELECT 'BENCH' || g, (%(b)s::bigint[])[1 + g %% cardinality(%(b)s::bigint[])],
               (%(c)s::bigint[])[1 + (g * 31) %% cardinality(%(c)s::bigint[])], %(e)s,
               CASE WHEN g %% 4 = 0 THEN (%(q)s::bigint[])[1 + g %% cardinality(%(q)s::bigint[])] END, NULL,
               true, false, 'T' || (1 + g %% 6), g || ' avenue des Alpes', 20 + 15 * (g %% 6),
               (ARRAY['PLAI','PLUS','PLUS','PLUS','PLS'])[1 + g %% 5], 250 + (g %% 6) * 90,
               CASE WHEN g %% 10 = 0 THEN 'FAUTEUIL' ELSE '' END
        FROM generate_series(1, %(n)s) g
        """,
        {"b": bailleurs, "c": communes, "e": epci.pk, "q": qpv, "n": taille["logements"]},
    )
    # Ten years, about 100,000 decisions a year: one per row number, on the dwelling (g * 7919) mod N.
    etape(
        "decisions",
        f"""
        INSERT INTO {DecisionCaleol._meta.db_table} (numero_unique, date_depot, date_decision, type_decision, rang,
            date_bail, logement_id, bailleur_id, commune_id, epci_id, qpv_id, en_qpv_au_bail, typologie,
            reservataire_id, ressources_mensuelles, ressources_annuelles_e4, nb_personnes_14_plus,
            nb_enfants_moins_14, uc_dixiemes, dalo, prioritaire, relogement, mutation, source, cree_le, modifie_le)
        SELECT 'B' || g, d - 400, d, t, CASE WHEN t = 'ATTRIBUTION_RANG' THEN 1 + g %% 3 END,
               CASE WHEN random() < 0.7 AND t NOT IN ('NON_ATTRIBUTION', 'IRRECEVABILITE') THEN d + 30 END,
               l.id, l.bailleur_id, l.commune_id, l.epci_id, l.qpv_id, l.qpv_id IS NOT NULL, l.typologie,
               (%(r)s::bigint[])[1 + g %% cardinality(%(r)s::bigint[])], m, (m * 120000)::bigint, n14, nm14,
               10 + 5 * (n14 - 1) + 3 * nm14, random() < 0.08, random() < 0.3,
               CASE WHEN random() < 0.03 THEN 'ANRU' ELSE '' END, random() < 0.25, 'IMPORT', now(), now()
        FROM (
            SELECT g, DATE '2016-01-01' + (g %% 3650) AS d,
                   (ARRAY['ATTRIBUTION','ATTRIBUTION','ATTRIBUTION','ATTRIBUTION_RANG','ATTRIBUTION_CONDITION',
                          'NON_ATTRIBUTION'])[1 + g %% 6] AS t,
                   round((random() * 3500)::numeric, 2) AS m, 1 + g %% 3 AS n14, g %% 4 AS nm14,
                   1 + (g::bigint * 7919) %% %(nl)s AS lid
            FROM generate_series(1, %(n)s) g
        ) s JOIN {Logement._meta.db_table} l ON l.identifiant = 'BENCH' || s.lid
        """,
        {"r": reservataires, "n": taille["decisions"], "nl": taille["logements"]},
    )
    debut = time.perf_counter()
    demandes_search.generer(taille["demandes"], terr)  # names, birth dates, statuses: the search benchmark's own
    etapes["demandes"] = round(time.perf_counter() - debut, 1)
    print(f"  demandes: {etapes['demandes']} s", flush=True)
    # Household: none for a third of the demands, then a partner, children (0 to 2).
    etape(
        "membres",
        """
        INSERT INTO demandes_membremenage (demande_id, lien, nom, prenom, date_naissance, situation_professionnelle,
            enfant_a_naitre)
        SELECT d.id, CASE WHEN k = 1 AND d.id % 3 = 1 THEN 'CO_TITULAIRE' ELSE 'ENFANT' END, d.nom,
               (ARRAY['Léa','Hugo','Inès','Adam','Jade','Nathan'])[1 + (d.id + k) % 6],
               CASE WHEN k = 1 AND d.id % 3 = 1 THEN d.date_naissance + 400
                    ELSE DATE '2008-01-01' + ((d.id * 13 + k * 211) % 5800)::int END,
               CASE WHEN k = 1 AND d.id % 3 = 1 THEN 'CDI' ELSE '' END, false
        FROM demandes_demande d CROSS JOIN LATERAL generate_series(1, (d.id % 3)::int) k
        """,
    )
    etape(
        "ressources",
        """
        INSERT INTO demandes_ressource (demande_id, membre_id, nature, montant_mensuel)
        SELECT d.id, NULL, (ARRAY['SALAIRE','SALAIRE','CHOMAGE','RETRAITE','RSA','AAH'])[1 + d.id % 6],
               round((300 + random() * 2200)::numeric, 2)
        FROM demandes_demande d
        UNION ALL
        SELECT m.demande_id, m.id, 'SALAIRE', round((600 + random() * 1800)::numeric, 2)
        FROM demandes_membremenage m WHERE m.lien = 'CO_TITULAIRE'
        """,
    )
    etape(
        "evenements",
        """
        INSERT INTO demandes_evenement (demande_id, type, date, organisation, libelle, detail)
        SELECT d.id, 'ENREGISTREMENT', d.date_depot + time '09:30', 'Guichet', 'Enregistrement de la demande',
               '{}'::jsonb
        FROM demandes_demande d
        UNION ALL
        SELECT d.id, 'RAPPEL_RENOUVELLEMENT', d.date_depot + 330 + time '06:00', 'Plateforme',
               'Avis de renouvellement envoyé', '{}'::jsonb
        FROM demandes_demande d WHERE d.date_depot < DATE '2025-06-01'
        UNION ALL
        SELECT d.id, 'RENOUVELLEMENT', d.date_depot + 360 + time '10:00', 'Guichet', 'Renouvellement',
               '{}'::jsonb
        FROM demandes_demande d WHERE d.date_depot < DATE '2025-06-01' AND d.id % 5 <> 0
        UNION ALL
        SELECT d.id, 'PIECE_RECUE', d.date_depot + 12 + time '14:00', 'Guichet', 'Pièce justificative reçue',
               '{}'::jsonb
        FROM demandes_demande d WHERE d.id % 2 = 0
        """,
    )
    etape(
        "priorites",
        """
        INSERT INTO demandes_criterepriorite (demande_id, critere, source, reconnu_le, organisation, commentaire,
            fin_le)
        SELECT d.id, (ARRAY['HANDICAP','MAL_LOGE_DEFAVORISE','HEBERGE_TRANSITION','SANS_LOGEMENT',
                            'MENACE_EXPULSION'])[1 + d.id % 5],
               'GUICHET', d.date_depot + 20, 'Guichet', '', NULL
        FROM demandes_demande d WHERE d.id % 25 = 0
        """,
    )
    debut = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map set: index-only scans as on a settled database
    etapes["analyze"] = round(time.perf_counter() - debut, 1)
    return etapes


def regrouper() -> float:
    """The Paris-size territory: every demand in the first EPCI and its desk (one territory, not three)."""
    from django.db import connection

    from cil.models import Epci, Guichet

    epci = Epci.objects.get(siren=EPCI)
    guichet = Guichet.objects.filter(epci=epci).order_by("pk").first()
    debut = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE demandes_demande SET epci_id = %s, guichet_id = %s WHERE epci_id <> %s",
            [epci.pk, guichet.pk, epci.pk],
        )
        cursor.execute("VACUUM ANALYZE demandes_demande")
    return round(time.perf_counter() - debut, 1)


def assurer(facteur: float = 1.0, force: bool = False, paris: bool = False) -> dict:
    """Make the territory present at ``facteur`` scale in the current database; return its description.

    ``paris``: the Paris-size territory instead (``PARIS``, one EPCI; its database is ``PARIS_DB``)."""
    from django.db import connection

    taille = dict(PARIS) if paris else echelle(facteur)
    empreinte = version()
    if paris:
        empreinte += "-" + hashlib.sha1(inspect.getsource(regrouper).encode()).hexdigest()[:6]
    with connection.cursor() as cursor:
        marque = _marqueur(cursor)
    if not force and marque and marque.get("taille") == taille and marque.get("version") == empreinte:
        referentiel()  # users and memberships, cheap and idempotent
        return {**marque, "genere_dans_ce_run": False}
    print(f"Génération du territoire {taille} (version {empreinte})…", flush=True)
    debut = time.perf_counter()
    from bench.generateurs import defauts_provisoires, modeles_generes

    with defauts_provisoires(*modeles_generes()):
        etapes = generer(taille)
    if paris:
        etapes["regroupement"] = regrouper()
        print(f"  regroupement dans le premier EPCI: {etapes['regroupement']} s", flush=True)
    total = round(time.perf_counter() - debut, 1)
    with connection.cursor() as cursor:
        comptes = {}
        for table in ("attributions_logement", "attributions_decisioncaleol", "demandes_demande",
                      "demandes_membremenage", "demandes_ressource", "demandes_evenement",
                      "demandes_criterepriorite"):  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM {table}")
            comptes[table] = cursor.fetchone()[0]
        marque = {"taille": taille, "version": empreinte, "generation_s": total, "etapes_s": etapes, "lignes": comptes}
        cursor.execute(
            "INSERT INTO bench_territoire (cle, valeur) VALUES ('territoire', %s::jsonb) "
            "ON CONFLICT (cle) DO UPDATE SET valeur = EXCLUDED.valeur",
            [json.dumps(marque)],
        )
    print(f"Territoire généré en {total} s : {comptes}", flush=True)
    return {**marque, "genere_dans_ce_run": True}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--base", default=None)
    parser.add_argument("--paris", action="store_true", help=f"the Paris-size territory, database {PARIS_DB}")
    args = parser.parse_args(argv)
    setup_django(args.base or (PARIS_DB if args.paris else BIG_DB))
    return assurer(args.echelle, args.force, paris=args.paris)


if __name__ == "__main__":
    main()
