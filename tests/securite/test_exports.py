"""Spreadsheet formulas never run: a name typed at a desk, in an import or by another organisation goes
through every CSV and XLSX export of the platform as inert text, and numbers stay numbers.

Each export is read back the way a partner's spreadsheet would: the CSV parsed with ';' (no cell may start
with a formula character unless it is a number), the XLSX opened with openpyxl (no cell of type 'f', no
<f> element in the sheets' XML, numeric columns numeric). LibreOffice is not installed on this machine: when
it is (``libreoffice`` or ``soffice`` on the PATH), the files are also converted headless and the result
checked for the formula's text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions.models import DecisionCaleol, Logement, Vacance
from attributions.services import import_attributions
from cil.models import Bailleur, Guichet, PerimetreEpci, Reservataire, SeuilQuartile
from demandes.models import Demande

from .conftest import connecte

pytestmark = pytest.mark.django_db

FORMULE = '=HYPERLINK("http://x","y")'
FORMULE_PLUS = "+cmd|' /C calc'!A0"
FORMULE_AT = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULE_LARGE = "\uff1d1+1"  # full-width equals sign
NOMBRE = re.compile(r"^-?\d+(,\d+)?$")
DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

F1_COLONNES = (
    "numero_unique;date_depot;date_decision;type_decision;rang;date_bail;logement_id;bailleur_siren;commune_insee;"
    "epci_siren;qpv_code;typologie;reservataire_type;reservataire_id;ressources_mensuelles;nb_personnes_14_plus;"
    "nb_enfants_moins_14;dalo;prioritaire;relogement;mutation"
)


def _f1(t, numero: str, logement: str, ressources: str, prioritaire: str = "0") -> str:
    return (
        f"{numero};2024-01-15;2025-03-10;ATTRIBUTION;;2025-04-01;{logement};{t.bailleur.siren};"
        f"{t.commune.code_insee};{t.epci.siren};;T3;COMMUNE;{t.commune.code_insee};{ressources};1;0;0;"
        f"{prioritaire};;0"
    )


@pytest.fixture
def piege(monde_hostile):
    """Val's names are formulas: the demand, the landlord, the holder, the desk, a user; Val has allocations
    with resources of 1,500 € and 1,500.50 € and a vacancy, and a relocation operation with a household."""
    t = monde_hostile.val
    Demande.objects.filter(pk=t.demande.pk).update(nom=FORMULE, prenom=FORMULE_AT)
    Bailleur.objects.filter(pk=t.bailleur.pk).update(nom=FORMULE)
    Reservataire.objects.filter(pk=t.reservataire.pk).update(nom=FORMULE_PLUS)
    Guichet.objects.filter(pk=t.guichet.pk).update(nom=FORMULE_LARGE)
    t["epci"].first_name = FORMULE_AT
    t["epci"].save(update_fields=["first_name"])
    PerimetreEpci.objects.create(epci=t.epci, commune=t.commune, millesime=2025)
    SeuilQuartile.objects.create(
        epci=t.epci, annee=2025, seuil_q1=Decimal("10716"), arrete="arrêté 2025", source="test"
    )
    lignes = [
        _f1(t, "001", "=1+1", "1500", prioritaire="1"),
        _f1(t, "002", "L2", "1500.50"),
        _f1(t, "003", "L3", "900"),
    ]
    contenu = ("\n".join([F1_COLONNES, *lignes]) + "\n").encode("utf-8")
    import_attributions(contenu=contenu, nom_fichier="piege.csv", recalculer=False)
    assert DecisionCaleol.objects.filter(epci=t.epci).count() == 3
    logement = Logement.objects.get(identifiant="=1+1")
    Vacance.objects.create(
        logement=logement,
        bailleur=t.bailleur,
        epci=t.epci,
        date_declaration=dt.date(2025, 5, 1),
        date_liberation=dt.date(2025, 6, 1),
    )
    from relogement import services as relogement_services
    from relogement.models import Operation

    operation = Operation.objects.create(epci=t.epci, nom=FORMULE, type="NPNRU", commune=t.commune)
    relogement_services.creer_menage(
        operation=operation,
        acteur=t["epci"],
        referent=t["epci"],
        reference="-1",
        nom=FORMULE,
        nb_personnes_14_plus=1,
        ressources_mensuelles=Decimal("1500.50"),
        loyer_avant=Decimal("420"),
        charges_avant=Decimal("130"),
        apl_avant=Decimal("150"),
    )
    return {"t": t, "operation": operation}


def _corps(reponse) -> bytes:
    """The body, read once (a streamed response's generator is consumed by the first read) and kept."""
    assert reponse.status_code == 200, reponse.status_code
    if not hasattr(reponse, "_corps_lu"):
        reponse._corps_lu = reponse.getvalue()
    return reponse._corps_lu


def _lit_csv(reponse) -> list[list[str]]:
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    disposition = reponse["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.csv"', disposition), disposition
    octets = _corps(reponse)
    assert octets.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    texte = octets.decode("utf-8-sig")
    assert "E+" not in texte and "e+" not in texte
    lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=";"))
    for ligne in lignes:
        for cellule in ligne:
            if NOMBRE.match(cellule):
                continue
            assert not cellule.startswith(DECLENCHEURS), f"cellule active : {cellule!r}"
    return lignes


def _colonne(lignes, titre: str, *, entete: int = 0) -> list[str]:
    j = lignes[entete].index(titre)
    return [ligne[j] for ligne in lignes[entete + 1 :] if len(ligne) > j]


def _lit_xlsx(reponse):
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.xlsx"', reponse["Content-Disposition"])
    octets = _corps(reponse)
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        for nom in archive.namelist():
            if nom.startswith("xl/worksheets/"):
                xml = archive.read(nom).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"formule dans {nom}"
    wb = load_workbook(io.BytesIO(octets))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
    return wb, octets


def _textes(wb) -> list[str]:
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _libreoffice(tmp_path, octets: bytes, suffixe: str):
    """The file as LibreOffice Calc opens it (headless), saved back to XLSX and read with openpyxl (formulas
    kept as formulas, not their values): None when LibreOffice is not installed (required in CI).

    CSV files are opened as a French user's LibreOffice opens them: semicolon, UTF-8, French number format.
    """
    binaire = shutil.which("libreoffice") or shutil.which("soffice")
    if binaire is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("LibreOffice introuvable : installez le paquet Debian « libreoffice-calc-nogui ».")
        return None
    source = tmp_path / f"piege.{suffixe}"
    source.write_bytes(octets)
    commande = [binaire, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profil-lo'}"]
    if suffixe == "csv":
        commande.append("--infilter=Text - txt - csv (StarCalc):59,34,76,1,,1036")
    commande += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(source)]
    subprocess.run(commande, check=True, timeout=180, capture_output=True)
    return openpyxl.load_workbook(next((tmp_path / "lo").iterdir()), data_only=False)


def _sans_formule(wb) -> None:
    formules = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formules == [], f"cellules formules après ouverture dans LibreOffice : {formules}"


def test_search_export_of_demands_neutralises_the_name(client, monde_hostile, piege):
    connecte(client, monde_hostile.val["agent"])
    lignes = _lit_csv(client.get(reverse("demandes:export")))
    assert lignes[0][:3] == ["numero_unique", "nom", "prenom"]
    ligne = next(li for li in lignes if li[0] == monde_hostile.val.demande.numero_unique)
    assert ligne[1] == "'" + FORMULE and ligne[2] == "'" + FORMULE_AT
    assert ligne[3] == monde_hostile.val.demande.date_naissance.isoformat()


def test_desk_activity_csv_neutralises_the_desk_name(client, monde_hostile, piege):
    connecte(client, monde_hostile.val["epci"])
    lignes = _lit_csv(client.get(reverse("demandes:reseau"), {"format": "csv"}))
    assert lignes[0] == ["mois", "guichet", "visites", "appels", "enregistrements", "entretiens"]
    assert "'" + FORMULE_LARGE in _colonne(lignes, "guichet")


def test_allocation_list_csv_numbers_are_french_and_names_inert(client, monde_hostile, piege, tmp_path):
    connecte(client, monde_hostile.val["epci"])
    params = {"epci": monde_hostile.val.epci.siren, "annee": "2025", "objectif": "hors_qpv", "part": "base"}
    reponse = client.get(reverse("attributions:export", args=["csv"]), params)
    lignes = _lit_csv(reponse)
    assert len(lignes) == 1 + 3
    assert set(_colonne(lignes, "Bailleur")) == {"'" + FORMULE}
    assert set(_colonne(lignes, "Réservataire")) == {"'" + FORMULE_PLUS}
    assert "'=1+1" in _colonne(lignes, "Logement")
    assert sorted(_colonne(lignes, "Ressources mensuelles (€)")) == ["1500", "1500,5", "900"]
    assert set(_colonne(lignes, "Unités de consommation")) == {"1"}
    assert sorted(_colonne(lignes, "Ressources annuelles par UC (€)")) == ["10800,00", "18000,00", "18006,00"]
    assert set(_colonne(lignes, "Date de décision")) == {"2025-03-10"}
    ouvert = _libreoffice(tmp_path, _corps(reponse), "csv")
    if ouvert is not None:
        _sans_formule(ouvert)
        ws = ouvert.active
        entete = [c.value for c in ws[1]]
        colonne = entete.index("Ressources mensuelles (€)")
        valeurs = [row[colonne] for row in ws.iter_rows(min_row=2)]
        assert all(c.data_type == "n" for c in valeurs), [c.value for c in valeurs]
        assert sorted(c.value for c in valeurs) == [900, 1500, 1500.5]
        assert any("HYPERLINK" in str(c.value) for row in ws.iter_rows() for c in row)


def test_allocation_list_xlsx_has_no_formula_and_real_numbers(client, monde_hostile, piege, tmp_path):
    connecte(client, monde_hostile.val["epci"])
    params = {"epci": monde_hostile.val.epci.siren, "annee": "2025", "objectif": "hors_qpv", "part": "base"}
    wb, octets = _lit_xlsx(client.get(reverse("attributions:export", args=["xlsx"]), params))
    ws = wb.active
    entete = [c.value for c in ws[2]]
    lignes = [list(row) for row in ws.iter_rows(min_row=3)]
    assert len(lignes) == 3
    par_titre = {titre: [li[j] for li in lignes] for j, titre in enumerate(entete)}
    assert {c.value for c in par_titre["Bailleur"]} == {FORMULE}
    assert all(c.data_type == "s" for c in par_titre["Bailleur"])
    ressources = par_titre["Ressources mensuelles (€)"]
    assert all(c.data_type == "n" for c in ressources)
    assert sorted(c.value for c in ressources) == [900, 1500, 1500.5]
    assert all(c.data_type == "n" for c in par_titre["Unités de consommation"])
    assert all(isinstance(c.value, dt.datetime) for c in par_titre["Date de décision"])
    ouvert = _libreoffice(tmp_path, octets, "xlsx")
    if ouvert is not None:
        _sans_formule(ouvert)
        textes = [str(c.value) for ws in ouvert.worksheets for row in ws.iter_rows() for c in row]
        assert FORMULE in textes  # evaluated, the cell would read "y"
        nombres = [c for ws in ouvert.worksheets for row in ws.iter_rows() for c in row if c.value == 1500.5]
        assert nombres and all(c.data_type == "n" for c in nombres)


def test_vacancies_csv_neutralises_dwelling_and_landlord(client, monde_hostile, piege):
    connecte(client, monde_hostile.val["bailleur"])
    lignes = _lit_csv(client.get(reverse("attributions:vacances_export")))
    assert lignes[0][:2] == ["Logement", "Bailleur"]
    assert lignes[1][:2] == ["'=1+1", "'" + FORMULE]
    assert lignes[1][6] == "2025-06-01" and lignes[1][9] == "0"


def test_balance_sheet_tables_csv_and_xlsx(client, monde_hostile, piege):
    connecte(client, monde_hostile.val["epci"])
    params = {"kind": "CIL", "epci": monde_hostile.val.epci.siren, "annee": 2025}
    lignes = _lit_csv(client.get(reverse("observatoire:export", args=["csv"]), {**params, "tableau": "reservataires"}))
    ligne = next(li for li in lignes if li and li[0] == "'" + FORMULE_PLUS)
    assert ligne[1] == "3" and NOMBRE.match(ligne[4])
    tout = _lit_csv(client.get(reverse("observatoire:export", args=["csv"]), params))
    assert any(li and li[0] == "'" + FORMULE_PLUS for li in tout)
    wb, _ = _lit_xlsx(client.get(reverse("observatoire:export", args=["xlsx"]), params))
    textes = _textes(wb)
    assert FORMULE_PLUS in textes and any(FORMULE_AT in t for t in textes)  # holder and author
    feuille = wb["Objectif C par réservataire"]
    ligne = next(row for row in feuille.iter_rows(min_row=3) if row[0].value == FORMULE_PLUS)
    assert ligne[0].data_type == "s" and ligne[1].data_type == "n" and ligne[1].value == 3


def test_relocation_exports(client, monde_hostile, piege):
    connecte(client, monde_hostile.val["epci"])
    pk = piege["operation"].pk
    lignes = _lit_csv(client.get(reverse("relogement:export", args=[pk, "csv"])))
    assert lignes[1][:3] == ["'" + FORMULE, "'-1", "'" + FORMULE]
    assert _colonne(lignes, "Personnes de 14 ans ou plus") == ["1"]
    assert _colonne(lignes, "Reste à charge avant (€/mois)") == ["400,00"]
    wb, _ = _lit_xlsx(client.get(reverse("relogement:export", args=[pk, "xlsx"])))
    rows = list(wb.active.iter_rows(min_row=3))
    assert [c.value for c in rows[0][:3]] == [FORMULE, "-1", FORMULE]
    assert rows[0][1].data_type == "s" and rows[0][7].data_type == "n" and rows[0][7].value == 1
