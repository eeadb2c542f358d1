"""The objectives of one EPCI-year on 1,000,000 allocations, paired with the bare SQL aggregate (its floor).

Usage: python -m bench.objectifs [--decisions 1000000] [--repetitions 15]
Targets (issues 3 and 9): within 3x of the bare aggregate; F2 through the API under 150 ms.
"""

from __future__ import annotations

import argparse

from bench.common import setup_django, summary, timed, write

ANNEE = 2025


def generer(n: int, nb_logements: int) -> None:
    """Write ``n`` decisions over ten years (2016-2025) straight into PostgreSQL, set-based and deterministic."""
    from django.db import connection

    from attributions.models import DecisionCaleol, Logement
    from cil.models import Bailleur, Epci, Qpv, Reservataire

    epci = Epci.objects.get(siren="200040715")
    communes = list(epci.communes.values_list("pk", flat=True))
    qpv = list(Qpv.objects.filter(epci=epci, carte="2024").values_list("pk", flat=True))
    for i in range(8):
        Bailleur.objects.get_or_create(siren=f"9999001{i:02d}", defaults={"nom": f"Bailleur de test {i}"})
    bailleurs = list(Bailleur.objects.values_list("pk", flat=True)[:8])
    for type_, code in [("ETAT", ""), ("ETAT_AGENTS", ""), ("ACTION_LOGEMENT", ""), ("COMMUNE", "38185"),
                        ("COMMUNE", "38151"), ("EPCI", "200040715"), ("DEPARTEMENT", "38")]:  # fmt: skip
        Reservataire.objects.get_or_create(type=type_, code=code, defaults={"nom": f"{type_} {code}"})
    reservataires = list(Reservataire.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(f"TRUNCATE {DecisionCaleol._meta.db_table}, {Logement._meta.db_table} CASCADE")
        cursor.execute(
            f"""
            INSERT INTO {Logement._meta.db_table} (identifiant, bailleur_id, commune_id, epci_id, qpv_id, qpv_2015_id,
                carte_2024_connue, carte_2015_connue, typologie, adresse, financement, accessible_pmr)
            SELECT 'BENCH' || g, (%(b)s::bigint[])[1 + g %% cardinality(%(b)s::bigint[])],
                   (%(c)s::bigint[])[1 + g %% cardinality(%(c)s::bigint[])], %(e)s,
                   CASE WHEN g %% 4 = 0 THEN (%(q)s::bigint[])[1 + g %% cardinality(%(q)s::bigint[])] END, NULL,
                   true, false, 'T' || (1 + g %% 6), '', '', false
            FROM generate_series(1, %(n)s) g
            """,
            {"b": bailleurs, "c": communes, "e": epci.pk, "q": qpv, "n": nb_logements},
        )
        cursor.execute(
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
            {"r": reservataires, "n": n, "nl": nb_logements},
        )
        cursor.execute(f"ANALYZE {DecisionCaleol._meta.db_table}")


BARE_SQL = """
SELECT
  count(*) FILTER (WHERE date_bail >= %(d)s AND date_bail < %(f)s AND en_qpv_au_bail = false
                   AND type_decision IN ('ATTRIBUTION','ATTRIBUTION_RANG','ATTRIBUTION_CONDITION')),
  count(*) FILTER (WHERE date_bail >= %(d)s AND date_bail < %(f)s AND en_qpv_au_bail = false
                   AND type_decision IN ('ATTRIBUTION','ATTRIBUTION_RANG','ATTRIBUTION_CONDITION')
                   AND (ressources_annuelles_e4 * 10 <= %(s)s::bigint * uc_dixiemes OR relogement IN ('ANRU','ORCOD'))),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND qpv_id IS NOT NULL
                   AND (type_decision IN ('ATTRIBUTION','ATTRIBUTION_CONDITION')
                        OR (type_decision = 'ATTRIBUTION_RANG' AND rang = 1))),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND qpv_id IS NOT NULL
                   AND (type_decision IN ('ATTRIBUTION','ATTRIBUTION_CONDITION')
                        OR (type_decision = 'ATTRIBUTION_RANG' AND rang = 1))
                   AND NOT ressources_annuelles_e4 * 10 <= %(s)s::bigint * uc_dixiemes),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s
                   AND (type_decision IN ('ATTRIBUTION','ATTRIBUTION_CONDITION')
                        OR (type_decision = 'ATTRIBUTION_RANG' AND rang = 1))),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND (dalo OR prioritaire)
                   AND (type_decision IN ('ATTRIBUTION','ATTRIBUTION_CONDITION')
                        OR (type_decision = 'ATTRIBUTION_RANG' AND rang = 1)))
FROM attributions_decisioncaleol
WHERE epci_id = %(e)s
  AND ((date_decision >= %(d)s AND date_decision < %(f)s) OR (date_bail >= %(d)s AND date_bail < %(f)s))
"""


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--logements", type=int, default=200_000)
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--garder", action="store_true", help="ne pas régénérer si les décisions existent déjà")
    args = parser.parse_args(argv)
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.test import Client

    from attributions.models import DecisionCaleol
    from attributions.selectors import calcule_objectifs_epci, seuil_e4
    from cil.models import Epci, Membership
    from cil.services import import_referentiels
    from core.models import User
    from core.roles import Role

    if not Epci.objects.filter(siren="200040715").exists():
        import_referentiels(only_epci="200040715")
    if not (args.garder and DecisionCaleol.objects.count() >= args.decisions):
        duree = timed(generer, args.decisions, args.logements)[0]
        print(f"{args.decisions:,} décisions générées en {duree:.1f} s")
    epci = Epci.objects.get(siren="200040715")
    seuil = epci.seuils.get(annee=ANNEE).seuil_q1
    params = {"e": epci.pk, "d": dt.date(ANNEE, 1, 1), "f": dt.date(ANNEE + 1, 1, 1), "s": seuil_e4(seuil)}
    lignes = DecisionCaleol.objects.filter(epci=epci).filter(date_decision__year=ANNEE).count()

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, params)
            return cursor.fetchone()

    user, _ = User.objects.get_or_create(username="bench-epci")
    Membership.objects.get_or_create(user=user, role=Role.EPCI, epci=epci)
    client = Client()
    client.force_login(user)

    def api():
        response = client.get("/api/objectifs/", {"epci": epci.siren, "annee": ANNEE})
        assert response.status_code == 200, response.status_code
        return response

    mesures = {"sql_nu": [], "moteur_f2": [], "moteur_details": [], "api_f2": []}
    for _ in range(2):  # warm-up
        bare(), calcule_objectifs_epci(epci, ANNEE, details=False), api()
    for _ in range(args.repetitions):
        mesures["sql_nu"].append(timed(bare)[0])
        mesures["moteur_f2"].append(timed(calcule_objectifs_epci, epci, ANNEE, details=False)[0])
        mesures["moteur_details"].append(timed(calcule_objectifs_epci, epci, ANNEE)[0])
        mesures["api_f2"].append(timed(api)[0])
    sql = bare()
    moteur = calcule_objectifs_epci(epci, ANNEE, details=False)
    assert (moteur["hors_qpv"]["base"], moteur["hors_qpv"]["numerateur"]) == (sql[0], sql[1])
    assert (moteur["qpv"]["base"], moteur["qpv"]["numerateur"]) == (sql[2], sql[3])
    assert (moteur["prioritaires"]["base"], moteur["prioritaires"]["numerateur"]) == (sql[4], sql[5])
    resume = {k: {kk: round(vv * 1000, 1) if kk != "n" else vv for kk, vv in summary(v).items()}
              for k, v in mesures.items()}  # fmt: skip
    plancher = resume["sql_nu"]["median"]
    result = {
        "decisions_en_base": DecisionCaleol.objects.count(),
        "decisions_de_l_annee_pour_l_epci": lignes,
        "unite": "ms",
        **resume,
        "ratio_moteur_f2_sur_sql_nu": round(resume["moteur_f2"]["median"] / plancher, 2),
        "ratio_api_sur_sql_nu": round(resume["api_f2"]["median"] / plancher, 2),
        "ratio_moteur_details_sur_sql_nu": round(resume["moteur_details"]["median"] / plancher, 2),
        "cibles": {"ratio_max": 3, "api_ms_max": 150},
    }
    write("objectifs", result)
    print(
        f"Objectifs {ANNEE} ({lignes:,} décisions de l'année sur {result['decisions_en_base']:,}) : SQL nu "
        f"{plancher} ms, moteur F2 {resume['moteur_f2']['median']} ms (x{result['ratio_moteur_f2_sur_sql_nu']}), "
        f"API {resume['api_f2']['median']} ms (x{result['ratio_api_sur_sql_nu']}), avec détails "
        f"{resume['moteur_details']['median']} ms."
    )
    return result


if __name__ == "__main__":
    main()
