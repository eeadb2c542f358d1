"""The balance sheet's tables as a spreadsheet (XLSX) and as CSV (French Excel: ';', UTF-8 BOM), written by
core.exports (formulas neutralised, numbers in French notation).

Numbers stay numbers in the spreadsheet (rates as percentages), masked cells are the text "< 5".
"""

from __future__ import annotations

import re
from decimal import Decimal

from core import exports

from .selectors import Bilan
from .tables import Masque, Tableau, valeur_brute

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
    valeur = valeur_brute(valeur)
    if isinstance(valeur, Masque):
        return str(valeur)
    if type_ == "pt" and valeur is not None:
        return float(valeur) * 100
    return valeur


def _ecrit_tableau(ws, tableau: Tableau) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    gras = Font(bold=True)
    a_droite = Alignment(horizontal="right")
    ws.append(exports.xlsx_row(ws, [tableau.titre], font=Font(bold=True, size=12)))
    ws.append(
        exports.xlsx_row(
            ws,
            tableau.entetes_plats(),
            font=gras,
            fill=PatternFill("solid", fgColor="E9EEF5"),
            alignment=Alignment(wrap_text=True, vertical="top"),
        )
    )
    lignes = list(tableau.lignes) + ([tableau.total] if tableau.total is not None else [])
    for k, valeurs in enumerate(lignes):
        total = tableau.total is not None and k == len(lignes) - 1
        cellules = []
        for valeur, colonne in zip(valeurs, tableau.colonnes, strict=True):
            masque = isinstance(valeur, Masque)
            cellules.append(
                exports.xlsx_cell(
                    ws,
                    _valeur_xlsx(valeur, colonne.type),
                    number_format=None if masque else FORMATS_XLSX.get(colonne.type),
                    alignment=a_droite if masque else None,
                    font=gras if total else None,
                )
            )
        ws.append(cellules)
    if tableau.note:
        ws.append(exports.xlsx_row(ws, [tableau.note], font=Font(italic=True, size=9)))


def classeur_bilan(bilan: Bilan):
    """The balance sheet as a write-only workbook (core.exports): a presentation sheet, one sheet a table."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = exports.new_workbook()
    ws = wb.create_sheet("Présentation")
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 90
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
            f"{bilan.methode['regle_secret']} Dans ce bilan : « < {bilan.methode['secret']} » dans les "
            "tableaux par commune et par secteur.",
        ),
    ]
    for i, (cle, valeur) in enumerate(infos, start=1):
        ligne = [exports.xlsx_cell(ws, cle, font=Font(bold=True, size=14 if i == 1 else 11))]
        if valeur is not None:
            ligne.append(exports.xlsx_cell(ws, valeur))
        ws.append(ligne)

    deja: set[str] = {"présentation"}
    for tableau in bilan.tableaux:
        feuille = wb.create_sheet(_nom_feuille(tableau.titre, deja))
        feuille.freeze_panes = "B3"
        feuille.column_dimensions["A"].width = 42
        for j in range(2, len(tableau.colonnes) + 1):
            feuille.column_dimensions[get_column_letter(j)].width = 14
        _ecrit_tableau(feuille, tableau)
    return wb


def xlsx_bilan(bilan: Bilan) -> bytes:
    """The workbook's bytes (stored with the balance sheet, written by the command)."""
    return exports.xlsx_bytes(classeur_bilan(bilan))


def _valeur_csv(valeur, type_: str):
    valeur = valeur_brute(valeur)
    if valeur is None:
        return None
    if isinstance(valeur, Masque):
        return str(valeur)
    if type_ in ("taux", "pt"):
        return Decimal(f"{float(valeur) * 100:.2f}")
    if type_ in ("mois", "decimal"):
        return Decimal(f"{float(valeur):.1f}")
    return valeur


def csv_tableau(tableau: Tableau) -> str:
    """One table as CSV text (rates in %, decimal comma), without the BOM (``exports.BOM`` goes first)."""
    entetes = [
        f"{e} (%)" if c.type == "taux" else (f"{e} (points)" if c.type == "pt" else e)
        for e, c in zip(tableau.entetes_plats(), tableau.colonnes, strict=True)
    ]
    lignes = list(tableau.lignes) + ([tableau.total] if tableau.total is not None else [])
    return exports.csv_line(entetes) + "".join(
        exports.csv_line([_valeur_csv(v, c.type) for v, c in zip(valeurs, tableau.colonnes, strict=True)])
        for valeurs in lignes
    )


def csv_bilan(bilan: Bilan) -> str:
    """Every table of the balance sheet, one after the other, each preceded by its title."""
    return exports.LINE_END.join(exports.csv_line([t.titre]) + csv_tableau(t) for t in bilan.tableaux)
