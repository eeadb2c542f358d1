"""The communes' outlines (``ContourCommune``), background of every map: loaded from GeoJSON (the shipped file of
the demo's département, or another département's file by ``manage.py import_contours``), plus the geometry the
maps share (a commune's centre, distances) and the shipped points of the QPV.

Only this module writes ``ContourCommune``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Commune, ContourCommune

DOSSIER_CONTOURS = Path(settings.BASE_DIR) / "cil" / "referentiels" / "contours"
SOURCES_LIVREES = {
    "communes-38-isere.geojson": (
        "gregoiredavid/france-geojson, commit 5d34ee6d0140c29f785fdb047d9329f1aab58833, "
        "departements/38-isere/communes-38-isere.geojson : IGN Admin Express COG 2018, Licence Ouverte"
    ),
}
PROPRIETES_CODE = ("code", "code_insee", "codgeo", "insee_com", "INSEE_COM", "CODGEO")


class ContoursInvalides(Exception):
    """The file is not a GeoJSON collection of commune polygons (message in French)."""


@dataclass
class RapportContours:
    charges: int = 0
    crees: int = 0
    inconnus: list[str] | None = None


def _polygones(geometrie: dict) -> list:
    """[[outer ring, holes…], …] with points [lon, lat] rounded to five decimals (about a metre)."""
    if not geometrie:
        return []
    if geometrie.get("type") == "Polygon":
        polygones = [geometrie["coordinates"]]
    elif geometrie.get("type") == "MultiPolygon":
        polygones = geometrie["coordinates"]
    else:
        raise ContoursInvalides(f"Géométrie « {geometrie.get('type')} » : polygones attendus.")
    return [[[[round(float(x), 5), round(float(y), 5)] for x, y, *_ in anneau] for anneau in p] for p in polygones]


@transaction.atomic
def importer_contours(chemin: Path | str, source: str) -> RapportContours:
    """Load (or replace) the outlines of the communes of a GeoJSON FeatureCollection, all or nothing.

    Each feature gives its commune's INSEE code in one of the usual properties (``code``, ``code_insee``,
    ``codgeo``, ``insee_com``); codes unknown to the loaded COG are skipped and listed in the report.
    """
    try:
        donnees = json.loads(Path(chemin).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContoursInvalides(f"Fichier illisible : {exc}") from exc
    if donnees.get("type") != "FeatureCollection":
        raise ContoursInvalides("Une collection GeoJSON (« FeatureCollection ») est attendue.")
    par_code = {}
    for i, feature in enumerate(donnees.get("features", []), start=1):
        proprietes = feature.get("properties") or {}
        code = next((str(proprietes[p]) for p in PROPRIETES_CODE if proprietes.get(p)), None)
        if not code:
            raise ContoursInvalides(f"Objet n° {i} : pas de code INSEE (propriété « code » ou « code_insee »).")
        par_code[code] = _polygones(feature.get("geometry"))
    communes = dict(Commune.objects.filter(code_insee__in=par_code).values_list("code_insee", "pk"))
    existants = {c.commune_id: c for c in ContourCommune.objects.filter(commune_id__in=communes.values())}
    nouveaux, modifies = [], []
    for code, pk in communes.items():
        contour = existants.get(pk)
        if contour is None:
            nouveaux.append(ContourCommune(commune_id=pk, polygones=par_code[code], source=source))
        else:
            contour.polygones, contour.source = par_code[code], source
            modifies.append(contour)
    ContourCommune.objects.bulk_create(nouveaux)
    ContourCommune.objects.bulk_update(modifies, ["polygones", "source"])
    return RapportContours(charges=len(communes), crees=len(nouveaux), inconnus=sorted(set(par_code) - set(communes)))


def importer_contours_livres(codes_insee=None) -> list[RapportContours]:
    """The files shipped in ``cil/referentiels/contours/`` (all, or only when one of ``codes_insee`` lacks one)."""
    if codes_insee is not None:
        manquants = Commune.objects.filter(code_insee__in=codes_insee, contour__isnull=True)
        if not manquants.exists():
            return []
    return [importer_contours(DOSSIER_CONTOURS / nom, source) for nom, source in SOURCES_LIVREES.items()]


# --- Geometry ---------------------------------------------------------------------------------------------


def centre(polygones: list) -> tuple[float, float] | None:
    """(lon, lat) of the centroid of the largest outer ring (shoelace formula), None without a polygon."""
    meilleur, aire_max = None, -1.0
    for polygone in polygones:
        anneau = polygone[0]
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(anneau, anneau[1:] + anneau[:1], strict=True):
            f = x0 * y1 - x1 * y0
            a += f
            cx += (x0 + x1) * f
            cy += (y0 + y1) * f
        if abs(a) > aire_max and a:
            aire_max, meilleur = abs(a), (cx / (3 * a), cy / (3 * a))
    return meilleur


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- QPV points ---------------------------------------------------------------------------------------------

# Shipped points of the QPV 2024 (cil/referentiels/README.md): one point per commune that has QPV, labelled with
# the QPV codes of that commune. Another département's rows may be added as another file of the same name pattern.
MOTIF_POINTS_QPV = "qpv_2024_points_*.geojson"


@cache
def _points_qpv_livres() -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    for fichier in sorted((Path(settings.BASE_DIR) / "cil" / "referentiels").glob(MOTIF_POINTS_QPV)):
        for feature in json.loads(fichier.read_text(encoding="utf-8"))["features"]:
            lon, lat = feature["geometry"]["coordinates"][:2]
            for code in str(feature["properties"]["code_qp"]).split(","):
                points.setdefault(code.strip(), (round(float(lon), 5), round(float(lat), 5)))
    return points


def point_qpv(code: str) -> tuple[float, float] | None:
    """(lon, lat) of a QPV 2024 from the shipped points, None when the file of its département is not shipped."""
    return _points_qpv_livres().get(code)
