"""The communes' outlines (shipped GeoJSON, another département by command) and the server-side SVG map."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from public import cartes
from public.models import ContourCommune


def test_contours_livres_de_l_isere(territoire):
    rapport = cartes.importer_contours_livres()[0]
    assert rapport.charges == 3  # the three communes of this test territory
    assert len(rapport.inconnus) == 521 - 3
    grenoble = ContourCommune.objects.get(commune__code_insee="38185")
    assert "france-geojson" in grenoble.source
    lon, lat = cartes.centre(grenoble.polygones)
    assert 5.68 < lon < 5.76 and 45.15 < lat < 45.22  # Grenoble
    assert cartes.importer_contours_livres(["38185"]) == []  # nothing missing: nothing reloaded


def test_un_autre_departement_par_la_commande(territoire, tmp_path):
    fichier = tmp_path / "communes.geojson"
    carre = [[[5.0, 45.0], [5.1, 45.0], [5.1, 45.1], [5.0, 45.1], [5.0, 45.0]]]
    fichier.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code_insee": "38158"},
                        "geometry": {"type": "MultiPolygon", "coordinates": [carre, carre]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"code": "69123"},
                        "geometry": {"type": "Polygon", "coordinates": carre},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    sortie = StringIO()
    with pytest.raises(CommandError, match="--source"):
        call_command("import_contours", str(fichier), stdout=sortie)
    call_command("import_contours", str(fichier), "--source", "IGN Admin Express 2024", stdout=sortie)
    assert (
        "1 contour(s) de communes chargé(s), dont 0 nouveau(x) ; 1 code(s) INSEE inconnu(s) ignoré(s) : 69123"
        in sortie.getvalue()
    )
    eybens = ContourCommune.objects.get(commune__code_insee="38158")
    assert len(eybens.polygones) == 2 and eybens.source == "IGN Admin Express 2024"

    fichier.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": None}]})
    )
    with pytest.raises(CommandError, match="pas de code INSEE"):
        call_command("import_contours", str(fichier), "--source", "x", stdout=sortie)
    fichier.write_text(json.dumps({"type": "Feature"}))
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_contours", str(fichier), "--source", "x", stdout=sortie)


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


def test_distance():
    grenoble, echirolles = (5.7245, 45.1885), (5.7190, 45.1440)
    assert cartes.distance_km(grenoble, echirolles) == pytest.approx(4.97, abs=0.05)
