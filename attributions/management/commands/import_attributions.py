from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.management.perimetre import epcis_par_siren
from attributions.permissions import can_import
from attributions.services import ImportRejete, import_attributions
from core.models import User


class Command(BaseCommand):
    help = (
        "Importe un extrait de décisions d'attribution au format F1 (CSV « ; »), en entier ou pas du tout, "
        "pour les seuls territoires désignés (--epci, --acteur ou --tous-territoires)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="chemin du fichier CSV (UTF-8, séparateur « ; »)")
        perimetre = parser.add_mutually_exclusive_group(required=True)
        perimetre.add_argument(
            "--epci",
            metavar="SIREN",
            action="append",
            help="territoire dont le fichier peut contenir des lignes (à répéter pour plusieurs territoires)",
        )
        perimetre.add_argument(
            "--acteur",
            metavar="IDENTIFIANT",
            help="importer au nom de cet utilisateur : ses territoires seulement, et l'import lui est attribué",
        )
        perimetre.add_argument(
            "--tous-territoires",
            action="store_true",
            help="accepter les lignes de tous les territoires (extrait régional ou national, à dessein)",
        )
        parser.add_argument(
            "--sans-recalcul", action="store_true", help="ne pas recalculer les objectifs après l'import"
        )

    def handle(self, *args, fichier, sans_recalcul, epci, acteur, tous_territoires, **options):
        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        utilisateur, epcis = None, None
        if acteur is not None:
            utilisateur = User.objects.filter(username=acteur, is_active=True).first()
            if utilisateur is None:
                raise CommandError(f"Utilisateur inconnu ou inactif : {acteur}.")
            if not can_import(utilisateur):
                raise CommandError(f"{acteur} n'est membre du personnel d'aucun EPCI : il ne peut pas importer.")
        elif epci:
            epcis = epcis_par_siren(epci)
        perimetre = (
            "tous les territoires"
            if tous_territoires
            else f"territoires de {acteur}"
            if acteur
            else ", ".join(sorted(set(epci)))
        )
        self.stdout.write(f"Lignes acceptées : {perimetre}.")
        try:
            rapport = import_attributions(
                contenu=path.read_bytes(),
                nom_fichier=path.name,
                acteur=utilisateur,
                epcis=epcis,
                recalculer=not sans_recalcul,
            )
        except ImportRejete as rejet:
            for erreur in rejet.erreurs:
                self.stderr.write(f"{path.name} : {erreur}")
            if rejet.nb_erreurs > len(rejet.erreurs):
                self.stderr.write(f"… et {rejet.nb_erreurs - len(rejet.erreurs)} autres erreurs.")
            raise CommandError(
                f"Fichier rejeté : {rejet.nb_erreurs} erreur(s). Aucune donnée n'a été enregistrée."
            ) from None
        for avertissement in rapport.avertissements[:50]:
            self.stdout.write(f"Avertissement : {avertissement}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name} importé : {rapport.nb_lignes} lignes, {rapport.nb_creees} décisions créées, "
                f"{rapport.nb_modifiees} modifiées, {rapport.nb_inchangees} inchangées "
                f"({rapport.nouveaux_bailleurs} bailleurs, {rapport.nouveaux_reservataires} réservataires, "
                f"{rapport.nouveaux_logements} logements nouveaux ; {rapport.lot.duree_ms} ms)."
            )
        )
