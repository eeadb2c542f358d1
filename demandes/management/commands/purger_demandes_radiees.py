"""Anonymise the radiated demands past their retention period (docs/droit/regles.md, platform decision 13).

python manage.py purger_demandes_radiees --dry-run     # what would be erased, nothing changed
python manage.py purger_demandes_radiees               # erase, and keep the report in the job journal
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.jobs import tracked_execution
from demandes.rules import DomainError
from demandes.services_rgpd import NOM_TACHE_PURGE, purger_demandes_radiees

LIBELLES = {
    "demandes": "demandes anonymisées",
    "membres": "membres du ménage supprimés",
    "ressources": "ressources supprimées",
    "pieces": "pièces justificatives supprimées",
    "fichiers": "fichiers effacés du disque",
    "evenements": "événements supprimés",
    "priorites": "critères de priorité supprimés",
    "decisions_dalo": "décisions DALO supprimées",
    "rendez_vous_comptes_rendus": "comptes rendus d'entretien effacés",
    "transitions_commentaires": "commentaires de changement de statut effacés",
}


class Command(BaseCommand):
    help = "Anonymise les demandes radiées depuis plus que la durée de conservation (un an par défaut)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien effacer.")
        parser.add_argument("--date", help="Date de référence (AAAA-MM-JJ), aujourd'hui par défaut.")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date : date invalide « {date} » (format AAAA-MM-JJ).") from exc
        try:
            with tracked_execution(NOM_TACHE_PURGE, detail={"simulation": dry_run, "commande": True}) as execution:
                rapport = purger_demandes_radiees(today=today, dry_run=dry_run, rapport=execution.detail)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        entete = "Simulation (rien n'est effacé)" if dry_run else "Anonymisation effectuée"
        self.stdout.write(f"{entete} au {rapport['date']} :")
        if not rapport["compteurs"]:
            self.stdout.write("  aucune demande radiée dont la durée de conservation est écoulée.")
        for cle, n in rapport["compteurs"].items():
            self.stdout.write(f"  {n} {LIBELLES.get(cle, cle.replace('_', ' '))}")
        self.stdout.write(f"Rapport conservé dans le journal des tâches (exécution n° {execution.pk}).")
