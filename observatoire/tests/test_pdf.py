"""Real WeasyPrint output, read back: the figures printed are the engine's."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from attributions.selectors import calcule_objectifs_epci
from cil.models import Bailleur, Reservataire
from observatoire import pdf, selectors
from observatoire.formats import nombre, pourcentage

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def texte(octets: bytes) -> tuple[str, list[str]]:
    """The PDF's text with every kind of space made a plain space (French typography uses U+00A0)."""
    reader = PdfReader(io.BytesIO(octets))
    pages = [re.sub(r"[\u00a0\u202f\s]+", " ", page.extract_text() or "") for page in reader.pages]
    return " ".join(pages), pages


def plat(s: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", s)


def test_bilan_cil_prints_the_engines_figures(donnees, tmp_path):
    epci = donnees["epci"]
    r = calcule_objectifs_epci(epci, 2025)
    avant = calcule_objectifs_epci(epci, 2024, details=False)
    octets = pdf.bilan_cil_pdf(epci, 2025, auteur="Camille Martin")
    assert octets.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(octets))
    # Tagged for assistive technologies, in French, with a title.
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title.startswith("Bilan annuel des attributions 2025")
    tout, pages = texte(octets)
    assert len(pages) >= 6
    assert "Grenoble-Alpes-Métropole" in pages[0]
    assert "Bilan annuel des attributions 2025" in pages[0]
    assert "Camille Martin" in pages[0]
    # Page numbers in the margin boxes, with the total.
    assert f"page 1 / {len(pages)}" in pages[0] and f"page {len(pages)} / {len(pages)}" in pages[-1]
    # Synthesis: the three objectives, their counts, targets and last year's rates.
    synthese = pages[1]
    for code in ("hors_qpv", "qpv", "prioritaires"):
        ind = r[code]
        assert plat(pourcentage(ind["taux"])) in synthese, code
        assert f"{ind['numerateur']} sur {ind['base']}" in synthese, code
        assert plat(f"Cible légale : {pourcentage(ind['cible'])}") in synthese, code
        assert plat(pourcentage(avant[code]["taux"])) in synthese, code
    # Landlords and reservation holders with their figures.
    for b in r["bailleurs"]:
        assert b["nom"] in tout
        assert plat(pourcentage(b["hors_qpv"]["taux"])) in tout
    for res in r["reservataires"]:
        assert plat(pourcentage(res["taux"])) in tout
    assert "Objectif C par réservataire" in tout
    assert "Objectifs par commune" in tout and "Objectifs par secteur" in tout and "Secteur Nord" in tout
    assert "Mutations" in tout and plat(pourcentage(r["mutations"]["taux"])) in tout
    assert "Ménages reconnus DALO" in tout and f"Ménages reconnus DALO {r['prioritaires']['dalo']}" in tout
    assert "Délais d'attente par typologie" in tout
    # Method and sources: the threshold with its order, the rules, the source file, statistical secrecy.
    methode = pages[-1] if "Méthode et sources" in pages[-1] else tout
    assert "Méthode et sources" in tout
    assert plat(f"{nombre(r['seuil_q1'])} €") in tout
    assert "arrêté 2025" in methode
    assert "extrait-f1-2023-2025.csv" in tout
    assert "Secret statistique" in tout and "< 5" in tout
    # Charts are real vector drawings with their labels as text.
    assert "Objectifs légaux 2025" in synthese and "Évolution 2023–2025" in synthese

    # One page rendered to PNG for a person to look at (kept under var/ when run from the repository).
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) n'est pas installé")
    fichier = tmp_path / "bilan.pdf"
    fichier.write_bytes(octets)
    commande = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(fichier), str(tmp_path / "page")]
    subprocess.run(commande, check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 2
    for image in images:
        contenu = image.read_bytes()
        assert contenu.startswith(b"\x89PNG") and len(contenu) > 20_000  # a real page, not a blank one
    garde = Path(__file__).resolve().parents[2] / "var" / "bilans-test"
    if garde.parent.is_dir():
        garde.mkdir(exist_ok=True)
        for image in images:
            shutil.copy(image, garde / f"cil-{image.name}")


def test_bilan_bailleur_and_reservataire(donnees):
    epci = donnees["epci"]
    bailleur = Bailleur.objects.get(siren="552081317")
    from attributions.models import DecisionCaleol

    r = calcule_objectifs_epci(epci, 2025, queryset=DecisionCaleol.objects.filter(bailleur=bailleur), details=False)
    tout, pages = texte(pdf.bilan_bailleur_pdf(epci, 2025, bailleur))
    assert "Alpes Isère Habitat" in pages[0] and "Bilan annuel 2025 des attributions en flux" in pages[0]
    for code in ("hors_qpv", "qpv", "prioritaires"):
        assert plat(pourcentage(r[code]["taux"])) in pages[1]
        assert f"{r[code]['numerateur']} sur {r[code]['base']}" in pages[1]
    for titre in (
        "Attributions par réservataire",
        "Attributions par typologie",
        "Attributions par financement",
        "Attributions en QPV et hors QPV",
        "Attributions par période de première mise en location",
        "Attributions par commune",
    ):
        assert titre in tout
    # Only this landlord's allocations: the other landlords are not named.
    assert "Grenoble Habitat" not in tout.replace("Grenoble Habitat (stock", "")

    etat = Reservataire.objects.get(type="ETAT")
    de_l_etat = DecisionCaleol.objects.filter(reservataire=etat)
    r_etat = calcule_objectifs_epci(epci, 2025, queryset=de_l_etat, details=False)
    tout, pages = texte(pdf.bilan_reservataire_pdf(epci, 2025, etat))
    assert etat.nom in pages[0]
    assert "Attributions par bailleur" in tout
    assert f"{r_etat['prioritaires']['numerateur']} sur {r_etat['prioritaires']['base']}" in pages[1]
    assert plat(pourcentage(r_etat["reservataires"][0]["cible"])) == plat(pourcentage(1.0))


def test_no_network_resource_is_fetched():
    from weasyprint.urls import FatalURLFetchingError, fetch

    from core.pdf import POLICES, dossiers_autorises, url_fetcher

    fetcher = url_fetcher(dossiers_autorises(pdf.DOSSIER))
    with pytest.raises(FatalURLFetchingError), fetch(fetcher, "https://example.org/police.ttf"):
        pass
    with fetch(fetcher, (POLICES / "LiberationSans-Regular.ttf").as_uri()) as ressource:
        assert ressource.read(4) == b"\x00\x01\x00\x00"  # the bundled TrueType font
    with fetch(fetcher, pdf.FEUILLE_DE_STYLE.as_uri()) as ressource:
        assert b"@page" in ressource.read()
    with pytest.raises(FatalURLFetchingError), fetch(fetcher, (pdf.DOSSIER / "models.py").as_uri()):
        pass  # the app's code is not a static file


def test_the_dashboard_and_the_pdf_round_alike():
    # The balance sheet rounds exactly like the dashboard's pct filter.
    from attributions.templatetags.objectifs import pct

    for valeur in (0.0625, 0.12345, 1 / 3, 0.99951, 0.25):
        assert pourcentage(valeur) == pct(valeur)


def test_bilan_data_for_an_epci_without_threshold_raises(territoire_minimal):
    from attributions.selectors import ObjectifsIndisponibles

    with pytest.raises(ObjectifsIndisponibles):
        selectors.bilan(territoire_minimal["autre_epci"], 2025)
