"""This app's part in the demands' GDPR duties (``demandes.signals``; docs/droit/regles.md, platform decision 13).

The counted allocations (``DecisionCaleol``) hold no name nor contact details: they stay as they are, so
that the objectives and balance sheets of past years do not change. What this app holds in free text about
a demand (the commission's motives, a suspensive condition) goes with the demand's personal data.
"""

from __future__ import annotations

from .models import Candidature, DecisionCaleol


def _avec_texte(demande):
    return Candidature.objects.filter(demande=demande).exclude(motif_decision="", condition="")


def effacer_textes(sender, *, demande, dry_run: bool, **kwargs) -> dict:
    qs = _avec_texte(demande)
    n = qs.count()
    if not dry_run and n:
        qs.update(motif_decision="", condition="")
    return {"candidatures_textes_libres": n}


def donnees_personnelles(sender, *, demande, **kwargs) -> dict:
    candidatures = list(
        Candidature.objects.filter(demande=demande)
        .order_by("designee_le", "pk")
        .values(
            "vacance__logement__identifiant",
            "vacance__bailleur__nom",
            "reservataire__nom",
            "designee_le",
            "seance__date",
            "type_decision",
            "rang",
            "condition",
            "motif_decision",
            "reponse",
            "motif_refus",
            "date_reponse",
            "date_bail",
        )
    )
    decisions = list(
        DecisionCaleol.objects.filter(numero_unique=demande.numero_unique)
        .order_by("date_decision", "pk")
        .values("date_decision", "type_decision", "rang", "logement__identifiant", "bailleur__nom", "date_bail")
    )
    return {"candidatures": candidatures, "decisions_caleol": decisions}
