"""``python manage.py seed_demo``: the demonstration territory and one account per role (see cil/demo.py).

It refuses to run unless ``settings.DEMO_AUTORISEE`` is true: the accounts it creates (administrator included)
share a password printed in the README, so on a production database they would be open doors. The setting
follows DEBUG (``make demo`` runs with it), is forced on in the test settings (the demo builders are tested
with DEBUG off) and forced off in the production settings, with no environment variable to change that.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cil.demo import DEMO_PASSWORD, DemoError, accounts_table, seed_demo
from core.db import mettre_a_jour_statistiques


class Command(BaseCommand):
    help = (
        "Crée (ou remet en état) le territoire de démonstration sur Grenoble-Alpes-Métropole et un compte par rôle. "
        "Nécessite les données de référence (import_referentiels). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Adresse de la plateforme affichée à la fin (par défaut : http://127.0.0.1:8000).",
        )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_AUTORISEE", False):
            raise CommandError(
                "seed_demo refuse de s'exécuter hors du mode développement (DEBUG désactivé) : les comptes de "
                "démonstration qu'il crée, administrateur compris, ont un mot de passe public. Pour une "
                "démonstration, utilisez « make demo » (réglages config.settings.dev) sur une base dédiée."
            )
        try:
            territory = seed_demo(stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        mettre_a_jour_statistiques()  # the pages are then planned on the demo's real volumes from the start
        base = options["url"].rstrip("/")
        self.stdout.write(
            self.style.SUCCESS(
                f"Territoire de démonstration prêt : {territory.epci.nom} – {len(territory.communes)} communes, "
                f"{len(territory.quartiers)} quartiers, {len(territory.secteurs)} secteurs, "
                f"{len(territory.bailleurs)} bailleurs, {len(territory.reservataires)} réservataires, "
                f"{len(territory.guichets)} guichets."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        self.stdout.write("")
        for line in accounts_table(territory.accounts):
            self.stdout.write("  " + line)
        self.stdout.write("")
        self.stdout.write(f"Connectez-vous sur {base}{reverse('core:login')}")
        self.stdout.write(f"Administration (comptes « epci » et « admin ») : {base}{reverse('admin:index')}")
