from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.services import ImportRejete, import_attributions


class Command(BaseCommand):
    help = "Importe un extrait de décisions d'attribution au format F1 (CSV « ; »), en entier ou pas du tout."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="chemin du fichier CSV (UTF-8, séparateur « ; »)")
        parser.add_argument(
            "--sans-recalcul", action="store_true", help="ne pas recalculer les objectifs après l'import"
        )

    def handle(self, *args, fichier, sans_recalcul, **options):
        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        try:
            rapport = import_attributions(
                contenu=path.read_bytes(), nom_fichier=path.name, recalculer=not sans_recalcul
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
