"""The shipped reference data and its import (cil/referentiels/, cil/services.py), on the real database."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cil.models import Commune, Epci, PerimetreEpci, Qpv, SeuilQuartile, TauxLegal
from cil.services import REFERENTIELS_DIR, ReferentielError, import_referentiels
from cil.validators import validate_code_insee

pytestmark = pytest.mark.django_db

GRENOBLE_METRO = "200040715"
MODELS = [Epci, Commune, PerimetreEpci, Qpv, Qpv.communes.through, SeuilQuartile, TauxLegal]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_referentiels_are_shipped_in_the_repository():
    names = {p.relative_to(REFERENTIELS_DIR).as_posix() for p in REFERENTIELS_DIR.rglob("*") if p.is_file()}
    assert {
        "README.md",
        "communes_cog2026_decoupage-6.0.0.csv",
        "epci_communes_2024_decoupage-4.1.0.csv",
        "epci_communes_2025_decoupage-5.3.0.csv",
        "ept_communes_decoupage-6.0.0.csv",
        "qpv_2024_liste.csv",
        "qpv_2024_communes.csv",
        "qpv_2015_occitanie/qp_occitanie_2015.csv",
        "seuils_quartiles_epci_2024_2026.csv",
    } <= names
    readme = (REFERENTIELS_DIR / "README.md").read_text(encoding="utf-8")
    for reference in ("arrêté du 13 mai 2024", "arrêté du 3 juin", "JORFTEXT000054022378", "Licence Ouverte"):
        assert reference in readme


def test_full_import_then_rerun_changes_nothing():
    report = import_referentiels()

    assert report["commune"].created == 35014
    assert report["epci"].created >= 1255 + 11 + 1
    assert report["perimetre"].ignored == 68  # 2024 communes merged before the COG 2026
    assert report.updated == 0

    # Thresholds of Grenoble-Alpes-Métropole, one row per year, with the order of the year
    seuils = {s.annee: s for s in SeuilQuartile.objects.filter(epci__siren=GRENOBLE_METRO)}
    assert seuils[2024].seuil_q1 == Decimal("10455")
    assert seuils[2025].seuil_q1 == Decimal("10716")
    assert seuils[2026].seuil_q1 == Decimal("10847")
    assert "13 mai 2024" in seuils[2024].arrete
    assert seuils[2026].date_publication.isoformat() == "2026-05-02"
    assert seuils[2025].date_effet.isoformat() == "2025-01-01"
    assert "74eaf10a6e5011d2e95aac15f6596001e97fb3bd" in seuils[2025].source
    # an EPCI over three départements gets one threshold per year, not three
    assert SeuilQuartile.objects.filter(epci__siren="200054807", annee=2025).count() == 1
    # Île-de-France: the regional value applies to Paris and to the EPT
    assert SeuilQuartile.objects.get(epci__siren="217500016", annee=2025).seuil_q1 == Decimal("12000")
    assert SeuilQuartile.objects.get(epci__siren="200057867", annee=2025).seuil_q1 == Decimal("12000")

    # municipal arrondissements belong to the territories of their commune (extracts locate dwellings by them)
    lyon_1er = Commune.objects.get(code_insee="69381")
    assert lyon_1er.epci.siren == "200046977"
    assert set(PerimetreEpci.objects.filter(commune=lyon_1er).values_list("epci__siren", flat=True)) == {"200046977"}
    assert PerimetreEpci.objects.filter(commune__code_insee="75112", epci__siren="217500016").exists()

    # QPV of the 2024 map, linked to its EPCI and commune
    qpv = Qpv.objects.get(code="QN03807M")
    assert qpv.carte == Qpv.Carte.CARTE_2024
    assert qpv.epci.siren == GRENOBLE_METRO
    assert set(qpv.communes.values_list("code_insee", flat=True)) == {"38185"}
    assert Qpv.objects.filter(carte=Qpv.Carte.CARTE_2024).count() == 1493
    # 2015 map (Occitanie), communes found by name in the département of the code
    qp_2015 = Qpv.objects.get(code="QP065003")
    assert qp_2015.carte == Qpv.Carte.CARTE_2015
    assert set(qp_2015.communes.values_list("nom", flat=True)) == {"Séméac", "Tarbes"}

    # Grenoble in Grenoble-Alpes-Métropole in both vintages
    grenoble = Commune.objects.get(code_insee="38185")
    validate_code_insee(grenoble.code_insee)
    assert grenoble.epci.siren == GRENOBLE_METRO
    assert set(
        PerimetreEpci.objects.filter(commune=grenoble, epci__siren=GRENOBLE_METRO).values_list("millesime", flat=True)
    ) == {2024, 2025}
    assert Epci.objects.get(siren=GRENOBLE_METRO).type == Epci.Type.METROPOLE
    assert Epci.objects.get(siren=GRENOBLE_METRO).perimetres.filter(millesime=2025).count() == 49

    # Special territories: Paris, the EPT, a SIREN known only from the thresholds file
    paris = Epci.objects.get(siren="217500016")
    assert (paris.nom, paris.type) == ("Ville de Paris", Epci.Type.COMMUNE)
    # Paris and its 20 arrondissements
    assert set(paris.perimetres.values_list("commune__code_insee", flat=True)) == {"75056"} | {
        f"751{n:02d}" for n in range(1, 21)
    }
    plaine_commune = Epci.objects.get(siren="200057867")
    assert plaine_commune.type == Epci.Type.EPT
    assert plaine_commune.perimetres.filter(millesime=2025, commune__code_insee="93066").exists()
    assert Epci.objects.get(siren="992367730").type == Epci.Type.AUTRE
    assert Epci.objects.get(siren="200018653").fuseau_horaire == "America/Guadeloupe"  # CA Cap Excellence

    # Legal rates, as data with their sources
    rates = {t.objectif: t for t in TauxLegal.objects.all()}
    assert rates["HORS_QPV"].taux == Decimal("0.25")
    assert rates["QPV"].taux == Decimal("0.5")
    assert rates["PRIORITAIRES_ETAT"].taux == Decimal("1")
    assert "2017-86" in rates["HORS_QPV"].source
    assert "indicati" in rates["MUTATIONS"].source
    assert rates["HORS_QPV"].date_debut.isoformat() == "2017-01-29"

    before = counts()
    second = import_referentiels()
    assert second.created == 0
    assert second.updated == 0
    assert second["commune"].unchanged == 35014
    assert counts() == before

    # The command prints a French report; a hand-edited threshold is restored and reported
    SeuilQuartile.objects.filter(epci__siren=GRENOBLE_METRO, annee=2025).update(seuil_q1=Decimal("10700.50"))
    out = StringIO()
    call_command("import_referentiels", stdout=out)
    text = out.getvalue()
    assert "Référentiels importés" in text
    assert "Communes : 0 créé(s), 0 mis à jour, 35 014 inchangé(s)" in text
    assert "Seuils des quartiles : 0 créé(s), 1 mis à jour" in text
    assert "Grenoble-Alpes-Métropole 2025 : Q1 10 700,50 € → 10 716 €" in text
    assert SeuilQuartile.objects.get(epci__siren=GRENOBLE_METRO, annee=2025).seuil_q1 == Decimal("10716")
    assert counts() == before


def test_import_of_one_epci_is_a_small_idempotent_fixture():
    report = import_referentiels(only_epci=GRENOBLE_METRO)
    assert report["epci"].created == 1
    assert report["commune"].created == 49
    assert report["perimetre"].created == 98
    assert report["qpv"].created == 10
    assert report["seuil"].created == 3
    assert report["taux_legal"].created + report["taux_legal"].unchanged == 5  # migration 0003 may create them
    assert report.updated == 0
    assert Commune.objects.filter(epci__siren=GRENOBLE_METRO).count() == 49
    assert Qpv.objects.get(code="QN03807M").communes.get().code_insee == "38185"

    # Closing a legal rate by hand survives a re-run (the end date belongs to the staff); a missing rate comes back
    TauxLegal.objects.filter(objectif="MUTATIONS").update(date_fin="2030-12-31")
    TauxLegal.objects.filter(objectif="QPV").delete()
    assert import_referentiels(only_epci=GRENOBLE_METRO)["taux_legal"].created == 1
    assert "2017-86" in TauxLegal.objects.get(objectif="QPV").source
    before = counts()
    again = import_referentiels(only_epci=GRENOBLE_METRO)
    assert (again.created, again.updated) == (0, 0)
    assert "déjà à jour" in again.as_text()
    assert counts() == before
    assert TauxLegal.objects.get(objectif="MUTATIONS").date_fin.isoformat() == "2030-12-31"

    with pytest.raises(ReferentielError, match="ne figure dans aucun fichier"):
        import_referentiels(only_epci="123456789")
    with pytest.raises(CommandError, match="ne figure dans aucun fichier"):
        call_command("import_referentiels", epci="123456789", stdout=StringIO())
