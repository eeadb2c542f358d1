import xml.etree.ElementTree as ET

from django.template import Context, Template
from django.utils.safestring import SafeString

from observatoire import charts
from observatoire.formats import NBSP, nombre, points, pourcentage

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def textes(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


INDICATEURS = [
    {"label": "Hors QPV : 1er quartile", "taux": 0.235, "cible": 0.25},
    {"label": "En QPV : quartiles 2 à 4", "taux": 0.6, "cible": 0.5},
    {"label": "Publics prioritaires", "taux": None, "cible": 0.25},
]


def test_french_formats():
    assert pourcentage(0.235) == f"23,5{NBSP}%"
    assert pourcentage(0.25, 2) == f"25,00{NBSP}%"
    assert pourcentage(1 / 3) == f"33,3{NBSP}%"
    assert pourcentage(None) == "–"
    assert nombre(12345) == f"12{NBSP}345"
    assert nombre(-1234.56, 1) == f"-1{NBSP}234,6"
    assert points(-0.021) == f"−2,1{NBSP}pt"
    assert points(0.05) == f"+5,0{NBSP}pt"


def test_barres_objectifs_is_accessible_svg_with_bars_targets_and_labels():
    markup = charts.barres_objectifs(INDICATEURS, titre="Objectifs 2024")
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    titre = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert titre.text == "Objectifs 2024"
    assert titre.get("id") in root.get("aria-labelledby").split()
    assert desc.get("id") in root.get("aria-labelledby").split()
    # The description gives every figure in words.
    assert f"23,5{NBSP}%" in desc.text and "non atteint" in desc.text and "non calculable" in desc.text

    groupes = [g for g in root.iter(f"{SVG}g") if "barre" in (g.get("class") or "").split()]
    assert [g.get("data-label") for g in groupes] == [i["label"] for i in INDICATEURS]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "valeur"]
    assert len(bars) == 2  # no bar for a rate that cannot be computed
    assert float(bars[1].get("width")) > float(bars[0].get("width"))
    assert [float(r.get("data-taux")) for r in bars] == [0.235, 0.6]
    cibles = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "cible"]
    assert len(cibles) == 3 and all(float(c.get("data-cible")) in (0.25, 0.5) for c in cibles)

    t = textes(root)
    assert f"23,5{NBSP}%" in t and f"60,0{NBSP}%" in t
    assert "non calculable" in t
    assert f"cible 25,0{NBSP}% · non atteint" in t
    assert f"cible 50,0{NBSP}% · atteint" in t
    assert "Hors QPV : 1er quartile" in t


def test_labels_are_escaped():
    markup = charts.barres_objectifs(
        [{"label": "<script>alert(1)</script> & Cie", "taux": 0.3, "cible": None}], titre="A <b>"
    )
    assert "<script>" not in markup and "<b>" not in markup
    root = parse(markup)  # still well-formed XML
    assert "<script>alert(1)</script> & Cie" in textes(root)
    assert root.find(f"{SVG}title").text == "A <b>"
    rendered = Template("{{ svg|safe }}").render(Context({"svg": markup}))
    assert rendered == str(markup)


def test_evolution_lines_points_target_and_legend():
    series = {
        "Hors QPV": [(2022, 0.21), (2023, 0.235), (2024, 0.26)],
        "En QPV": [(2022, 0.55), (2023, None), (2024, 0.48)],
    }
    markup = charts.evolution(series, titre="Évolution", cible=0.25)
    root = parse(markup)
    assert root.get("role") == "img"
    assert "Hors QPV — 2022 : 21,0" in root.find(f"{SVG}desc").text
    groupes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "serie"]
    assert [g.get("data-label") for g in groupes] == ["Hors QPV", "En QPV"]
    # One line for the complete series; the gap (None) leaves single points, no line.
    assert len(list(groupes[0].iter(f"{SVG}polyline"))) == 1
    assert len(list(groupes[1].iter(f"{SVG}polyline"))) == 0
    etiquettes = [t for t in root.iter(f"{SVG}text") if t.get("class") == "point"]
    assert len(etiquettes) == 5
    assert {t.get("data-annee") for t in etiquettes} == {"2022", "2023", "2024"}
    t = textes(root)
    for annee in ("2022", "2023", "2024"):
        assert annee in t
    assert f"cible 25,0{NBSP}%" in t
    assert "Hors QPV" in t and "En QPV" in t  # legend
    assert [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "cible"]


def test_empty_charts_are_valid():
    assert "Aucune donnée" in textes(parse(charts.barres_objectifs([], titre="Vide")))
    assert "Aucune donnée" in textes(parse(charts.evolution({}, titre="Vide")))
    root = parse(charts.barres_effectifs([("T1", 12), ("T2", None)], titre="Délais", unite="mois"))
    assert "12 mois" in textes(root) and "masqué" in textes(root)


def test_ids_are_unique_between_charts():
    a = parse(charts.barres_objectifs(INDICATEURS, titre="A"))
    b = parse(charts.barres_objectifs(INDICATEURS, titre="A"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")


def test_un_taux_juste_sous_sa_cible_n_est_ni_arrondi_ni_atteint():
    """Platform decision 10: 200 of 801 (24.97 %) against 25 % reads '24,9 %' and 'non atteint'."""
    from decimal import Decimal

    from attributions.selectors import _indicateur

    ind = _indicateur(801, 200, Decimal("0.25"))
    assert ind["atteint"] is False and ind["taux_texte"] == "24,9\u00a0%"
    markup = charts.barres_objectifs([{"label": "A. Hors QPV", **ind}], titre="Objectifs")
    texte = " ".join(textes(parse(markup)))
    assert "A. Hors QPV 24,9\u00a0% cible 25,0\u00a0% · non atteint" in texte
