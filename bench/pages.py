"""Pages on the 1,000,000-demand territory through Django's whole stack, paired with a bare view (their floor).

Usage: python -m bench.pages [--repetitions 30]

Django's test client, in-process: session, middleware, scoping, queries and template. The floor is
``bench.urls.nu``, a view returning a fixed two-byte response behind the same middleware and session; so
the ratio says what the page costs beyond the framework itself. Also counts each page's queries and keeps
the plan (EXPLAIN ANALYZE) of its slowest query.
"""

from __future__ import annotations

import argparse
import time

from bench.common import client_connecte, setup_django, summary, write

ANNEE = 2025


def _plan(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [r[0] for r in cursor.fetchall()]


def mesurer(repetitions: int = 30) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cil.models import Epci
    from core.models import User
    from demandes.models import Demande

    agent = User.objects.get(username="bench.agent")
    epci_agent = agent.memberships.values_list("epci_id", flat=True).first()
    # a deterministic spread of demands of the agent's territory
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM demandes_demande WHERE epci_id = %s AND id %% 997 = 0 ORDER BY id LIMIT %s",
            [epci_agent, repetitions],
        )
        fiches = [r[0] for r in cursor.fetchall()]
    noms = ["mar", "dub", "ber", "ro", "lefe", "gar", "mo", "pe", "ca", "la"]
    epci = Epci.objects.get(siren="200040715")

    # signed in with a verified second factor, as production has it once the agent has a device (the sweep
    # gives every bench account one: a plain login would then be sent to the verification page)
    agent_client = client_connecte(agent.username)
    epci_client = client_connecte("bench-epci")  # with its second factor, as production requires
    pages = {
        "vue_nue": (agent_client, lambda i: ("/bench/nu/", {})),
        "recherche_demandes": (agent_client, lambda i: ("/demandes/", {"q": noms[i % len(noms)]})),
        "fiche_demande": (agent_client, lambda i: (f"/demandes/{fiches[i % len(fiches)]}/", {})),
        "inscription_etape_1": (agent_client, lambda i: ("/demandes/nouvelle/", {})),
        "liste_attributions": (
            epci_client,
            lambda i: ("/attributions/", {"epci": epci.siren, "annee": ANNEE, "page": 1 + i % 5}),
        ),
    }
    resultats: dict[str, dict] = {}
    for nom, (client, requete) in pages.items():
        for i in range(3):  # warm-up
            url, params = requete(i)
            response = client.get(url, params)
            assert response.status_code == 200, (nom, response.status_code)
        durees = []
        for i in range(repetitions):
            url, params = requete(i)
            debut = time.perf_counter()
            response = client.get(url, params)
            durees.append(time.perf_counter() - debut)
            assert response.status_code == 200, (nom, response.status_code)
        url, params = requete(1)
        with CaptureQueriesContext(connection) as capture:
            client.get(url, params)
        plus_lente = max(capture.captured_queries, key=lambda q: float(q["time"]), default=None)
        resultats[nom] = {
            **{k: round(v * 1000, 1) if k != "n" else v for k, v in summary(durees).items()},
            "url": url,
            "requetes_sql": len(capture.captured_queries),
            "requete_la_plus_lente_ms": round(float(plus_lente["time"]) * 1000, 1) if plus_lente else None,
            "plan_requete_la_plus_lente": _plan(plus_lente["sql"]) if plus_lente else [],
        }
    plancher = resultats["vue_nue"]["median"]
    for r in resultats.values():
        r["ratio_sur_vue_nue"] = round(r["median"] / plancher, 1)
    return {
        "unite": "ms",
        "demandes_en_base": Demande.objects.count(),
        "repetitions": repetitions,
        "pages": resultats,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--repetitions", type=int, default=30)
    args = parser.parse_args(argv)
    from bench import territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    result = mesurer(args.repetitions)
    write("pages", result)
    for nom, r in result["pages"].items():
        print(
            f"{nom:22} médiane {r['median']:7.1f} ms  p95 {r['p95']:7.1f} ms  x{r['ratio_sur_vue_nue']:<6} "
            f"{r['requetes_sql']} requêtes"
        )
    return result


if __name__ == "__main__":
    main()
