"""The communes' outlines: the shipped GeoJSON of the Isère, another département by command, the geometry."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cil import contours
from cil.models import ContourCommune


def test_contours_livres_de_l_isere(territoire_minimal):
    rapport = contours.importer_contours_livres()[0]
    assert rapport.charges == 3  # the three communes of this test territory
    assert len(rapport.inconnus) == 521 - 3
    grenoble = ContourCommune.objects.get(commune__code_insee="38185")
    assert "france-geojson" in grenoble.source
    lon, lat = contours.centre(grenoble.polygones)
    assert 5.68 < lon < 5.76 and 45.15 < lat < 45.22  # Grenoble
    assert contours.importer_contours_livres(["38185"]) == []  # nothing missing: nothing reloaded


def test_un_autre_departement_par_la_commande(territoire_minimal, tmp_path):
    fichier = tmp_path / "communes.geojson"
    carre = [[[5.0, 45.0], [5.1, 45.0], [5.1, 45.1], [5.0, 45.1], [5.0, 45.0]]]
    fichier.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code_insee": "38151"},
                        "geometry": {"type": "MultiPolygon", "coordinates": [carre, carre]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"code": "01999"},
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
        "1 contour(s) de communes chargé(s), dont 1 nouveau(x) ; 1 code(s) INSEE inconnu(s) ignoré(s) : 01999"
        in sortie.getvalue()
    )
    echirolles = ContourCommune.objects.get(commune__code_insee="38151")
    assert len(echirolles.polygones) == 2 and echirolles.source == "IGN Admin Express 2024"

    fichier.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": None}]})
    )
    with pytest.raises(CommandError, match="pas de code INSEE"):
        call_command("import_contours", str(fichier), "--source", "x", stdout=sortie)
    fichier.write_text(json.dumps({"type": "Feature"}))
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_contours", str(fichier), "--source", "x", stdout=sortie)


def test_distance():
    grenoble, echirolles = (5.7245, 45.1885), (5.7190, 45.1440)
    assert contours.distance_km(grenoble, echirolles) == pytest.approx(4.97, abs=0.05)
