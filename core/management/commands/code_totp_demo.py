"""``python manage.py code_totp_demo epci``: the current second-factor code of a demo account."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.demo import DEMO_TOTP_SECRET, demo_totp_key


class Command(BaseCommand):
    help = (
        "Affiche le code à 6 chiffres du moment pour un compte de démonstration (secret publié "
        f"{DEMO_TOTP_SECRET}). Refuse tout compte dont l'appareil n'est pas celui de la démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifiant", help="identifiant du compte de démonstration (epci, admin)")

    def handle(self, *args, identifiant, **options):
        user = get_user_model().objects.filter(username=identifiant).first()
        if user is None:
            raise CommandError(f"Compte « {identifiant} » introuvable : lancez d'abord « manage.py seed_demo ».")
        cle = demo_totp_key()
        appareil = TOTPDevice.objects.filter(user=user, key=cle, confirmed=True).first()
        if appareil is None:
            raise CommandError(
                f"Le compte « {identifiant} » n'a pas l'appareil de démonstration : cette commande ne donne le code "
                "que des comptes de démonstration (seed_demo)."
            )
        totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
        restant = appareil.step - int(time.time() - appareil.t0) % appareil.step
        self.stdout.write(f"{totp.token():06d}")
        self.stderr.write(f"Code de « {identifiant} », valable encore {restant} secondes.")
