import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.erreurs import ErreurMetier
from demandes.models import Demande
from demandes.rules import normaliser_numero, normaliser_numero_national
from sne.ecriture import exporter
from sne.evenements import exporter_evenements


class Command(BaseCommand):
    help = (
        "Écrit une demande au format national (SNE, interfaceNuu 02.01), validé contre le schéma : "
        "--numero accepte le numéro unique de la plateforme ou le numéro national."
    )

    def add_arguments(self, parser):
        parser.add_argument("--numero", required=True, help="numéro unique (plateforme ou national)")
        parser.add_argument("--sortie", help="fichier à écrire (par défaut : la sortie standard)")
        parser.add_argument("--type-fichier", help="type du fichier (CRE, MOD, RAD, REN...) ; déduit sinon")
        parser.add_argument(
            "--evenements", action="store_true", help="écrire les événements de la demande (InterfaceNuuGPEvenement)"
        )

    def handle(self, *args, numero, sortie, type_fichier, evenements=False, **options):
        plateforme, national = normaliser_numero(numero), normaliser_numero_national(numero)
        demande = (
            Demande.objects.filter(numero_unique=plateforme).first()
            if plateforme
            else Demande.objects.filter(numero_national=national).first()
            if national
            else None
        )
        if demande is None:
            raise CommandError(f"Aucune demande de numéro {numero}.")
        if evenements:
            try:
                contenu = exporter_evenements(demande)
            except ErreurMetier as exc:
                raise CommandError(str(exc)) from None
        else:
            export = exporter(demande, type_fichier=type_fichier)
            for avertissement in export.avertissements:
                self.stderr.write(f"Avertissement : {avertissement}")
            contenu = export.contenu
        if sortie:
            Path(sortie).write_bytes(contenu)
            self.stderr.write(f"{sortie} écrit ({len(contenu)} octets).")
        else:
            sys.stdout.buffer.write(contenu)
