"""This app's part in the demands' GDPR duties (``demandes.signals``; docs/droit/regles.md, platform decision 13).

- A radiated demand anonymised: the referrals to the commission for specific cases that concern only that
  demand (no household to relocate) lose their statement, social diagnosis, decisions' texts and follow-up
  notes. A relocation file (``MenageAReloger``) has its own retention (``ParametresRelogement``).
- The lease signed without a continuing social follow-up: the social diagnoses about the demand (or its
  household to relocate) are erased (AU-2014-124, art. 4), the erasure traced.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import DecisionCommission, DiagnosticSocial, MenageAReloger, Saisine, SuiviSaisine


def effacer_textes(sender, *, demande, dry_run: bool, **kwargs) -> dict:
    saisines = Saisine.objects.filter(demande=demande, menage__isnull=True)
    diagnostics = DiagnosticSocial.objects.filter(saisine__in=saisines, purge_le__isnull=True)
    decisions = DecisionCommission.objects.filter(saisine__in=saisines).exclude(texte="")
    suivis = SuiviSaisine.objects.filter(saisine__in=saisines).exclude(texte="")
    compteurs = {
        "saisines_exposes": saisines.exclude(expose="").count(),
        "diagnostics_sociaux": diagnostics.count(),
        "decisions_commission_textes": decisions.count(),
        "suivis_saisines_textes": suivis.count(),
    }
    if not dry_run:
        today = timezone.localdate()
        diagnostics.update(contenu="", preconisations="", purge_le=today)
        decisions.update(texte="", responsable_suivi="")
        suivis.update(texte="")
        saisines.exclude(expose="").update(expose="")
    return compteurs


def effacer_diagnostics(sender, *, demande, acteur, **kwargs) -> dict:
    from .services import tracer_consultation

    diagnostics = DiagnosticSocial.objects.filter(
        Q(saisine__demande=demande) | Q(saisine__menage__demande=demande), purge_le__isnull=True
    )
    saisines = list(Saisine.objects.filter(diagnostic__in=diagnostics))
    n = diagnostics.update(contenu="", preconisations="", purge_le=timezone.localdate())
    for saisine in saisines:
        tracer_consultation(acteur=acteur, saisine=saisine, objet="effacement à l'attribution (AU-2014-124)")
    return {"diagnostics_sociaux": n}


def donnees_personnelles(sender, *, demande, **kwargs) -> dict:
    menages = MenageAReloger.objects.filter(demande=demande).values(
        "operation__nom",
        "reference",
        "nom",
        "adresse_actuelle",
        "typologie_actuelle",
        "nb_personnes_14_plus",
        "nb_enfants_moins_14",
        "ressources_mensuelles",
        "statut",
        "date_enquete",
        "enquete__reponses",
        "enquete__purgee_le",
    )
    saisines = Saisine.objects.filter(Q(demande=demande) | Q(menage__demande=demande)).values(
        "date_saisine",
        "organisation",
        "motif",
        "expose",
        "statut",
        "diagnostic__date",
        "diagnostic__contenu",
        "diagnostic__preconisations",
        "diagnostic__purge_le",
    )
    return {"relogement": list(menages), "saisines_cas_specifiques": list(saisines)}
