"""Maps of the public pages: commune outlines loaded from GeoJSON, drawn as inline SVG on the server.

No tile server, no CDN, no JavaScript: longitude and latitude are projected simply (equirectangular, the
longitudes shrunk by the cosine of the middle latitude, which is exact enough at the scale of an EPCI), the
reception points are numbered markers, and every map comes with a table that says the same thing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe

from cil.models import Commune

from .models import ContourCommune

DOSSIER_CONTOURS = Path(settings.BASE_DIR) / "cil" / "referentiels" / "contours"
SOURCES_LIVREES = {
    "communes-38-isere.geojson": (
        "gregoiredavid/france-geojson, commit 5d34ee6d0140c29f785fdb047d9329f1aab58833, "
        "departements/38-isere/communes-38-isere.geojson : IGN Admin Express COG 2018, Licence Ouverte"
    ),
}
PROPRIETES_CODE = ("code", "code_insee", "codgeo", "insee_com", "INSEE_COM", "CODGEO")
LARGEUR = 640
MARGE = 12
RAYON = 10


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


@dataclass
class Projection:
    ouest: float
    nord: float
    echelle: float
    kx: float
    hauteur: float

    @classmethod
    def pour(cls, points: list[tuple[float, float]]) -> Projection:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        ouest, est, sud, nord = min(lons), max(lons), min(lats), max(lats)
        kx = math.cos(math.radians((sud + nord) / 2))
        # the width fills the picture; a very tall territory is kept within twice the width
        echelle = (LARGEUR - 2 * MARGE) / max((est - ouest) * kx, (nord - sud) / 2, 1e-6)
        return cls(ouest, nord, echelle, kx, (nord - sud) * echelle + 2 * MARGE)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (MARGE + (lon - self.ouest) * self.kx * self.echelle, MARGE + (self.nord - lat) * self.echelle)


def _chemin(polygones: list, projection: Projection) -> str:
    morceaux = []
    for polygone in polygones:
        for anneau in polygone:
            points, precedent = [], None
            for lon, lat in anneau:
                x, y = projection.xy(lon, lat)
                point = f"{x:.1f},{y:.1f}"
                if point != precedent:
                    points.append(point)
                    precedent = point
            if len(points) >= 3:
                morceaux.append("M" + "L".join(points) + "Z")
    return "".join(morceaux)


@dataclass
class Repere:
    numero: int
    nom: str
    lon: float
    lat: float


def carte_svg(
    communes: list[tuple[str, str, list]],
    reperes: list[Repere],
    *,
    titre: str,
    description: str,
    selection: str | None = None,
    ident: str = "carte",
) -> SafeString:
    """The communes (code, name, polygons) and the numbered markers as an accessible inline SVG."""
    points = [tuple(pt) for _, _, polygones in communes for p in polygones for pt in p[0]]
    points += [(r.lon, r.lat) for r in reperes]
    if not points:
        return mark_safe("")
    projection = Projection.pour(points)
    e = escape
    parties = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {projection.hauteur:.0f}" '
        f'role="img" aria-labelledby="{ident}-titre {ident}-desc" class="carte-publique">',
        f'<title id="{ident}-titre">{e(titre)}</title>',
        f'<desc id="{ident}-desc">{e(description)}</desc>',
    ]
    for code, nom, polygones in communes:
        choisie = code == selection
        parties.append(
            f'<path d="{_chemin(polygones, projection)}" fill="{"#ffd98a" if choisie else "#eef1f6"}" '
            f'stroke="{"#8a4b00" if choisie else "#8a94a6"}" stroke-width="{2 if choisie else 0.7}" '
            f'fill-rule="evenodd"><title>{e(nom)}</title></path>'
        )
    places: dict[tuple[int, int], int] = {}
    for r in reperes:
        x, y = projection.xy(r.lon, r.lat)
        cle = (round(x / (2 * RAYON)), round(y / (2 * RAYON)))
        decalage = places.get(cle, 0)
        places[cle] = decalage + 1
        x += decalage * (2 * RAYON + 2)  # markers at the same place stand side by side
        parties.append(
            f"<g><title>{r.numero}. {e(r.nom)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RAYON}" fill="#1b3a6b" stroke="#fff" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
            f'font-family="Arial, Helvetica, sans-serif" fill="#fff">{r.numero}</text></g>'
        )
    parties.append("</svg>")
    return mark_safe("".join(parties))  # noqa: S308 - every text above is escaped
