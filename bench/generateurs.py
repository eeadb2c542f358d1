"""Deterministic generators of realistic F1 rows for the benchmarks."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def defauts_provisoires(*modeles):
    """While the bench writes rows with ``INSERT ... SELECT`` naming its columns, give every NOT NULL column that
    has no database default (a field added to a model since the generator was written) the model's default as a
    temporary database default; the schema is put back as the migrations left it afterwards. The generators then
    survive new fields instead of failing on a NOT NULL constraint."""
    from django.db import connection, models

    poses: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for modele in modeles:
            table = modele._meta.db_table
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
                "AND column_default IS NULL",
                [table],
            )
            sans_defaut = {r[0] for r in cursor.fetchall()}
            for champ in modele._meta.concrete_fields:
                if champ.column not in sans_defaut or not champ.has_default():
                    continue
                valeur = champ.get_db_prep_save(champ.get_default(), connection)
                litteral = connection.ops.compose_sql("%s", [valeur])
                if isinstance(champ, models.JSONField):
                    litteral += "::jsonb"
                cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{champ.column}" SET DEFAULT {litteral}')
                poses.append((table, champ.column))
    try:
        yield [f"{t}.{c}" for t, c in poses]
    finally:
        with connection.cursor() as cursor:
            for table, colonne in poses:
                cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{colonne}" DROP DEFAULT')


def modeles_generes() -> list:
    """The models whose tables the generators of bench/territoire.py and bench/demandes_search.py write."""
    from attributions.models import DecisionCaleol, Logement
    from demandes.models import CriterePriorite, Demande, Evenement, MembreMenage, Ressource

    return [Logement, DecisionCaleol, Demande, MembreMenage, Ressource, Evenement, CriterePriorite]
