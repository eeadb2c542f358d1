"""Print the graph of imports between the apps, as docs/ARCHITECTURE.md shows it (``make graph``).

Reads the layers from the import-linter contract in pyproject.toml and the imports from the code (grimp, the
library under import-linter). An arrow reads "imports"; an arrow against the layers (a lower app importing a
higher one, or one of two apps of a layer importing the other) is dotted: each one is an exception listed, with
its reason, in the contract's ``ignore_imports``.

    python scripts/app_graph.py             # Mermaid graph, then the modules each app uses in the others
    python scripts/app_graph.py --detail    # every importing module -> imported module
    python scripts/app_graph.py --tests     # test modules included
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def layers() -> list[list[str]]:
    """The layers of the contract, highest first, each a list of apps."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contrat = next(c for c in config["contracts"] if c["type"] == "layers")
    return [[app.strip() for app in layer.replace(":", "|").split("|")] for layer in contrat["layers"]]


def edges(apps: list[str], *, tests: bool) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(importing app, imported app) -> {(importing module, imported module)}."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*apps, cache_dir=None)
    found: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for module in graph.modules:
        if not tests and ".tests" in module:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = module.split(".")[0], imported.split(".")[0]
            if a != b and (tests or ".tests" not in imported):
                found[(a, b)].add((module, imported))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="include the test modules")
    parser.add_argument("--detail", action="store_true", help="list every importing module")
    options = parser.parse_args()
    ordre = layers()
    rang = {app: len(ordre) - i for i, layer in enumerate(ordre) for app in layer}
    found = edges(list(rang), tests=options.tests)

    print("```mermaid")
    print("graph BT")
    for (a, b), imports in sorted(found.items()):
        fleche = "-.->" if rang[a] <= rang[b] else "-->"
        print(f"    {a} {fleche}|{len(imports)}| {b}")
    print("```")
    print()
    print("| app | imports from | modules it uses there (how many of its modules import each) |")
    print("|---|---|---|")
    for (a, b), imports in sorted(found.items(), key=lambda item: (-rang[item[0][0]], item[0])):
        contre = " (exception)" if rang[a] <= rang[b] else ""
        if options.detail:
            cellule = "<br>".join(f"`{m}` → `{i}`" for m, i in sorted(imports))
        else:
            par_module: dict[str, int] = defaultdict(int)
            for _m, i in imports:
                par_module[i] += 1
            cellule = ", ".join(f"`{i}` ({n})" if n > 1 else f"`{i}`" for i, n in sorted(par_module.items()))
        print(f"| `{a}` | `{b}`{contre} | {cellule} |")


if __name__ == "__main__":
    main()
