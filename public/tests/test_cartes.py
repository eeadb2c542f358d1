"""The server-side SVG map of the public pages (the outlines themselves: cil/tests/test_contours.py)."""

from __future__ import annotations

from public import cartes


def test_carte_svg_accessible_et_echappee():
    carre = [[[5.70, 45.17], [5.75, 45.17], [5.75, 45.20], [5.70, 45.20], [5.70, 45.17]]]
    svg = cartes.carte_svg(
        [("38185", "Grenoble <centre>", [carre])],
        [cartes.Repere(1, "Accueil & logement", 5.72, 45.18), cartes.Repere(2, "Autre", 5.72, 45.18)],
        titre="Carte des guichets",
        description="Deux guichets à Grenoble.",
        selection="38185",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="carte-titre carte-desc"' in svg
    assert "<title>Grenoble &lt;centre&gt;</title>" in svg
    assert "<title>1. Accueil &amp; logement</title>" in svg
    assert svg.count("<circle") == 2
    assert 'fill="#ffd98a"' in svg  # the chosen commune
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
