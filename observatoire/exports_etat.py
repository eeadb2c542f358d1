"""The State's table (observatoire.etat) as CSV and XLSX, written by core.exports: one row per line of the table
(the territory, then each landlord, then each reservation holder), for each public its number of allocations,
those in QPV and their share (a fraction: a percentage cell in XLSX), and the unknown situations. A figure masked
for the reader (statistical secrecy, cil.secret) is written "s", as on the page."""

from __future__ import annotations

from decimal import Decimal

from core import exports

from .etat import INCONNUES, MASQUE, PUBLICS, TableauEtat

QUATRE_DECIMALES = Decimal("0.0001")
LIBELLES_PERIMETRES = {"EPCI": "Territoire", "BAILLEUR": "Bailleur", "RESERVATAIRE": "Réservataire"}


def entete_etat() -> list[str]:
    colonnes = ["Périmètre", "Code", "Nom"]
    for libelle in PUBLICS.values():
        colonnes += [libelle, f"{libelle} – en QPV", f"{libelle} – part en QPV"]
    colonnes += [f"{PUBLICS[public]} – situation inconnue" for public in INCONNUES]
    return colonnes


def _lignes(tableau: TableauEtat):
    for ligne in tableau.lignes:
        row = [LIBELLES_PERIMETRES[ligne.perimetre], ligne.code, ligne.nom]
        for cellule in ligne.cellules:
            part = cellule.part_qpv
            row += [
                MASQUE if cellule.nombre_masque else cellule.nombre,
                MASQUE if cellule.en_qpv_masque else cellule.en_qpv,
                MASQUE if cellule.part_masquee else (None if part is None else part.quantize(QUATRE_DECIMALES)),
            ]
        row += [MASQUE if i.masque else i.nombre for i in ligne.inconnues_cellules]
        yield row


def _titre(tableau: TableauEtat) -> str:
    titre = (
        f"Tableau de l'État – {tableau.epci.nom} ({tableau.epci.siren}) – attributions suivies d'un bail signé "
        f"du 01/01/{tableau.annee} au {tableau.jour:%d/%m/%Y}"
    )
    if tableau.provisoire:
        titre += f" – seuil du 1er quartile provisoire (celui de {tableau.annee_seuil})"
    if tableau.masque:
        titre += f" – secret statistique : {tableau.regle_secret}"
    return titre


def lignes_csv_etat(tableau: TableauEtat) -> tuple[list[str], list[list]]:
    return entete_etat(), list(_lignes(tableau))


def classeur_etat(tableau: TableauEtat):
    from openpyxl.styles import Font

    wb = exports.new_workbook()
    ws = wb.create_sheet("Tableau de l'État")
    ws.append(exports.xlsx_row(ws, [_titre(tableau)], font=Font(bold=True)))
    ws.append(exports.xlsx_row(ws, entete_etat(), font=Font(bold=True)))
    formats = [None, None, None] + ["#,##0", "#,##0", "0.0%"] * len(PUBLICS) + ["#,##0"] * len(INCONNUES)
    for row in _lignes(tableau):
        ws.append(exports.xlsx_row(ws, row, number_formats=formats))
    return wb
