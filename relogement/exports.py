"""CSV and XLSX exports of the households of an operation. Never the survey answers nor the diagnoses.

Written by core.exports (formulas neutralised, French numbers, streamed)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from openpyxl.utils import get_column_letter

from core import exports

from .models import PropositionRelogement, Relogement


def _oui_non(valeur) -> str:
    return "" if valeur is None else ("oui" if valeur else "non")


def _pct(valeur) -> Decimal | str:
    return "" if valeur is None else round(valeur * 100, 1)


def _definitif(m):
    return next((r for r in m.relogements.all() if r.type == Relogement.Type.DEFINITIF), None)


COLONNES = [
    ("Opération", lambda m, d: m.operation.nom),
    ("Référence", lambda m, d: m.reference),
    ("Ménage", lambda m, d: m.nom),
    ("Bâtiment", lambda m, d: m.batiment.nom if m.batiment_id else ""),
    ("Statut", lambda m, d: m.get_statut_display()),
    ("Référent", lambda m, d: m.referent.get_full_name() or m.referent.username),
    ("Numéro unique de la demande", lambda m, d: m.demande.numero_unique if m.demande_id else ""),
    ("Personnes de 14 ans ou plus", lambda m, d: m.nb_personnes_14_plus),
    ("Enfants de moins de 14 ans", lambda m, d: m.nb_enfants_moins_14),
    ("Date de l'enquête", lambda m, d: m.date_enquete or ""),
    ("Propositions", lambda m, d: m.n_propositions),
    ("Refus", lambda m, d: m.n_refus),
    ("Relogement définitif : logement", lambda m, d: d.libelle_logement if d else ""),
    ("Parc", lambda m, d: d.get_parc_display() if d else ""),
    ("Date du bail", lambda m, d: d.date_bail if d else ""),
    ("En QPV au bail", lambda m, d: _oui_non(d.en_qpv) if d else ""),
    ("Neuf ou conventionné < 5 ans", lambda m, d: _oui_non(d.neuf_ou_recent) if d else ""),
    ("Reste à charge avant (€/mois)", lambda m, d: m.rac_avant),
    ("Reste à charge après (€/mois)", lambda m, d: d.rac if d else ""),
    ("Taux d'effort avant (%)", lambda m, d: _pct(m.taux_effort_avant)),
    (
        "Taux d'effort après (%)",
        lambda m, d: _pct(d.rac / m.ressources_mensuelles) if d and m.ressources_mensuelles else "",
    ),
    ("Suivi à 6 mois : échéance", lambda m, d: m.suivi.date_echeance if hasattr(m, "suivi") else ""),
    ("Suivi à 6 mois : fait le", lambda m, d: (m.suivi.date_realisation or "") if hasattr(m, "suivi") else ""),
]


def queryset_export(menages):
    return (
        menages.select_related("operation", "batiment", "referent", "demande", "suivi")
        .prefetch_related(Prefetch("relogements", queryset=Relogement.objects.select_related("logement__commune")))
        .annotate(
            n_propositions=Count("propositions", distinct=True),
            n_refus=Count(
                "propositions",
                filter=Q(propositions__resultat=PropositionRelogement.Resultat.REFUSEE),
                distinct=True,
            ),
        )
        .order_by("operation__nom", "reference")
    )


def _rows(menages):
    for m in menages.iterator(chunk_size=2000):
        d = _definitif(m)
        yield [getter(m, d) for _, getter in COLONNES]


def to_csv(filename: str, menages):
    """Streamed CSV response over the queryset (``queryset_export``)."""
    return exports.csv_response(filename, [nom for nom, _ in COLONNES], _rows(menages))


def to_xlsx(filename: str, menages, *, titre: str):
    """XLSX response written in write-only mode to a temporary file."""
    wb = exports.new_workbook()
    ws = wb.create_sheet("Ménages à reloger")
    for index in range(1, len(COLONNES) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18
    ws.append(exports.xlsx_row(ws, [titre]))
    ws.append(exports.xlsx_row(ws, [nom for nom, _ in COLONNES]))
    for row in _rows(menages):
        ws.append(exports.xlsx_row(ws, row))
    return exports.xlsx_response(filename, wb)
