"""Server-side SVG charts, the same picture on screen and in the PDF balance sheets.

No JavaScript, no network. Every chart is accessible: ``role="img"`` with a ``<title>`` and a
``<desc>`` (a sentence giving every figure), text labels on every bar and point (never colour
alone: the targets are dashed lines with a legend, the series have distinct markers and dash
patterns), French number formatting ("23,5 %").

Rates are FRACTIONS between 0 and 1, exactly as ``attributions.selectors.calcule_objectifs_epci``
returns them (``taux``, ``cible``); ``None`` means "not computable" (nothing counted).

Every label is escaped: the returned markup is marked safe and may be included with ``|safe``.
"""

from __future__ import annotations

import itertools
import math
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .formats import pourcentage

POLICE = "'Liberation Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif"
ENCRE = "#1b1b1b"
GRIS = "#6b6b6b"
GRILLE = "#d9d9d9"
COULEUR_ATTEINT = "#2e6b30"
COULEUR_MANQUE = "#b34700"
COULEUR_NEUTRE = "#1f4e79"
COULEUR_CIBLE = "#8b0000"
PALETTE = ["#1f4e79", "#b34700", "#2e6b30", "#6a1b9a", "#00695c", "#5d4037"]
TIRETS = ["", "7 4", "2 3", "9 3 2 3", "4 2", "1 2"]
MARQUEURS = ["rond", "carre", "triangle", "losange", "rond", "carre"]

_compteur = itertools.count(1)


def _e(texte) -> str:
    return escape(str(texte), quote=True)


def _court(texte: str, longueur: int) -> str:
    texte = str(texte)
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _coupe(texte: str, largeur: int, lignes: int = 2) -> list[str]:
    """Word-wrap a label into at most ``lignes`` lines of ``largeur`` characters (ellipsis beyond)."""
    mots, resultat, courante = str(texte).split(), [], ""
    for mot in mots:
        essai = f"{courante} {mot}".strip()
        if len(essai) <= largeur or not courante:
            courante = essai
        else:
            resultat.append(courante)
            courante = mot
    resultat.append(courante)
    if len(resultat) > lignes:
        resultat = resultat[: lignes - 1] + [_court(" ".join(resultat[lignes - 1 :]), largeur)]
    return [_court(ligne, largeur) for ligne in resultat]


def _texte_multiligne(
    x: float, y: float, lignes: list[str], *, ancre: str = "end", interligne: int = 12, **attrs
) -> str:
    """A <text> of one or more lines, vertically centred on y."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    debut = y - (len(lignes) - 1) * interligne / 2
    tspans = "".join(
        f'<tspan x="{x:.1f}" y="{debut + k * interligne:.1f}">{_e(ligne)}</tspan>' for k, ligne in enumerate(lignes)
    )
    return f'<text text-anchor="{ancre}"{extra}>{tspans}</text>'


def _ouverture(largeur: int, hauteur: int, titre: str, description: str, classe: str) -> tuple[str, str]:
    ident = f"graphique-{next(_compteur)}"
    entete = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique {classe}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc" viewBox="0 0 {largeur} {hauteur}" '
        f'width="{largeur}" height="{hauteur}" font-family="{_e(POLICE)}" font-size="12" fill="{ENCRE}">'
        f'<title id="{ident}-titre">{_e(titre)}</title>'
        f'<desc id="{ident}-desc">{_e(description)}</desc>'
    )
    return ident, entete


def _etat(ind: dict) -> str:
    """'atteint' / 'non atteint' from the indicator's exact ``atteint`` (attributions.rules.atteint) when given."""
    taux, cible = ind.get("taux"), ind.get("cible")
    if taux is None or cible is None:
        return ""
    reached = ind["atteint"] if ind.get("atteint") is not None else taux >= cible
    return "atteint" if reached else "non atteint"


def _taux_texte(ind: dict) -> str:
    """The rate as shown, never rounded across its target when the indicator carries ``taux_texte``."""
    if ind.get("taux_texte"):
        return ind["taux_texte"]
    return pourcentage(ind["taux"]) if ind.get("taux") is not None else "–"


def barres_objectifs(indicateurs: list[dict], *, titre: str, description: str | None = None) -> SafeString:
    """Horizontal bars, one per indicator, on a 0-100 % scale, the target marked as a dashed line.

    Each dict: ``label`` (str), ``taux`` (fraction or None), ``cible`` (fraction or None), and when known
    ``atteint`` (bool, compared exactly) and ``taux_texte`` (the rate as shown; Platform decision 10).
    """
    largeur = 720
    x0, x1 = 225, 555  # the 0 % and 100 % positions
    echelle = x1 - x0
    haut = 34 if titre else 10
    pas = 40
    hauteur = haut + pas * max(len(indicateurs), 1) + 52

    phrases = []
    for ind in indicateurs:
        phrase = f"{ind['label']} : {_taux_texte(ind) if ind.get('taux') is not None else 'non calculable'}"
        if ind.get("cible") is not None:
            phrase += f" pour une cible de {pourcentage(ind['cible'])}"
            etat = _etat(ind)
            if etat:
                phrase += f" ({etat})"
        phrases.append(phrase)
    desc = description or (". ".join(phrases) + "." if phrases else "Aucune donnée.")

    _, svg = _ouverture(largeur, hauteur, titre, desc, "graphique-barres")
    parts = [svg]
    if titre:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{_e(titre)}</text>')

    bas = haut + pas * max(len(indicateurs), 1)
    # Grid and scale.
    for graduation in (0, 25, 50, 75, 100):
        x = x0 + echelle * graduation / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{haut - 4}" x2="{x:.1f}" y2="{bas}" stroke="{GRILLE}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{bas + 14}" font-size="10" fill="{GRIS}" text-anchor="middle">'
            f"{_e(pourcentage(graduation / 100, 0))}</text>"
        )

    if not indicateurs:
        parts.append(f'<text x="{x0}" y="{haut + 24}" fill="{GRIS}">Aucune donnée</text>')

    for i, ind in enumerate(indicateurs):
        y = haut + i * pas
        label = str(ind.get("label", ""))
        taux = ind.get("taux")
        cible = ind.get("cible")
        etat = _etat(ind)
        couleur = COULEUR_NEUTRE if not etat else (COULEUR_ATTEINT if etat == "atteint" else COULEUR_MANQUE)
        parts.append(f'<g class="barre" data-label="{_e(label)}">')
        parts.append(f"<title>{_e(phrases[i])}</title>")
        parts.append(_texte_multiligne(x0 - 8, y + 17, _coupe(label, 34), class_="etiquette"))
        if taux is None:
            parts.append(f'<text x="{x0 + 4}" y="{y + 17}" fill="{GRIS}" font-style="italic">non calculable</text>')
        else:
            w = max(echelle * min(max(taux, 0.0), 1.0), 0.0)
            parts.append(
                f'<rect class="valeur" x="{x0}" y="{y + 4}" width="{w:.1f}" height="18" fill="{couleur}" '
                f'data-taux="{taux:.6f}"/>'
            )
        if cible is not None:
            xc = x0 + echelle * min(max(cible, 0.0), 1.0)
            parts.append(
                f'<line class="cible" x1="{xc:.1f}" y1="{y}" x2="{xc:.1f}" y2="{y + 26}" stroke="{COULEUR_CIBLE}" '
                f'stroke-width="2.5" stroke-dasharray="4 2" data-cible="{cible:.6f}"/>'
            )
        valeur = _taux_texte(ind)
        parts.append(f'<text x="{x1 + 10}" y="{y + 13}" font-weight="bold" class="taux">{_e(valeur)}</text>')
        if cible is not None:
            sous = f"cible {pourcentage(cible)}" + (f" · {etat}" if etat else "")
            parts.append(f'<text x="{x1 + 10}" y="{y + 27}" font-size="10" fill="{GRIS}">{_e(sous)}</text>')
        parts.append("</g>")

    # Legend: the target line, and what the colours mean (also said in words next to each bar).
    yl = bas + 34
    parts.append(
        f'<g class="legende"><line x1="{x0}" y1="{yl - 4}" x2="{x0 + 24}" y2="{yl - 4}" stroke="{COULEUR_CIBLE}" '
        f'stroke-width="2.5" stroke-dasharray="4 2"/>'
        f'<text x="{x0 + 30}" y="{yl}" font-size="10">cible légale</text>'
        f'<rect x="{x0 + 215}" y="{yl - 9}" width="10" height="10" fill="{COULEUR_ATTEINT}"/>'
        f'<text x="{x0 + 230}" y="{yl}" font-size="10">atteint</text>'
        f'<rect x="{x0 + 280}" y="{yl - 9}" width="10" height="10" fill="{COULEUR_MANQUE}"/>'
        f'<text x="{x0 + 295}" y="{yl}" font-size="10">non atteint</text></g>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


def _marqueur(forme: str, x: float, y: float, couleur: str) -> str:
    if forme == "carre":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{couleur}"/>'
    if forme == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" fill="{couleur}"/>'
        )
    if forme == "losange":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" '
            f'fill="{couleur}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{couleur}"/>'


def evolution(
    series: dict[str, list[tuple[int, float | None]]],
    *,
    titre: str,
    cible: float | None = None,
    description: str | None = None,
) -> SafeString:
    """Year-over-year lines, one per series, each point labelled; the target as a dashed line.

    ``series``: {label: [(annee, taux fraction or None), ...]}; a None breaks the line.
    """
    largeur, hauteur = 720, 320
    gauche, droite, haut, bas = 56, largeur - 24, 40, 220
    annees = sorted({a for points in series.values() for a, _ in points})
    valeurs = [v for points in series.values() for _, v in points if v is not None]
    if cible is not None:
        valeurs.append(cible)
    haut_brut = max(valeurs, default=0.1) * 1.15
    pas_grille = 0.05 if haut_brut <= 0.25 else (0.1 if haut_brut <= 0.5 else 0.2)
    ymax = min(1.0, max(pas_grille, math.ceil(round(haut_brut / pas_grille, 6)) * pas_grille))
    graduations = round(ymax / pas_grille)

    phrases = []
    for label, points in series.items():
        morceaux = [f"{a} : {pourcentage(v) if v is not None else 'non calculable'}" for a, v in sorted(points)]
        phrases.append(f"{label} — " + ", ".join(morceaux))
    if cible is not None:
        phrases.append(f"cible : {pourcentage(cible)}")
    desc = description or ("; ".join(phrases) + "." if phrases else "Aucune donnée.")

    _, svg = _ouverture(largeur, hauteur, titre, desc, "graphique-evolution")
    parts = [svg]
    if titre:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{_e(titre)}</text>')

    def xpos(annee: int) -> float:
        if len(annees) <= 1:
            return (gauche + droite) / 2
        return gauche + 30 + (droite - gauche - 60) * annees.index(annee) / (len(annees) - 1)

    def ypos(v: float) -> float:
        return bas - (bas - haut) * min(max(v, 0.0), ymax) / ymax

    # Grid: 5 horizontal lines with their labels, and the years on the x axis.
    for k in range(graduations + 1):
        v = pas_grille * k
        y = ypos(v)
        parts.append(
            f'<line x1="{gauche}" y1="{y:.1f}" x2="{droite}" y2="{y:.1f}" stroke="{GRILLE}" stroke-width="1"/>'
            f'<text x="{gauche - 6}" y="{y + 4:.1f}" font-size="10" fill="{GRIS}" text-anchor="end">'
            f"{_e(pourcentage(v, 0))}</text>"
        )
    for a in annees:
        parts.append(f'<text x="{xpos(a):.1f}" y="{bas + 16}" font-size="11" text-anchor="middle">{a}</text>')
    if not annees:
        parts.append(
            f'<text x="{(gauche + droite) / 2}" y="{(haut + bas) / 2}" text-anchor="middle">Aucune donnée</text>'
        )

    if cible is not None:
        yc = ypos(cible)
        parts.append(
            f'<line class="cible" x1="{gauche}" y1="{yc:.1f}" x2="{droite}" y2="{yc:.1f}" stroke="{COULEUR_CIBLE}" '
            f'stroke-width="2" stroke-dasharray="6 3" data-cible="{cible:.6f}"/>'
            f'<text x="{droite}" y="{yc - 5:.1f}" font-size="10" fill="{COULEUR_CIBLE}" text-anchor="end">'
            f"cible {_e(pourcentage(cible))}</text>"
        )

    # Point labels sit right of their marker; labels of the same year are pushed apart (12 px).
    position_etiquette: dict[tuple[int, int], float] = {}
    for a in annees:
        du_jour = sorted(
            (ypos(v), i) for i, points in enumerate(series.values()) for an, v in points if an == a and v is not None
        )
        precedent = -1e9
        for y, i in du_jour:
            y_label = max(y + 4, precedent + 12)
            position_etiquette[(i, a)] = y_label
            precedent = y_label
    etiquettes: list[str] = []
    for i, (label, points) in enumerate(series.items()):
        couleur = PALETTE[i % len(PALETTE)]
        tirets = TIRETS[i % len(TIRETS)]
        forme = MARQUEURS[i % len(MARQUEURS)]
        parts.append(f'<g class="serie" data-label="{_e(label)}"><title>{_e(phrases[i])}</title>')
        # Consecutive non-None points form a segment.
        segment: list[tuple[float, float]] = []
        segments = []
        for a, v in sorted(points):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append((xpos(a), ypos(v)))
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
                dash = f' stroke-dasharray="{tirets}"' if tirets else ""
                parts.append(f'<polyline points="{pts}" fill="none" stroke="{couleur}" stroke-width="2.5"{dash}/>')
        for a, v in sorted(points):
            if v is None:
                continue
            x, y = xpos(a), ypos(v)
            parts.append(_marqueur(forme, x, y, couleur))
            texte = pourcentage(v)
            yl = position_etiquette[(i, a)]
            # Drawn after every line, on a white background, so that no line crosses a label.
            etiquettes.append(
                f'<rect x="{x + 6:.1f}" y="{yl - 9:.1f}" width="{len(texte) * 5.6 + 4:.1f}" height="12" '
                f'fill="#ffffff" fill-opacity="0.9"/>'
                f'<text class="point" x="{x + 8:.1f}" y="{yl:.1f}" font-size="10" '
                f'font-weight="bold" fill="{couleur}" data-annee="{a}">{_e(texte)}</text>'
            )
        parts.append("</g>")
    parts.extend(etiquettes)

    # Legend: marker, dash pattern and name of each series.
    yl, xl = bas + 44, gauche
    par_ligne = 3 if max((len(str(label)) for label in series), default=0) <= 28 else 2
    largeur_col = (droite - gauche) // par_ligne
    longueur = 44 if par_ligne == 2 else 30
    for i, label in enumerate(series):
        couleur = PALETTE[i % len(PALETTE)]
        tirets = TIRETS[i % len(TIRETS)]
        dash = f' stroke-dasharray="{tirets}"' if tirets else ""
        ligne = yl + 18 * (i // par_ligne)
        col = xl + largeur_col * (i % par_ligne)
        parts.append(
            f'<g class="legende"><line x1="{col}" y1="{ligne - 4}" x2="{col + 28}" y2="{ligne - 4}" '
            f'stroke="{couleur}" stroke-width="2.5"{dash}/>'
            + _marqueur(MARQUEURS[i % len(MARQUEURS)], col + 14, ligne - 4, couleur)
            + f'<text x="{col + 34}" y="{ligne}" font-size="11">{_e(_court(label, longueur))}</text></g>'
        )
    parts.append("</svg>")
    svg_final = "".join(parts)
    lignes_legende = math.ceil(len(series) / par_ligne) if series else 0
    if lignes_legende > 2:
        nouvelle = hauteur + 18 * (lignes_legende - 2)
        svg_final = svg_final.replace(
            f'viewBox="0 0 {largeur} {hauteur}" width="{largeur}" height="{hauteur}"',
            f'viewBox="0 0 {largeur} {nouvelle}" width="{largeur}" height="{nouvelle}"',
            1,
        )
    return mark_safe(svg_final)  # noqa: S308 - every label above is escaped


def barres_effectifs(
    valeurs: list[tuple[str, float | None]], *, titre: str, unite: str = "", decimales: int = 0
) -> SafeString:
    """Simple horizontal bars of counts (e.g. waiting time in months by typology); None is 'masqué'."""
    from .formats import nombre

    largeur = 720
    x0, x1 = 215, 600
    haut = 34 if titre else 10
    pas = 28
    hauteur = haut + pas * max(len(valeurs), 1) + 12
    vmax = max((v for _, v in valeurs if v is not None), default=0) or 1
    phrases = [
        f"{lab} : {nombre(v) + (' ' + unite if unite else '') if v is not None else 'masqué'}" for lab, v in valeurs
    ]
    desc = ". ".join(phrases) + "." if phrases else "Aucune donnée."
    _, svg = _ouverture(largeur, hauteur, titre, desc, "graphique-effectifs")
    parts = [svg]
    if titre:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{_e(titre)}</text>')
    for i, (label, v) in enumerate(valeurs):
        y = haut + i * pas
        parts.append(f'<g class="barre" data-label="{_e(label)}">')
        parts.append(f'<text x="{x0 - 8}" y="{y + 15}" text-anchor="end">{_e(_court(label, 32))}</text>')
        if v is None:
            parts.append(f'<text x="{x0 + 4}" y="{y + 15}" fill="{GRIS}" font-style="italic">masqué</text>')
        else:
            w = (x1 - x0) * v / vmax
            texte = nombre(v, decimales) + (f" {unite}" if unite else "")
            parts.append(
                f'<rect class="valeur" x="{x0}" y="{y + 3}" width="{w:.1f}" height="16" fill="{COULEUR_NEUTRE}"/>'
            )
            parts.append(f'<text x="{x0 + w + 6:.1f}" y="{y + 15}" font-size="11">{_e(texte)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped
