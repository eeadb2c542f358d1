"""The map component (cil.cartes): the payload drawn by static/js/carte.js and the table beside it."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from cil import cartes, contours
from cil.models import Guichet


@pytest.fixture
def territoire(territoire_minimal):
    contours.importer_contours_livres()  # the Isère: Grenoble, Échirolles, Fontaine (Lyon has none)
    return territoire_minimal


@pytest.mark.parametrize(
    ("valeurs", "attendu"),
    [
        ([], []),
        ([7], [(7, 7)]),
        ([3, 1, 2], [(1, 1), (2, 2), (3, 3)]),
        ([1, 1, 1, 2], [(1, 1), (2, 2)]),
        (list(range(10)), [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]),
        (list(range(7)), [(0, 0), (1, 1), (2, 3), (4, 4), (5, 6)]),
    ],
)
def test_classes_de_la_legende(valeurs, attendu):
    classes = cartes.classes_pour(valeurs)
    assert [(c.minimum, c.maximum) for c in classes] == attendu
    assert all(any(c.contient(v) for c in classes) for v in valeurs)  # every value has its class
    assert len({c.couleur for c in classes}) == len(classes)  # one colour per class, light to dark
    if len(classes) == 5:
        assert [c.couleur for c in classes] == list(cartes.PALETTE)


def test_libelles_en_francais():
    classes = cartes.classes_pour([2.5, 12.25, 40.0, 1234.5], "%", decimales=1)
    assert [c.libelle for c in classes] == ["2,5 %", "12,2 %", "40,0 %", "1\u202f234,5 %"]
    assert cartes.classes_pour([1, 2, 3, 4, 5, 6], "logement(s)")[-1].libelle == "de 5 à 6 logement(s)"


def test_charge_utile_du_territoire_seulement(territoire, django_assert_num_queries):
    with django_assert_num_queries(1):
        carte = cartes.carte_communes(
            territoire["epci"],
            titre="Pression",
            valeurs={"38185": 10, "38151": 20, "69123": 99},  # Lyon belongs to another territory
            unite="demandes",
        )
    features = {f["properties"]["code"]: f for f in carte.donnees["fond"]["features"]}
    assert set(features) == {"38185", "38151", "38169"}  # only the territory's communes, with their outlines
    assert features["38185"]["geometry"]["type"] == "MultiPolygon"
    assert features["38185"]["properties"]["texte"] == "10 demandes"
    assert features["38151"]["properties"]["couleur"] != features["38185"]["properties"]["couleur"]
    assert features["38169"]["properties"] == {
        "code": "38169",
        "nom": "Fontaine",
        "texte": "sans donnée",
        "couleur": cartes.SANS_VALEUR,
    }
    lignes = {li.code: li for li in carte.lignes}
    assert [li.nom for li in carte.lignes] == ["Échirolles", "Fontaine", "Grenoble"]
    assert lignes["38151"].valeur == 20 and lignes["38151"].classe == "20 demandes"
    assert lignes["38169"].valeur is None and lignes["38169"].classe == "sans donnée"
    assert carte.donnees["tuiles"] is None  # no tile server unless configured
    assert "99 demandes" not in str(carte.donnees) and "69123" not in str(carte.donnees)


def test_valeur_absente_et_colonnes(territoire):
    carte = cartes.carte_communes(
        territoire["epci"],
        titre="Logements libérés",
        valeurs={"38185": 4},
        valeur_absente=0,
        details={"38185": ["x"]},
        entetes_details=["Détail"],
    )
    assert {li.code: li.valeur for li in carte.lignes} == {"38151": 0, "38169": 0, "38185": 4}
    html = render_to_string("cartes/carte.html", {"carte": carte})
    assert '<th scope="col" class="text-end">Détail</th>' in html
    assert 'type="application/json"' in html and "<script>" not in html  # data only, no inline script
    assert 'tabindex="0"' in html and "Logements libérés : valeurs par commune" in html


def test_marqueurs_et_tuiles(territoire, settings):
    settings.CARTE_TUILES_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    settings.CARTE_TUILES_ATTRIBUTION = "© contributeurs"
    guichet = Guichet.objects.create(
        epci=territoire["epci"],
        nom="Accueil <Grenoble>",
        niveau=2,
        adresse="1 rue",
        commune=territoire["communes"]["38185"],
    )
    centre = contours.centre([[[[5.0, 45.0], [5.2, 45.0], [5.2, 45.2], [5.0, 45.0]]]])
    assert centre == pytest.approx((5.1333, 45.0667), abs=1e-3)
    assert cartes.position_guichet(guichet, centre) == (centre, True)
    guichet.latitude, guichet.longitude = 45.19, 5.73
    assert cartes.position_guichet(guichet, centre) == ((5.73, 45.19), False)
    carte = cartes.carte_communes(
        territoire["epci"],
        titre="Lieux",
        marqueurs=[cartes.Marqueur(5.72, 45.18, guichet.nom, type="guichet", commune="Grenoble")],
    )
    assert carte.donnees["tuiles"] == {"url": settings.CARTE_TUILES_URL, "attribution": "© contributeurs"}
    assert carte.donnees["marqueurs"] == [
        {"lon": 5.72, "lat": 45.18, "libelle": "Lieu d'accueil : Accueil <Grenoble>", "couleur": "#1b3a6b"}
    ]
    assert carte.types_marqueurs == [("guichet", "Lieu d'accueil", "#1b3a6b")]
    assert {f["properties"]["couleur"] for f in carte.donnees["fond"]["features"]} == {cartes.FOND}
    html = render_to_string("cartes/carte.html", {"carte": carte})
    assert (
        "Accueil &lt;Grenoble&gt;" in html
        and "Accueil <Grenoble>" not in html.replace("\\u003C", "<").split("</script>")[1]
    )


def test_points_qpv_livres():
    assert contours.point_qpv("QN03807M") == pytest.approx((5.72138, 45.18201))  # Grenoble
    assert contours.point_qpv("QN03803M") == contours.point_qpv("QN03801M")  # one point per commune
    assert contours.point_qpv("QN06901M") is None  # the Rhône is not shipped
