from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.management.perimetre import epcis_par_siren
from attributions.services import perimetre_import
from sne.evenements import EvenementsRefuses, importer_evenements, importer_types


class Command(BaseCommand):
    help = (
        "Importe les fichiers de la gestion partagée du SNE : types d'événements (--types, "
        "InterfaceNuuGPTypeEvenement) ou événements d'une demande (InterfaceNuuGPEvenement), validés, "
        "en entier ou pas du tout."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+", metavar="FICHIER.xml")
        parser.add_argument("--types", action="store_true", help="fichiers de types d'événements")
        parser.add_argument("--epci", metavar="SIREN", action="append", help="territoires acceptés (événements)")

    def handle(self, *args, fichiers, types, epci, **options):
        permis = perimetre_import(epcis=epcis_par_siren(epci)) if epci else None
        if not types and permis is None:
            raise CommandError("Désignez le ou les territoires des demandes (--epci SIREN).")
        refuses = 0
        for nom in fichiers:
            chemin = Path(nom)
            try:
                if types:
                    n = importer_types(contenu=chemin.read_bytes())
                    self.stdout.write(f"{chemin.name} : {n} type(s) d'événements enregistré(s).")
                else:
                    n = importer_evenements(contenu=chemin.read_bytes(), permis=permis)
                    self.stdout.write(f"{chemin.name} : {n} événement(s) ajouté(s).")
            except EvenementsRefuses as refus:
                refuses += 1
                self.stderr.write(f"{chemin.name} refusé, rien n'a été enregistré :")
                for constat in refus.constats:
                    self.stderr.write(f"  {constat}")
        if refuses:
            raise CommandError(f"{refuses} fichier(s) refusé(s).")
