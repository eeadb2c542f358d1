"""Loading the reference data shipped in ``cil/referentiels/``.

``import_referentiels()`` reads the CSV files of the repository (never anything outside it) and brings the
database in line with them: EPCI and EPT, communes, EPCI perimeters, QPV, first-quartile thresholds and the
legal rates. See ``cil/referentiels/README.md`` for the sources and the choices made.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.db import models, transaction
from django.utils import timezone

from core.erreurs import ErreurMetier

from .models import Commune, Epci, Objectif, PerimetreEpci, Qpv, SeuilQuartile, TauxLegal

REFERENTIELS_DIR = Path(__file__).resolve().parent / "referentiels"

FICHIER_COMMUNES = "communes_cog2026_decoupage-6.0.0.csv"
FICHIERS_PERIMETRES = {2024: "epci_communes_2024_decoupage-4.1.0.csv", 2025: "epci_communes_2025_decoupage-5.3.0.csv"}
FICHIER_EPT = "ept_communes_decoupage-6.0.0.csv"
FICHIER_QPV_2024_LISTE = "qpv_2024_liste.csv"
FICHIER_QPV_2024_COMMUNES = "qpv_2024_communes.csv"
FICHIER_QPV_2015_OCCITANIE = "qpv_2015_occitanie/qp_occitanie_2015.csv"
FICHIER_SEUILS = "seuils_quartiles_epci_2024_2026.csv"

MILLESIME_EPT = 2025
SIREN_PARIS = "217500016"
INSEE_PARIS = "75056"
NOM_PARIS = "Ville de Paris"

TYPES_EPCI = {
    "METRO": Epci.Type.METROPOLE,
    "MET69": Epci.Type.METROPOLE,  # Métropole de Lyon
    "CU": Epci.Type.CU,
    "CA": Epci.Type.CA,
    "CC": Epci.Type.CC,
}

# Set when an EPCI is created only: staff may change it afterwards.
FUSEAUX_OUTRE_MER = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}

SOURCE_SEUILS = (
    "Compilation de l'URH Hauts-de-France : dépôt calculette-lec/calculette-lec.github.io, "
    "commit 74eaf10a6e5011d2e95aac15f6596001e97fb3bd, fichier montants_quartiles.xlsx (recoupé avec "
    "assets/data/quartiles_AAAA.json) ; livré dans cil/referentiels/seuils_quartiles_epci_2024_2026.csv. "
    "Compilation par un tiers de l'annexe de l'arrêté, sans garantie : à rapprocher du JORF."
)

# year -> (order reference, publication date when known)
ARRETES_SEUILS: dict[int, tuple[str, dt.date | None]] = {
    2024: ("Arrêté du 13 mai 2024", None),
    2025: ("Arrêté du 3 juin (seuils 2025), en vigueur au 1er janvier 2025", None),
    2026: ("Arrêté du 23 avril 2026, JORF n°0103 du 2 mai 2026, JORFTEXT000054022378", dt.date(2026, 5, 2)),
}

DEBUT_LEC = dt.date(2017, 1, 29)
SOURCE_LEC = (
    "Loi n° 2017-86 du 27 janvier 2017 relative à l'égalité et à la citoyenneté, art. 70 ; art. L. 441-1 du CCH"
)

# (objective, rate, start date, source)
TAUX_LEGAUX: list[tuple[str, Decimal, dt.date, str]] = [
    (
        Objectif.HORS_QPV,
        Decimal("0.25"),
        DEBUT_LEC,
        f"{SOURCE_LEC} : au moins 25 % des attributions annuelles suivies de baux signés, hors QPV, aux demandeurs "
        "du premier quartile ou aux ménages relogés dans le cadre du renouvellement urbain.",
    ),
    (
        Objectif.QPV,
        Decimal("0.50"),
        DEBUT_LEC,
        f"{SOURCE_LEC} : au moins 50 % des attributions annuelles en QPV aux demandeurs des quartiles 2 à 4 "
        "(objectif par défaut).",
    ),
    (
        Objectif.PRIORITAIRES,
        Decimal("0.25"),
        DEBUT_LEC,
        "Art. L. 441-1 du CCH (loi n° 2017-86 du 27 janvier 2017, art. 70) : au moins 25 % des attributions "
        "annuelles de chaque réservataire (collectivités, EPCI, Action Logement) et du stock non réservé du bailleur "
        "aux ménages bénéficiaires du DALO ou, à défaut, prioritaires.",
    ),
    (
        Objectif.PRIORITAIRES_ETAT,
        Decimal("1.0"),
        DEBUT_LEC,
        "Art. R. 441-5 du CCH : le contingent préfectoral est entièrement destiné aux ménages bénéficiaires du DALO "
        "ou prioritaires.",
    ),
    (
        Objectif.MUTATIONS,
        Decimal("0.25"),
        DEBUT_LEC,
        "Cible nationale indicative pour la part des mutations dans les attributions : ce n'est pas un minimum "
        "légal ; la cible locale est fixée par les orientations de la CIL.",
    ),
]

KINDS = {
    "epci": "EPCI",
    "commune": "Communes",
    "perimetre": "Périmètres d'EPCI",
    "qpv": "QPV",
    "qpv_commune": "Liens QPV – communes",
    "seuil": "Seuils des quartiles",
    "taux_legal": "Taux légaux",
}

MAX_NOTES_DETAILLEES = 20


class ReferentielError(ErreurMetier):
    """A reference file or an option is unusable; the message is in French."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored: int = 0


@dataclass
class Report:
    """What ``import_referentiels`` did, per kind of row (keys of ``KINDS``)."""

    kinds: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    only_epci: str | None = None

    def __getitem__(self, kind: str) -> Counts:
        return self.kinds[kind]

    @property
    def created(self) -> int:
        return sum(c.created for c in self.kinds.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.kinds.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.kinds.values())

    def lines(self) -> list[str]:
        portee = f" (EPCI {self.only_epci} seulement)" if self.only_epci else ""
        out = [f"Référentiels importés{portee} en {_fr_decimal(self.seconds)} s :"]
        for kind, label in KINDS.items():
            c = self.kinds[kind]
            line = (
                f"  {label} : {_fr_int(c.created)} créé(s), {_fr_int(c.updated)} mis à jour, "
                f"{_fr_int(c.unchanged)} inchangé(s)"
            )
            if c.ignored:
                line += f", {_fr_int(c.ignored)} ignoré(s)"
            out.append(line)
        if not self.created and not self.updated:
            out.append("La base était déjà à jour : rien n'a été créé ni modifié.")
        if self.notes:
            out.append("Remarques :")
            out.extend("  - " + note.replace("\n", "\n      ") for note in self.notes)
        return out

    def as_text(self) -> str:
        return "\n".join(self.lines())


def _fr_int(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _fr_euros(value: Decimal | None) -> str:
    if value is None:
        return "vide"
    if value == value.to_integral_value():
        return f"{_fr_int(int(value))} €"
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def _fr_decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _read(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a shipped file (cached per process while the file is unchanged; rows must not be mutated)."""
    path = REFERENTIELS_DIR / name
    if not path.exists():
        raise ReferentielError(f"Fichier de référence introuvable : {path}")
    return _read_cached(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _read_cached(path: Path, _mtime_ns: int) -> tuple[dict[str, str], ...]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return tuple(csv.DictReader(handle))


def _int_or_none(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value else None


def _decimal_or_none(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", ".")
    return Decimal(value) if value else None


def _departement_du_code_qp(code: str) -> str:
    """QP030012 -> "30"; QP971001 -> "971" (2015 codes carry the département on three characters)."""
    digits = code[2:5]
    return digits[1:] if digits.startswith("0") else digits


# --- What the files say -------------------------------------------------------------------------------------


@dataclass
class _Desired:
    epcis: dict[str, dict[str, Any]] = field(default_factory=dict)  # siren -> fields
    epci_fuseaux: dict[str, str] = field(default_factory=dict)  # siren -> time zone (creation only)
    communes: dict[str, dict[str, Any]] = field(default_factory=dict)  # insee -> fields (epci as siren)
    perimetres: set[tuple[str, str, int]] = field(default_factory=set)  # (siren, insee, millesime)
    perimetres_ignores: list[tuple[str, str, int]] = field(default_factory=list)  # commune not in the COG 2026
    epcis_seuils_seuls: set[str] = field(default_factory=set)  # SIRENs known only from the thresholds file
    seuils_doublons: list[tuple[str, int]] = field(default_factory=list)  # same EPCI and year, another département
    qpv: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> fields (epci as siren)
    qpv_communes: set[tuple[str, str]] = field(default_factory=set)  # (code, insee)
    seuils: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # (siren, year) -> fields


def _read_desired(report: Report) -> _Desired:
    desired = _Desired()

    # Communes (COG 2026)
    parentes: dict[str, str] = {}  # municipal arrondissement (Paris, Lyon, Marseille) -> its commune
    for row in _read(FICHIER_COMMUNES):
        desired.communes[row["code_insee"]] = {
            "nom": row["nom"],
            "type": row["type"],
            "departement": row["departement"],
            "region": row["region"],
            "population": _int_or_none(row["population"]),
            "epci": row["siren_epci_2025"] or None,
        }
        if row.get("commune_parente"):
            parentes[row["code_insee"]] = row["commune_parente"]

    # EPCI and their perimeters, 2024 then 2025 (the latest name and population win)
    for millesime in sorted(FICHIERS_PERIMETRES):
        for row in _read(FICHIERS_PERIMETRES[millesime]):
            siren = row["siren_epci"]
            desired.epcis[siren] = {
                "nom": row["nom_epci"],
                "type": TYPES_EPCI.get(row["type_epci"], Epci.Type.AUTRE),
                "population": _int_or_none(row["population_totale_epci"]),
            }
            insee = row["code_insee_commune"]
            if insee not in desired.communes:
                desired.perimetres_ignores.append((siren, insee, millesime))
                continue
            desired.perimetres.add((siren, insee, millesime))
            fuseau = FUSEAUX_OUTRE_MER.get(desired.communes[insee]["departement"])
            if fuseau:
                desired.epci_fuseaux[siren] = fuseau

    # The 11 EPT of the Grand Paris metropolis
    ept_population: dict[str, int] = defaultdict(int)
    for row in _read(FICHIER_EPT):
        siren = row["siren_ept"]
        ept_population[siren] += _int_or_none(row["population_municipale_commune"]) or 0
        desired.epcis[siren] = {"nom": row["nom_ept"], "type": Epci.Type.EPT, "population": ept_population[siren]}
        if row["code_insee_commune"] in desired.communes:
            desired.perimetres.add((siren, row["code_insee_commune"], MILLESIME_EPT))
        else:
            desired.perimetres_ignores.append((siren, row["code_insee_commune"], MILLESIME_EPT))

    # Paris, its own territory for the CIL
    paris = desired.communes.get(INSEE_PARIS)
    desired.epcis[SIREN_PARIS] = {
        "nom": NOM_PARIS,
        "type": Epci.Type.COMMUNE,
        "population": paris["population"] if paris else None,
    }
    if paris:
        desired.perimetres.add((SIREN_PARIS, INSEE_PARIS, MILLESIME_EPT))

    # A municipal arrondissement belongs to the territories of its commune: landlords' registers (RPLS) and
    # allocation extracts often locate dwellings of Paris, Lyon and Marseille by arrondissement.
    par_commune: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for siren, insee, millesime in desired.perimetres:
        par_commune[insee].append((siren, millesime))
    for arrondissement, commune in parentes.items():
        if arrondissement in desired.communes and commune in desired.communes:
            desired.communes[arrondissement]["epci"] = desired.communes[commune]["epci"]
            for siren, millesime in par_commune.get(commune, []):
                desired.perimetres.add((siren, arrondissement, millesime))

    # Thresholds (and the SIRENs only this file knows)
    seuils_rows = _read(FICHIER_SEUILS)
    seuil_only: dict[str, str] = {}
    for row in seuils_rows:
        if row["epci_siren"] not in desired.epcis:
            seuil_only[row["epci_siren"]] = row["epci_nom"]
    for siren, nom in seuil_only.items():
        desired.epcis[siren] = {"nom": nom, "type": Epci.Type.AUTRE, "population": None}
        desired.epcis_seuils_seuls.add(siren)
    for row in seuils_rows:
        annee = int(row["annee"])
        if annee not in ARRETES_SEUILS:
            raise ReferentielError(f"Seuils : année {annee} sans référence d'arrêté dans cil/services.py.")
        key = (row["epci_siren"], annee)
        values = {
            "seuil_q1": _decimal_or_none(row["seuil_q1_annuel_eur"]),
            "seuil_q2": _decimal_or_none(row["seuil_q2_annuel_eur"]),
            "seuil_q3": _decimal_or_none(row["seuil_q3_annuel_eur"]),
        }
        if values["seuil_q1"] is None or values["seuil_q1"] <= 0:
            report["seuil"].ignored += 1
            report.notes.append(f"Seuil {annee} de {row['epci_nom']} ({row['epci_siren']}) ignoré : Q1 vide ou nul.")
            continue
        if key in desired.seuils:
            desired.seuils_doublons.append(key)
            kept = desired.seuils[key]
            if any(kept[name] != value for name, value in values.items()):
                report.notes.append(
                    f"Seuil {annee} de {row['epci_nom']} ({row['epci_siren']}) : valeurs différentes selon le "
                    f"département ({row['departement_code']}) ; la première ligne est gardée."
                )
            continue
        arrete, publication = ARRETES_SEUILS[annee]
        desired.seuils[key] = {
            **values,
            "arrete": arrete,
            "date_publication": publication,
            "date_effet": dt.date(annee, 1, 1),
            "source": SOURCE_SEUILS,
        }

    # QPV 2024
    for row in _read(FICHIER_QPV_2024_LISTE):
        desired.qpv[row["code_qp"]] = {
            "nom": row["lib_qp"],
            "carte": Qpv.Carte.CARTE_2024,
            "epci": row["siren_epci_2025"] or None,
        }
        for insee in filter(None, row["insee_com"].split(";")):
            desired.qpv_communes.add((row["code_qp"], insee.strip()))
    for row in _read(FICHIER_QPV_2024_COMMUNES):
        if row["code_qp"] not in desired.qpv:
            desired.qpv[row["code_qp"]] = {
                "nom": row["lib_qp"],
                "carte": Qpv.Carte.CARTE_2024,
                "epci": row["siren_epci_2025"] or None,
            }
        desired.qpv_communes.add((row["code_qp"], row["insee_com"]))

    # QPV 2015 of Occitanie: communes given by name, found in the département of the code
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for insee, values in desired.communes.items():
        if values["type"] == "commune-actuelle":
            by_name[(values["departement"], values["nom"])].append(insee)
    for row in _read(FICHIER_QPV_2015_OCCITANIE):
        code = row["code_qp"]
        departement = _departement_du_code_qp(code)
        insees = []
        for nom in (part.strip() for part in row["nom_commune"].split(",")):
            found = by_name.get((departement, nom), [])
            if len(found) == 1:
                insees.append(found[0])
            else:
                report.notes.append(f"QPV 2015 {code} : commune « {nom} » introuvable (département {departement}).")
        epcis = {desired.communes[insee]["epci"] for insee in insees} - {None}
        desired.qpv[code] = {
            "nom": row["nom_qp"],
            "carte": Qpv.Carte.CARTE_2015,
            "epci": epcis.pop() if len(epcis) == 1 else None,
        }
        desired.qpv_communes.update((code, insee) for insee in insees)

    unknown = {insee for _, insee in desired.qpv_communes} - desired.communes.keys()
    if unknown:
        report["qpv_commune"].ignored += sum(1 for _, insee in desired.qpv_communes if insee in unknown)
        desired.qpv_communes = {pair for pair in desired.qpv_communes if pair[1] not in unknown}
        report.notes.append(f"QPV : communes absentes du COG 2026 ignorées ({', '.join(sorted(unknown))}).")

    missing_epci = {v["epci"] for v in desired.communes.values()} - desired.epcis.keys() - {None}
    if missing_epci:
        raise ReferentielError(f"Communes rattachées à des EPCI inconnus : {', '.join(sorted(missing_epci))}.")
    return desired


def _restrict_to_epci(desired: _Desired, siren: str) -> None:
    """Keep only what one EPCI needs: itself, its communes (any vintage), their EPCI, its QPV and thresholds."""
    if siren not in desired.epcis:
        raise ReferentielError(f"Le SIREN {siren} ne figure dans aucun fichier de référence.")
    desired.perimetres = {p for p in desired.perimetres if p[0] == siren}
    insees = {p[1] for p in desired.perimetres} | {i for i, v in desired.communes.items() if v["epci"] == siren}
    desired.communes = {i: v for i, v in desired.communes.items() if i in insees}
    sirens = {siren} | {v["epci"] for v in desired.communes.values() if v["epci"]}
    desired.epcis = {s: v for s, v in desired.epcis.items() if s in sirens}
    qpv_codes = {code for code, v in desired.qpv.items() if v["epci"] == siren}
    qpv_codes |= {code for code, insee in desired.qpv_communes if insee in insees}
    desired.qpv = {code: v for code, v in desired.qpv.items() if code in qpv_codes}
    for values in desired.qpv.values():
        if values["epci"] not in sirens:
            values["epci"] = None
    desired.qpv_communes = {(c, i) for c, i in desired.qpv_communes if c in qpv_codes and i in insees}
    desired.seuils = {k: v for k, v in desired.seuils.items() if k[0] == siren}
    desired.perimetres_ignores = [p for p in desired.perimetres_ignores if p[0] == siren]
    desired.epcis_seuils_seuls &= {siren}
    desired.seuils_doublons = [k for k in desired.seuils_doublons if k[0] == siren]


def _scope_notes(desired: _Desired, report: Report) -> None:
    """Notes on what the files hold but the database will not (after a restriction to one EPCI)."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for _siren, insee, millesime in desired.perimetres_ignores:
        by_year[millesime].append(insee)
    for millesime, insees in sorted(by_year.items()):
        report["perimetre"].ignored += len(insees)
        report.notes.append(
            f"Périmètres {millesime} : {len(insees)} couple(s) EPCI – commune ignoré(s), la commune n'existant plus "
            f"au COG 2026 (communes fusionnées depuis ; ex. {', '.join(sorted(insees)[:5])})."
        )
    if desired.seuils_doublons:
        report.notes.append(
            f"Seuils : {len(desired.seuils_doublons)} ligne(s) en double fusionnée(s) (EPCI sur plusieurs "
            "départements : une ligne par département)."
        )
    for siren in sorted(desired.epcis_seuils_seuls):
        report.notes.append(
            f"SIREN {siren} ({desired.epcis[siren]['nom']}) présent seulement dans le fichier des seuils : "
            "EPCI de type « Autre », sans communes."
        )


# --- Bringing the database in line --------------------------------------------------------------------------


BATCH = 1000
UPDATE_BATCH = 100  # bulk_update builds one CASE per field: small batches stay linear


def _sync_rows(
    model: type[models.Model],
    key: Callable[[dict[str, Any]], Any],
    key_fields: list[str],
    fields: list[str],
    desired: dict[Any, dict[str, Any]],
    counts: Counts,
    *,
    create_only: dict[Any, dict[str, Any]] | None = None,
    on_update: Callable[[Any, dict[str, Any], dict[str, Any]], None] | None = None,
    touch: Iterable[str] = (),
) -> None:
    """Create missing rows, update differing ones (``fields`` only), count the others. Never deletes.

    ``desired`` maps a key to the values of ``fields`` (and of ``key_fields``, built from the key by the caller).
    ``touch``: fields written with every update although not compared (e.g. a modification time).
    """
    existing: dict[Any, dict[str, Any]] = {}
    for row in model.objects.values("pk", *key_fields, *fields).order_by("pk"):
        existing.setdefault(key(row), row)
    to_create, to_update, changed_fields = [], [], set()
    for k, values in desired.items():
        current = existing.get(k)
        if current is None:
            extra = (create_only or {}).get(k, {})
            to_create.append(model(**values, **extra))
            continue
        diff = [name for name in fields if current[name] != values[name]]
        if not diff:
            counts.unchanged += 1
            continue
        if on_update:
            on_update(k, current, values)
        changed_fields.update(diff)
        to_update.append(model(pk=current["pk"], **values))
    if to_create:
        model.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | set(touch)), batch_size=UPDATE_BATCH)
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _sync_pairs(
    through: type[models.Model], left: str, right: str, desired: set[tuple[int, int]], counts: Counts, **fixed
) -> None:
    existing = set(through.objects.filter(**fixed).values_list(left, right))
    missing = desired - existing
    through.objects.bulk_create([through(**{left: a, right: b}, **fixed) for a, b in sorted(missing)], batch_size=BATCH)
    counts.created += len(missing)
    counts.unchanged += len(desired & existing)


def _ids(model: type[models.Model], field_name: str, values: Iterable[str]) -> dict[str, int]:
    wanted = set(values)
    return {v: pk for pk, v in model.objects.values_list("pk", field_name) if v in wanted}


def _progress(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        flush = getattr(stdout, "flush", None)
        if flush:
            flush()


def import_referentiels(*, stdout: TextIO | None = None, only_epci: str | None = None) -> Report:
    """Load the reference data of ``cil/referentiels/`` into the database, in one transaction.

    Idempotent: a second run creates and updates nothing. Never deletes a row. Thresholds edited by hand are
    restored to the shipped value (reported as updated, with the old value in the notes).

    ``only_epci`` (a SIREN, e.g. ``"200040715"``) loads only that EPCI, its communes of every vintage (and the
    EPCI those communes belong to in 2025, without their perimeters), its QPV and thresholds, and the legal rates:
    a fast fixture for tests of any app and for the demo. Raises ``ReferentielError`` (French message) on an
    unknown SIREN or a broken file.

    ``stdout``: where to write progress lines (French), e.g. a management command's ``self.stdout``.
    """
    start = time.monotonic()
    report = Report(only_epci=only_epci)
    desired = _read_desired(report)
    if only_epci:
        _restrict_to_epci(desired, only_epci)
    _scope_notes(desired, report)
    _progress(stdout, "Fichiers de référence lus ; mise à jour de la base…")

    with transaction.atomic():
        # EPCI
        _sync_rows(
            Epci,
            key=lambda r: r["siren"],
            key_fields=["siren"],
            fields=["nom", "type", "population"],
            desired={s: {"siren": s, **v} for s, v in desired.epcis.items()},
            counts=report["epci"],
            create_only={s: {"fuseau_horaire": f} for s, f in desired.epci_fuseaux.items()},
        )
        epci_ids = _ids(Epci, "siren", desired.epcis)
        _progress(stdout, f"  EPCI : {_fr_int(len(desired.epcis))} dans les fichiers")

        # Communes
        _sync_rows(
            Commune,
            key=lambda r: r["code_insee"],
            key_fields=["code_insee"],
            fields=["nom", "type", "departement", "region", "population", "epci_id"],
            desired={
                insee: {
                    "code_insee": insee,
                    **{k: v for k, v in values.items() if k != "epci"},
                    "epci_id": epci_ids.get(values["epci"]) if values["epci"] else None,
                }
                for insee, values in desired.communes.items()
            },
            counts=report["commune"],
        )
        commune_ids = _ids(Commune, "code_insee", desired.communes)
        _progress(stdout, f"  Communes : {_fr_int(len(desired.communes))} dans les fichiers")

        # Perimeters (one millesime at a time keeps the sets small)
        for millesime in sorted({p[2] for p in desired.perimetres}):
            pairs = {(epci_ids[s], commune_ids[i]) for s, i, m in desired.perimetres if m == millesime}
            _sync_pairs(PerimetreEpci, "epci_id", "commune_id", pairs, report["perimetre"], millesime=millesime)
        _progress(stdout, f"  Périmètres : {_fr_int(len(desired.perimetres))} couples dans les fichiers")

        # QPV and their communes
        _sync_rows(
            Qpv,
            key=lambda r: r["code"],
            key_fields=["code"],
            fields=["nom", "carte", "epci_id"],
            desired={
                code: {
                    "code": code,
                    "nom": v["nom"],
                    "carte": v["carte"],
                    "epci_id": epci_ids.get(v["epci"]) if v["epci"] else None,
                }
                for code, v in desired.qpv.items()
            },
            counts=report["qpv"],
        )
        qpv_ids = _ids(Qpv, "code", desired.qpv)
        _sync_pairs(
            Qpv.communes.through,
            "qpv_id",
            "commune_id",
            {(qpv_ids[c], commune_ids[i]) for c, i in desired.qpv_communes},
            report["qpv_commune"],
        )
        _progress(stdout, f"  QPV : {_fr_int(len(desired.qpv))} dans les fichiers")

        # Thresholds
        noms = {epci_ids[s]: desired.epcis[s]["nom"] for s in desired.epcis}
        restored: list[str] = []

        def note_restored(k, current, values):
            epci_id, annee = k
            changes = [
                f"{label} {_fr_euros(current[name])} → {_fr_euros(values[name])}"
                for name, label in (("seuil_q1", "Q1"), ("seuil_q2", "Q2"), ("seuil_q3", "Q3"))
                if current[name] != values[name]
            ]
            what = ", ".join(changes) if changes else "référence de l'arrêté, dates ou source"
            restored.append(f"{noms.get(epci_id, epci_id)} {annee} : {what}")

        now = timezone.now()
        _sync_rows(
            SeuilQuartile,
            key=lambda r: (r["epci_id"], r["annee"]),
            key_fields=["epci_id", "annee"],
            fields=["seuil_q1", "seuil_q2", "seuil_q3", "arrete", "date_publication", "date_effet", "source"],
            desired={
                (epci_ids[s], annee): {"epci_id": epci_ids[s], "annee": annee, **v, "modifie_le": now}
                for (s, annee), v in desired.seuils.items()
            },
            counts=report["seuil"],
            on_update=note_restored,
            touch=["modifie_le"],
        )
        if restored:
            details = restored[:MAX_NOTES_DETAILLEES]
            if len(restored) > MAX_NOTES_DETAILLEES:
                details.append(f"… et {len(restored) - MAX_NOTES_DETAILLEES} autre(s).")
            report.notes.append(
                f"Seuils : {len(restored)} ligne(s) rétablie(s) à la valeur livrée (modification manuelle ou "
                "nouvelle version des fichiers) :\n" + "\n".join(details)
            )
        _progress(stdout, f"  Seuils : {_fr_int(len(desired.seuils))} (EPCI, année) dans les fichiers")

        # Legal rates. Migration cil 0003 may have created them already, with its own wording of the source:
        # only the rate is compared; the source and the end date (set when the law changes) are left alone.
        _sync_rows(
            TauxLegal,
            key=lambda r: (r["objectif"], r["date_debut"]),
            key_fields=["objectif", "date_debut"],
            fields=["taux"],
            desired={
                (objectif, debut): {"objectif": objectif, "date_debut": debut, "taux": taux}
                for objectif, taux, debut, _source in TAUX_LEGAUX
            },
            counts=report["taux_legal"],
            create_only={(objectif, debut): {"source": source} for objectif, _taux, debut, source in TAUX_LEGAUX},
        )

    report.seconds = time.monotonic() - start
    return report


# --- The EPCI staff's permissions in the administration -------------------------------------------------------

GROUPE_PERSONNEL_EPCI = "Personnel de l'EPCI (configuration du territoire)"
# Models EPCI staff configure in the admin (rows limited to their territories by cil.admin), those they read, and
# the accounts of their territory's people, which they create and edit but never delete (they deactivate them).
MODELES_CONFIGURES = {
    "cil": [
        "quartier",
        "secteur",
        "guichet",
        "membership",
        "seuilquartile",
        "ciblelocale",
        "referentielquartiers",
        "indicateurquartier",
        "classequartier",
    ],
    "politique": ["documentpolitique", "versiondocument", "action", "jalon", "indicateur"],
}
MODELES_LUS = {
    "cil": ["epci", "commune", "perimetreepci", "qpv", "bailleur", "reservataire", "tauxlegal"],
    "politique": ["journalpolitique"],
}
COMPTES = {"core": ["add_user", "change_user", "view_user"]}


@transaction.atomic
def groupe_personnel_epci():
    """The permission group of EPCI staff, created or brought up to date (idempotent).

    Run after every ``migrate`` (``CilConfig.ready`` connects it to ``post_migrate``) so that production has it,
    and by the demo. What the group's members see inside each model is decided by ``cil.permissions``.
    """
    from django.contrib.auth.models import Group, Permission

    groupe, _ = Group.objects.get_or_create(name=GROUPE_PERSONNEL_EPCI)
    voulues = models.Q(pk__in=[])
    for app, modeles in MODELES_CONFIGURES.items():
        codenames = [f"{action}_{m}" for m in modeles for action in ("add", "change", "delete", "view")]
        voulues |= models.Q(content_type__app_label=app, codename__in=codenames)
    for app, modeles in MODELES_LUS.items():
        voulues |= models.Q(content_type__app_label=app, codename__in=[f"view_{m}" for m in modeles])
    for app, codenames in COMPTES.items():
        voulues |= models.Q(content_type__app_label=app, codename__in=codenames)
    groupe.permissions.set(Permission.objects.filter(voulues))
    return groupe
