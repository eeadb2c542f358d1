from django.core.management.base import BaseCommand, CommandError

from attributions.selectors import simule_seuil
from cil.models import Epci


class Command(BaseCommand):
    help = (
        "Simule le seuil du premier quartile de l'année suivante à partir des demandes actives de la plateforme "
        "au 31 décembre de l'année donnée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--epci", required=True, help="SIREN de l'EPCI")
        parser.add_argument("--annee", required=True, type=int, help="année dont le 31 décembre sert de référence")

    def handle(self, *args, epci, annee, **options):
        territoire = Epci.objects.filter(siren=epci).first()
        if territoire is None:
            raise CommandError(f"EPCI inconnu : {epci}.")
        simulation = simule_seuil(territoire, annee)
        if not simulation.nb_demandes:
            raise CommandError(f"Aucune demande active au {simulation.date_reference:%d/%m/%Y} pour {territoire.nom}.")
        self.stdout.write(
            f"{territoire.nom} : seuil {simulation.annee_cible} simulé à {simulation.seuil_simule} € par UC et par an, "
            f"d'après {simulation.nb_demandes} demandes actives au {simulation.date_reference:%d/%m/%Y}."
        )
        if simulation.seuil_en_vigueur:
            self.stdout.write(f"Seuil de l'arrêté {simulation.annee_cible} : {simulation.seuil_en_vigueur} €.")
