"""CSV and XLSX exports of a list of allocations (the list behind a figure), written by core.exports."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.utils import get_column_letter

from core import exports


def _situation(valeur: bool | None) -> str:
    return "inconnu" if valeur is None else ("oui" if valeur else "non")


COLONNES = [
    ("Numéro unique", lambda d: d.numero_unique),
    ("Date de dépôt", lambda d: d.date_depot),
    ("Date de décision", lambda d: d.date_decision),
    ("Décision", lambda d: d.get_type_decision_display()),
    ("Rang", lambda d: d.rang or ""),
    ("Date du bail", lambda d: d.date_bail or ""),
    ("Logement", lambda d: d.logement.identifiant),
    ("Typologie", lambda d: d.typologie),
    ("Bailleur", lambda d: d.bailleur.nom),
    ("SIREN du bailleur", lambda d: d.bailleur.siren),
    ("Commune", lambda d: d.commune.nom),
    ("Code INSEE", lambda d: d.commune.code_insee),
    ("QPV", lambda d: d.qpv.code if d.qpv else ""),
    ("Réservataire", lambda d: d.reservataire.nom),
    ("Ressources mensuelles (€)", lambda d: d.ressources_mensuelles.normalize()),
    ("Unités de consommation", lambda d: Decimal(d.uc_dixiemes) / 10),
    ("Ressources annuelles par UC (€)", lambda d: round(d.ressources_par_uc, 2)),
    ("DALO", lambda d: "oui" if d.dalo else "non"),
    ("Prioritaire", lambda d: "oui" if d.prioritaire else "non"),
    ("Relogement", lambda d: d.relogement),
    ("Mutation", lambda d: "oui" if d.mutation else "non"),
    ("Sortant d'hébergement", lambda d: _situation(d.sortant_hebergement)),
    ("Sans-abri", lambda d: _situation(d.sans_abri)),
]


def lignes(decisions):
    for decision in decisions:
        yield [getter(decision) for _, getter in COLONNES]


def to_csv(filename: str, decisions):
    """Streamed CSV response; ``decisions`` is an iterator over the queryset."""
    return exports.csv_response(filename, [nom for nom, _ in COLONNES], lignes(decisions))


def to_xlsx(filename: str, decisions, *, titre: str):
    """XLSX response written in write-only mode to a temporary file; ``decisions`` is an iterator."""
    wb = exports.new_workbook()
    ws = wb.create_sheet("Attributions")
    for index in range(1, len(COLONNES) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18
    ws.append(exports.xlsx_row(ws, [titre]))
    ws.append(exports.xlsx_row(ws, [nom for nom, _ in COLONNES]))
    for row in lignes(decisions):
        ws.append(exports.xlsx_row(ws, row))
    return exports.xlsx_response(filename, wb)
