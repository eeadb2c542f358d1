"""Maps of the public pages without JavaScript: commune outlines (``cil.ContourCommune``) drawn as inline SVG on
the server.

No tile server, no CDN, no JavaScript: longitude and latitude are projected simply (equirectangular, the
longitudes shrunk by the cosine of the middle latitude, which is exact enough at the scale of an EPCI), the
reception points are numbered markers, and every map comes with a table that says the same thing. The same
page also draws the interactive map (``cil.cartes``, Leaflet) when JavaScript runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

LARGEUR = 640
MARGE = 12
RAYON = 10


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
