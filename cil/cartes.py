"""The interactive maps (Leaflet, ``templates/cartes/carte.html`` and ``static/js/carte.js``): a territory's
communes drawn from their shipped outlines (``ContourCommune``), coloured by any value per commune (a
choropleth), with markers, a legend and the table that says the same thing.

``carte_communes`` builds everything server-side: the colour of each commune, the legend's classes and the
texts; the browser only draws the JSON payload (``Carte.donnees``, embedded with ``json_script``). The table
(``Carte.lignes``, ``Carte.marqueurs``) is in the page whether JavaScript runs or not.

No tile server by default: the background is the outlines. ``settings.CARTE_TUILES_URL`` adds tiles under them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import slugify

from core.db import ordre_fr

from .models import Commune, Epci

# ColorBrewer « Blues » (5 classes, sequential, readable by colour-blind people), light = low.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
SANS_VALEUR = "#f2f2f2"  # communes without a figure: light grey, and « sans donnée » in the table
FOND = "#e8ecf2"  # communes of a map without values (markers only)
COULEURS_MARQUEURS = {"qpv": "#b2182b", "guichet": "#1b3a6b", "autre": "#4d4d4d"}
NOMBRE_CLASSES = 5


@dataclass(frozen=True)
class Classe:
    """A class of the legend: values from ``minimum`` to ``maximum`` (both included) share ``couleur``."""

    minimum: float
    maximum: float
    couleur: str
    libelle: str

    def contient(self, valeur: float) -> bool:
        return self.minimum <= valeur <= self.maximum


@dataclass(frozen=True)
class Marqueur:
    """A point on the map (a QPV, a reception point…), WGS 84; ``approche``: placed at its commune's centre."""

    lon: float
    lat: float
    libelle: str
    type: str = "autre"
    commune: str = ""
    detail: str = ""
    approche: bool = False


@dataclass
class LigneCommune:
    code: str
    nom: str
    valeur: float | None
    texte: str
    classe: str
    details: list[str] = field(default_factory=list)


@dataclass
class Carte:
    ident: str
    titre: str
    description: str
    unite: str
    lignes: list[LigneCommune]
    classes: list[Classe]
    marqueurs: list[dict]
    types_marqueurs: list[tuple[str, str, str]]
    entetes_details: list[str]
    donnees: dict
    avec_valeurs: bool
    communes_sans_contour: list[str]

    @property
    def sans_valeur(self) -> bool:
        """Whether some commune has no figure (the legend then shows « sans donnée »)."""
        return self.avec_valeurs and any(li.valeur is None for li in self.lignes)

    @property
    def ident_donnees(self) -> str:
        return f"{self.ident}-donnees"


def format_nombre(valeur: float, decimales: int = 0) -> str:
    """French writing of a number: decimal comma, narrow no-break space between thousands."""
    texte = f"{valeur:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")
    return texte


def _texte(valeur: float | None, unite: str, decimales: int) -> str:
    if valeur is None:
        return "sans donnée"
    return f"{format_nombre(valeur, decimales)}{' ' + unite if unite else ''}"


def classes_pour(valeurs: Sequence[float], unite: str = "", decimales: int = 0) -> list[Classe]:
    """Up to five classes of (nearly) equal counts (quantiles of the distinct values), light to dark.

    Each class runs from its smallest to its largest value present, so the legend's ranges say exactly
    which values each colour stands for."""
    distinctes = sorted(set(valeurs))
    if not distinctes:
        return []
    n = min(NOMBRE_CLASSES, len(distinctes))
    groupes = [
        distinctes[math.floor(i * len(distinctes) / n) : math.floor((i + 1) * len(distinctes) / n)] for i in range(n)
    ]
    palette = (
        PALETTE if n == len(PALETTE) else [PALETTE[round(i * (len(PALETTE) - 1) / max(n - 1, 1))] for i in range(n)]
    )
    classes = []
    for groupe, couleur in zip(groupes, palette, strict=True):
        bas, haut = groupe[0], groupe[-1]
        libelle = (
            _texte(bas, unite, decimales)
            if bas == haut
            else f"de {format_nombre(bas, decimales)} à {_texte(haut, unite, decimales)}"
        )
        classes.append(Classe(bas, haut, couleur, libelle))
    return classes


def _couleur_marqueur(type_: str) -> str:
    return COULEURS_MARQUEURS.get(type_, COULEURS_MARQUEURS["autre"])


def _tuiles() -> dict | None:
    url = getattr(settings, "CARTE_TUILES_URL", "")
    if not url:
        return None
    return {"url": url, "attribution": getattr(settings, "CARTE_TUILES_ATTRIBUTION", "")}


def carte_communes(
    epci: Epci,
    *,
    titre: str,
    valeurs: Mapping[str, float | None] | None = None,
    valeur_absente: float | None = None,
    unite: str = "",
    decimales: int = 0,
    textes: Mapping[str, str] | None = None,
    classes: list[Classe] | None = None,
    details: Mapping[str, Sequence[str]] | None = None,
    entetes_details: Sequence[str] = (),
    marqueurs: Sequence[Marqueur] = (),
    types_marqueurs: Mapping[str, str] | None = None,
    description: str = "",
    ident: str | None = None,
) -> Carte:
    """The map of ``epci``'s communes (``Commune.epci``), coloured by ``valeurs`` ({code INSEE: value}).

    Values of communes outside the territory are ignored; a commune missing from ``valeurs`` gets
    ``valeur_absente`` (0 for counts), a ``None`` value is « sans donnée ». ``textes`` overrides the written
    value of a commune (e.g. a rate written by the legal rule), ``classes`` the legend (default:
    ``classes_pour`` the values), ``details`` adds columns to the table (``entetes_details``).
    ``valeurs=None``: a map of markers on the plain outlines. One query.
    """
    communes = list(
        Commune.objects.filter(epci=epci)
        .order_by(ordre_fr("nom"))
        .values_list("code_insee", "nom", "contour__polygones")
    )
    avec_valeurs = valeurs is not None
    propres = {code: valeurs.get(code, valeur_absente) for code, _, _ in communes} if valeurs is not None else {}
    if classes is None:
        classes = classes_pour([v for v in propres.values() if v is not None], unite, decimales)
    textes = textes or {}
    details = details or {}
    lignes, features, sans_contour = [], [], []
    for code, nom, polygones in communes:
        valeur = propres.get(code)
        classe = next((c for c in classes if valeur is not None and c.contient(valeur)), None)
        texte = textes.get(code) or _texte(valeur, unite, decimales)
        lignes.append(
            LigneCommune(
                code=code,
                nom=nom,
                valeur=valeur,
                texte=texte,
                classe=classe.libelle if classe else "sans donnée",
                details=list(details.get(code, [])),
            )
        )
        if not polygones:
            sans_contour.append(nom)
            continue
        couleur = (classe.couleur if classe else SANS_VALEUR) if avec_valeurs else FOND
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "nom": nom,
                    "texte": texte if avec_valeurs else "",
                    "couleur": couleur,
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygones},
            }
        )
    types = {**{"qpv": "QPV", "guichet": "Lieu d'accueil"}, **(types_marqueurs or {})}
    legende_marqueurs = [(t, types.get(t, t), _couleur_marqueur(t)) for t in dict.fromkeys(m.type for m in marqueurs)]
    points = [
        {
            "type_libelle": types.get(m.type, m.type),
            "libelle": m.libelle,
            "detail": m.detail,
            "commune": m.commune,
            "approche": m.approche,
            "lat": m.lat,
            "lon": m.lon,
        }
        for m in marqueurs
    ]
    ident = ident or f"carte-{slugify(titre)[:40]}"
    donnees = {
        "titre": titre,
        "unite": unite,
        "fond": {"type": "FeatureCollection", "features": features},
        "marqueurs": [
            {
                "lon": m.lon,
                "lat": m.lat,
                "libelle": f"{types.get(m.type, m.type)} : {m.libelle}" + (f" ({m.detail})" if m.detail else ""),
                "couleur": _couleur_marqueur(m.type),
            }
            for m in marqueurs
        ],
        "attribution": "Fond : contours des communes (voir la source sous la carte)",
        "tuiles": _tuiles(),
    }
    return Carte(
        ident=ident,
        titre=titre,
        description=description,
        unite=unite,
        lignes=lignes,
        classes=classes,
        marqueurs=points,
        types_marqueurs=legende_marqueurs,
        entetes_details=list(entetes_details),
        donnees=donnees,
        avec_valeurs=avec_valeurs,
        communes_sans_contour=sans_contour,
    )


def position_guichet(guichet, centre_commune: tuple[float, float] | None) -> tuple[tuple[float, float] | None, bool]:
    """(lon, lat) of a reception point and whether it is approximate: its own coordinates when entered, else
    ``centre_commune`` (its commune's centre, ``cil.contours.centre``), else None."""
    if guichet.latitude is not None and guichet.longitude is not None:
        return (float(guichet.longitude), float(guichet.latitude)), False
    return centre_commune, True
