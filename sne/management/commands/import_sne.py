from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attributions.management.perimetre import epcis_par_siren
from attributions.permissions import can_import
from cil.models import Guichet
from core.models import User
from sne.masse import importer_lot
from sne.services import FichierRefuse


class Command(BaseCommand):
    help = (
        "Importe des fichiers du système national d'enregistrement (SNE, interfaceNuu 02.00 ou 02.01) : chaque "
        "fichier est validé contre le schéma de sa version puis importé en entier ou pas du tout, pour les seuls "
        "territoires désignés (--epci, --acteur ou --tous-territoires)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+", metavar="FICHIER.xml")
        perimetre = parser.add_mutually_exclusive_group(required=True)
        perimetre.add_argument("--epci", metavar="SIREN", action="append", help="territoire accepté (répétable)")
        perimetre.add_argument("--acteur", metavar="IDENTIFIANT", help="importer au nom de cet utilisateur")
        perimetre.add_argument("--tous-territoires", action="store_true", help="accepter tous les territoires")
        parser.add_argument("--guichet", type=int, help="identifiant du guichet enregistreur des nouvelles demandes")

    def handle(self, *args, fichiers, epci, acteur, tous_territoires, guichet, **options):
        utilisateur, epcis = None, None
        if acteur is not None:
            utilisateur = User.objects.filter(username=acteur, is_active=True).first()
            if utilisateur is None:
                raise CommandError(f"Utilisateur inconnu ou inactif : {acteur}.")
            if not can_import(utilisateur):
                raise CommandError(f"{acteur} n'est membre du personnel d'aucun EPCI : il ne peut pas importer.")
        elif epci:
            epcis = epcis_par_siren(epci)
        guichet_choisi = None
        if guichet is not None:
            guichet_choisi = Guichet.objects.filter(pk=guichet).first()
            if guichet_choisi is None:
                raise CommandError(f"Guichet inconnu : {guichet}.")
        refuses = 0
        lus = []
        for nom in fichiers:
            chemin = Path(nom)
            if not chemin.is_file():
                self.stderr.write(f"{nom} : fichier introuvable.")
                refuses += 1
                continue
            lus.append((chemin.name, chemin.read_bytes()))
        # every file whole or not at all; new demands written set-based (sne.masse), the others one by one
        resultats = importer_lot(lus, acteur=utilisateur, epcis=epcis, guichet=guichet_choisi)
        for (nom, _contenu), resultat in zip(lus, resultats, strict=True):
            if isinstance(resultat, FichierRefuse):
                refuses += 1
                self.stderr.write(f"{nom} refusé, rien n'a été enregistré :")
                for constat in resultat.constats:
                    self.stderr.write(f"  {constat}")
                continue
            for avertissement in resultat.avertissements:
                self.stdout.write(f"{nom} : avertissement : {avertissement}")
            self.stdout.write(self.style.SUCCESS(f"{nom} : {resultat.resume}."))
        if refuses:
            raise CommandError(f"{refuses} fichier(s) refusé(s) sur {len(fichiers)}.")
