"""The balance sheet's tables as a spreadsheet (XLSX, openpyxl) and as CSV (French Excel: ';', UTF-8 BOM).

Numbers stay numbers in the spreadsheet (rates as percentages), masked cells are the text "< 5".
"""

from __future__ import annotations

import csv
import io
import re

from .selectors import Bilan
from .tables import Masque, Tableau

FORMATS_XLSX = {
    "taux": "0.0%",
    "pt": '+0.0" pt";-0.0" pt";0.0" pt"',
    "mois": "0.0",
    "decimal": "0.0",
    "nombre": "#,##0",
}


def _nom_feuille(titre: str, deja: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", titre)[:31].strip() or "Tableau"
    nom, k = base, 2
    while nom.lower() in deja:
        nom = f"{base[:28]} {k}"
        k += 1
    deja.add(nom.lower())
    return nom


def _valeur_xlsx(valeur, type_: str):
    if isinstance(valeur, Masque):
        return str(valeur)
    if type_ == "pt" and valeur is not None:
        return float(valeur) * 100
    return valeur


def _ecrit_tableau(ws, tableau: Tableau, ligne: int) -> int:
    from openpyxl.styles import Alignment, Font, PatternFill

    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="E9EEF5")
    ws.cell(row=ligne, column=1, value=tableau.titre).font = Font(bold=True, size=12)
    ligne += 1
    for j, entete in enumerate(tableau.entetes_plats(), start=1):
        cell = ws.cell(row=ligne, column=j, value=entete)
        cell.font = gras
        cell.fill = fond
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ligne += 1
    lignes = list(tableau.lignes) + ([tableau.total] if tableau.total is not None else [])
    for k, valeurs in enumerate(lignes):
        for j, (valeur, colonne) in enumerate(zip(valeurs, tableau.colonnes, strict=True), start=1):
            cell = ws.cell(row=ligne, column=j, value=_valeur_xlsx(valeur, colonne.type))
            if colonne.type in FORMATS_XLSX and not isinstance(valeur, Masque):
                cell.number_format = FORMATS_XLSX[colonne.type]
            if isinstance(valeur, Masque):
                cell.alignment = Alignment(horizontal="right")
            if tableau.total is not None and k == len(lignes) - 1:
                cell.font = gras
        ligne += 1
    if tableau.note:
        ws.cell(row=ligne, column=1, value=tableau.note).font = Font(italic=True, size=9)
        ligne += 1
    return ligne + 1


def xlsx_bilan(bilan: Bilan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Présentation"
    infos = [
        (bilan.titre, None),
        (bilan.sous_titre, None),
        ("Territoire", f"{bilan.epci.nom} (SIREN {bilan.epci.siren})"),
        ("Périmètre", bilan.perimetre),
        ("Année", bilan.annee),
        ("Seuil du premier quartile (€/UC/an)", bilan.methode["seuil_q1"]),
        ("Année du seuil", bilan.methode["annee_seuil"]),
        ("Arrêté", bilan.methode["arrete_seuil"]),
        ("Chiffres provisoires", "oui" if bilan.methode["provisoire"] else "non"),
        ("Établi le", bilan.genere_le.strftime("%d/%m/%Y %H:%M")),
        ("Établi par", bilan.auteur or "–"),
        (
            "Secret statistique",
            f"Effectifs de 1 à {bilan.methode['secret'] - 1} masqués (« < {bilan.methode['secret']} ») dans les "
            "tableaux par commune et par secteur, avec les cases qui permettraient de les retrouver.",
        ),
    ]
    for i, (cle, valeur) in enumerate(infos, start=1):
        ws.cell(row=i, column=1, value=cle).font = Font(bold=True, size=14 if i == 1 else 11)
        if valeur is not None:
            ws.cell(row=i, column=2, value=valeur)
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 90

    deja: set[str] = {"présentation"}
    for tableau in bilan.tableaux:
        feuille = wb.create_sheet(_nom_feuille(tableau.titre, deja))
        _ecrit_tableau(feuille, tableau, 1)
        feuille.freeze_panes = "B3"
        feuille.column_dimensions["A"].width = 42
        for j in range(2, len(tableau.colonnes) + 1):
            feuille.column_dimensions[get_column_letter(j)].width = 14
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


def _valeur_csv(valeur, type_: str) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, Masque):
        return str(valeur)
    if type_ in ("taux", "pt"):
        return f"{float(valeur) * 100:.2f}".replace(".", ",")
    if type_ in ("mois", "decimal"):
        return f"{float(valeur):.1f}".replace(".", ",")
    return str(valeur)


def csv_tableau(tableau: Tableau) -> str:
    """One table as CSV text (rates in %, decimal comma); write it with a UTF-8 BOM for Excel."""
    tampon = io.StringIO()
    writer = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    entetes = [
        f"{e} (%)" if c.type == "taux" else (f"{e} (points)" if c.type == "pt" else e)
        for e, c in zip(tableau.entetes_plats(), tableau.colonnes, strict=True)
    ]
    writer.writerow(entetes)
    lignes = list(tableau.lignes) + ([tableau.total] if tableau.total is not None else [])
    for valeurs in lignes:
        writer.writerow([_valeur_csv(v, c.type) for v, c in zip(valeurs, tableau.colonnes, strict=True)])
    return tampon.getvalue()


def csv_bilan(bilan: Bilan) -> str:
    """Every table of the balance sheet, one after the other, each preceded by its title."""
    morceaux = []
    for tableau in bilan.tableaux:
        morceaux.append(f"{tableau.titre}\r\n{csv_tableau(tableau)}")
    return "\r\n".join(morceaux)
