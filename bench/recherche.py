"""The reception desk's demand search on the benchmark territory (1,000,000 demands, database cil_bench_big).

Usage: python -m bench.recherche [--queries 200]
Same measurement as bench/demandes_search.py (selector, then whole page), on the runner's shared territory.
Target: p95 under 50 ms.
"""

from __future__ import annotations

import argparse

from bench.common import setup_django, write


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    from bench import demandes_search, territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    from core.models import User
    from demandes.models import Demande

    agent = User.objects.get(username="bench.agent")
    epci = agent.memberships.values_list("epci_id", flat=True).first()
    # bench.settings already serves static files without a manifest
    result = {"demandes": Demande.objects.count(), **demandes_search.mesurer(agent, epci, args.queries,
                                                                             surcharger_static=False)}  # fmt: skip
    write("recherche", result)
    print(
        f"Recherche sur {result['demandes']:,} demandes ({result['territoire_agent']:,} dans le territoire de "
        f"l'agent) : sélecteur p95 {result['selector_ms']['p95']:.1f} ms, page p95 {result['page_ms']['p95']:.1f} ms"
    )
    return result


if __name__ == "__main__":
    main()
