"""``python manage.py import_referentiels``: load the reference data shipped in cil/referentiels/."""

from django.core.management.base import BaseCommand, CommandError

from cil.services import ReferentielError, import_referentiels


class Command(BaseCommand):
    help = (
        "Charge les données de référence livrées avec la plateforme (communes, EPCI, périmètres, QPV, seuils des "
        "quartiles, taux légaux). Idempotent : une nouvelle exécution ne change rien si la base est à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--epci",
            metavar="SIREN",
            help="Ne charger que cet EPCI, ses communes, ses QPV et ses seuils (tests, démonstration).",
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        try:
            report = import_referentiels(stdout=self.stdout if verbose else None, only_epci=options["epci"])
        except ReferentielError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.lines()[0]))
        for line in report.lines()[1:]:
            self.stdout.write(line)
