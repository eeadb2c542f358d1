from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.stock import StockRejete, importer_logements
from cil.models import Bailleur


class Command(BaseCommand):
    help = (
        "Importe le fichier de patrimoine d'un bailleur (CSV « ; », colonnes RPLS décrites dans "
        "attributions/stock.py), en entier ou pas du tout."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="chemin du fichier CSV (UTF-8, séparateur « ; »)")
        parser.add_argument("--bailleur", required=True, help="SIREN du bailleur propriétaire des logements")

    def handle(self, *args, fichier, bailleur, **options):
        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        proprietaire = Bailleur.objects.filter(siren=bailleur).first()
        if proprietaire is None:
            raise CommandError(f"Bailleur inconnu : SIREN {bailleur}.")
        try:
            rapport = importer_logements(contenu=path.read_bytes(), bailleur=proprietaire)
        except StockRejete as rejet:
            for erreur in rejet.erreurs:
                self.stderr.write(f"{path.name} : {erreur}")
            raise CommandError(
                f"Fichier rejeté : {len(rejet.erreurs)} erreur(s). Aucune donnée n'a été enregistrée."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name} importé pour {proprietaire.nom} : {rapport.nb_lignes} lignes, "
                f"{rapport.nb_crees} logements créés, {rapport.nb_modifies} modifiés, {rapport.nb_inchanges} inchangés."
            )
        )
