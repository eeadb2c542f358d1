"""The objectives of one EPCI-year on 1,000,000 allocations, paired with the bare SQL aggregate (its floor).

Usage: python -m bench.objectifs [--echelle 1] [--repetitions 15]
Targets: within 3x of the bare aggregate; F2 through the API under 150 ms.
The decisions are those of the benchmark territory (bench/territoire.py, database cil_bench_big).
"""

from __future__ import annotations

import argparse

from attributions import rules
from bench.common import client_connecte, setup_django, summary, timed, write

ANNEE = 2025


# the counting conditions come from attributions.rules, the one place that says what a decision counts for
_A = rules.est_attribution_sql("type_decision")
_BC = rules.compte_pour_b_c_sql("type_decision", "rang")
_RELOGES = f"relogement IN {rules.liste_sql(rules.RELOGEMENTS_NUMERATEUR_A)}"
BARE_SQL = f"""
SELECT
  count(*) FILTER (WHERE date_bail >= %(d)s AND date_bail < %(f)s AND en_qpv_au_bail = false AND {_A}),
  count(*) FILTER (WHERE date_bail >= %(d)s AND date_bail < %(f)s AND en_qpv_au_bail = false AND {_A}
                   AND (ressources_annuelles_e4 * 10 <= %(s)s::bigint * uc_dixiemes OR {_RELOGES})),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND qpv_id IS NOT NULL AND {_BC}),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND qpv_id IS NOT NULL AND {_BC}
                   AND NOT ressources_annuelles_e4 * 10 <= %(s)s::bigint * uc_dixiemes),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND {_BC}),
  count(*) FILTER (WHERE date_decision >= %(d)s AND date_decision < %(f)s AND (dalo OR prioritaire) AND {_BC})
FROM attributions_decisioncaleol
WHERE epci_id = %(e)s
  AND ((date_decision >= %(d)s AND date_decision < %(f)s) OR (date_bail >= %(d)s AND date_bail < %(f)s))
"""


def expliquer(sql: str, params) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [r[0] for r in cursor.fetchall()]


def mesurer(repetitions: int = 15) -> dict:
    """Time the bare aggregate, the engine and the API on the current database's territory."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attributions.models import DecisionCaleol
    from attributions.selectors import calcule_objectifs_epci, seuil_e4
    from cil.models import Epci

    epci = Epci.objects.get(siren="200040715")
    seuil = epci.seuils.get(annee=ANNEE).seuil_q1
    params = {"e": epci.pk, "d": dt.date(ANNEE, 1, 1), "f": dt.date(ANNEE + 1, 1, 1), "s": seuil_e4(seuil)}
    lignes = DecisionCaleol.objects.filter(epci=epci).filter(date_decision__year=ANNEE).count()

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, params)
            return cursor.fetchone()

    client = client_connecte("bench-epci")  # with its second factor, as production requires

    def api():
        response = client.get("/api/objectifs/", {"epci": epci.siren, "annee": ANNEE})
        assert response.status_code == 200, response.status_code
        return response

    mesures = {"sql_nu": [], "moteur_f2": [], "moteur_details": [], "api_f2": []}
    for _ in range(2):  # warm-up
        bare(), calcule_objectifs_epci(epci, ANNEE, details=False), api()
    for _ in range(repetitions):
        mesures["sql_nu"].append(timed(bare)[0])
        mesures["moteur_f2"].append(timed(calcule_objectifs_epci, epci, ANNEE, details=False)[0])
        mesures["moteur_details"].append(timed(calcule_objectifs_epci, epci, ANNEE)[0])
        mesures["api_f2"].append(timed(api)[0])
    sql = bare()
    moteur = calcule_objectifs_epci(epci, ANNEE, details=False)
    assert (moteur["hors_qpv"]["base"], moteur["hors_qpv"]["numerateur"]) == (sql[0], sql[1])
    assert (moteur["qpv"]["base"], moteur["qpv"]["numerateur"]) == (sql[2], sql[3])
    assert (moteur["prioritaires"]["base"], moteur["prioritaires"]["numerateur"]) == (sql[4], sql[5])
    # query counts and the plan of the engine's aggregate (its largest query)
    with CaptureQueriesContext(connection) as requetes_api:
        api()
    with CaptureQueriesContext(connection) as requetes_moteur:
        calcule_objectifs_epci(epci, ANNEE, details=False)
    plus_lente = max(requetes_moteur.captured_queries, key=lambda q: float(q["time"]))["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + plus_lente)
        plan_moteur = [r[0] for r in cursor.fetchall()]
    resume = {k: {kk: round(vv * 1000, 1) if kk != "n" else vv for kk, vv in summary(v).items()}
              for k, v in mesures.items()}  # fmt: skip
    plancher = resume["sql_nu"]["median"]
    return {
        "decisions_en_base": DecisionCaleol.objects.count(),
        "decisions_de_l_annee_pour_l_epci": lignes,
        "unite": "ms",
        **resume,
        "ratio_moteur_f2_sur_sql_nu": round(resume["moteur_f2"]["median"] / plancher, 2),
        "ratio_api_sur_sql_nu": round(resume["api_f2"]["median"] / plancher, 2),
        "ratio_moteur_details_sur_sql_nu": round(resume["moteur_details"]["median"] / plancher, 2),
        "requetes_api": len(requetes_api.captured_queries),
        "requetes_moteur_f2": len(requetes_moteur.captured_queries),
        "plan_sql_nu": expliquer(BARE_SQL, params),
        "plan_moteur": plan_moteur,
        "cibles": {"ratio_max": 3, "api_ms_max": 150},
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0, help="1 = 1,000,000 decisions (bench/territoire.py)")
    parser.add_argument("--repetitions", type=int, default=15)
    args = parser.parse_args(argv)
    from bench import territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    result = mesurer(args.repetitions)
    write("objectifs", result)
    print(
        f"Objectifs {ANNEE} ({result['decisions_de_l_annee_pour_l_epci']:,} décisions de l'année sur "
        f"{result['decisions_en_base']:,}) : SQL nu {result['sql_nu']['median']} ms, moteur F2 "
        f"{result['moteur_f2']['median']} ms (x{result['ratio_moteur_f2_sur_sql_nu']}), "
        f"API {result['api_f2']['median']} ms (x{result['ratio_api_sur_sql_nu']}), avec détails "
        f"{result['moteur_details']['median']} ms."
    )
    return result


if __name__ == "__main__":
    main()
