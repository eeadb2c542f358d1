from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.management.perimetre import epcis_par_siren
from attributions.vacances.stock import StockRejete, epcis_du_bailleur, importer_logements
from cil.models import Bailleur, Epci


class Command(BaseCommand):
    help = (
        "Importe le fichier de patrimoine d'un bailleur (CSV « ; », colonnes RPLS décrites dans "
        "attributions/vacances/stock.py), en entier ou pas du tout, sur les seuls territoires du bailleur "
        "(ou ceux de --epci)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="chemin du fichier CSV (UTF-8, séparateur « ; »)")
        parser.add_argument("--bailleur", required=True, help="SIREN du bailleur propriétaire des logements")
        parser.add_argument(
            "--epci",
            metavar="SIREN",
            action="append",
            help="territoire où les logements peuvent se trouver (à répéter) ; par défaut, ceux où le bailleur "
            "est enregistré",
        )

    def handle(self, *args, fichier, bailleur, epci, **options):
        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        proprietaire = Bailleur.objects.filter(siren=bailleur).first()
        if proprietaire is None:
            raise CommandError(f"Bailleur inconnu : SIREN {bailleur}.")
        if epci:
            epcis = epcis_par_siren(epci)
        else:
            epcis = epcis_du_bailleur(proprietaire)
            if not epcis:
                raise CommandError(
                    f"Le bailleur {proprietaire.nom} n'est enregistré sur aucun territoire : précisez --epci SIREN."
                )
        self.stdout.write(
            "Logements acceptés sur : "
            + ", ".join(Epci.objects.filter(pk__in=epcis).order_by("nom").values_list("nom", flat=True))
            + "."
        )
        try:
            rapport = importer_logements(contenu=path.read_bytes(), bailleur=proprietaire, epcis=epcis)
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
