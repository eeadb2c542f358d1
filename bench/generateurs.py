"""Deterministic generators of realistic F1 rows for the benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

F1_COLONNES = [
    "numero_unique", "date_depot", "date_decision", "type_decision", "rang", "date_bail", "logement_id",
    "bailleur_siren", "commune_insee", "epci_siren", "qpv_code", "typologie", "reservataire_type",
    "reservataire_id", "ressources_mensuelles", "nb_personnes_14_plus", "nb_enfants_moins_14", "dalo",
    "prioritaire", "relogement", "mutation",
]  # fmt: skip
BAILLEURS = ["999900012", "999900020", "999900038", "999900046", "999900053", "552081317", "779994416"]
RESERVATAIRES = [
    ("ETAT", ""), ("ETAT_AGENTS", ""), ("ACTION_LOGEMENT", ""), ("COMMUNE", "38185"), ("COMMUNE", "38151"),
    ("EPCI", "200040715"), ("DEPARTEMENT", "38"), ("AUTRE", "CAF38"), ("BAILLEUR", ""),
]  # fmt: skip
TYPES = ["ATTRIBUTION"] * 6 + ["ATTRIBUTION_CONDITION", "NON_ATTRIBUTION", "IRRECEVABILITE", "ATTRIBUTION_RANG"]


def lignes_f1(n: int, *, communes: dict[str, list[str]], epci: str = "200040715", annees=(2024, 2025), seed=1):
    """``communes``: INSEE code -> QPV codes of that commune (empty list when none)."""
    rnd = random.Random(seed)
    codes = sorted(communes)
    for i in range(n):
        annee = annees[i % len(annees)]
        decision = dt.date(annee, 1, 1) + dt.timedelta(days=rnd.randrange(0, 360))
        commune = rnd.choice(codes)
        qpvs = communes[commune]
        qpv = rnd.choice(qpvs) if qpvs and rnd.random() < 0.3 else ""
        type_ = rnd.choice(TYPES)
        rtype, rid = rnd.choice(RESERVATAIRES)
        bail = (decision + dt.timedelta(days=rnd.randrange(5, 70))).isoformat() if rnd.random() < 0.7 else ""
        yield [
            f"038{annee % 100:02d}{i:09d}",
            (decision - dt.timedelta(days=rnd.randrange(30, 2000))).isoformat(),
            decision.isoformat(),
            type_,
            str(rnd.randint(1, 3)) if type_ == "ATTRIBUTION_RANG" else "",
            bail if type_ not in ("NON_ATTRIBUTION", "IRRECEVABILITE") else "",
            f"LGT{i % (n // 3 + 1):08d}",
            rnd.choice(BAILLEURS),
            commune,
            epci,
            qpv,
            f"T{rnd.randint(1, 6)}",
            rtype,
            rid,
            str(Decimal(rnd.randrange(0, 500000)) / 100),
            str(rnd.randint(1, 4)),
            str(rnd.randint(0, 4)),
            "1" if rnd.random() < 0.08 else "0",
            "1" if rnd.random() < 0.3 else "0",
            rnd.choice(["", "", "", "", "", "", "", "", "ANRU", "LHI"]),
            "1" if rnd.random() < 0.25 else "0",
        ]


def fichier_f1(rows) -> bytes:
    lines = [";".join(F1_COLONNES)] + [";".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
