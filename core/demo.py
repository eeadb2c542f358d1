"""The demo's second factor (``settings.DEMO_SEEDERS`` entry ``core.demo.seed``): the accounts whose role requires
one get a TOTP device with a fixed, published secret, so that the demo stays usable without a phone
(``manage.py code_totp_demo epci`` prints the current code). Demonstration only: the secret is in the README."""

from __future__ import annotations

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

# Base32, as an authenticator application takes it (README, "Comptes de démonstration").
DEMO_TOTP_SECRET = "MRSW23ZNMNUWYLJSGAZDMLLUN52HAIJB"
DEMO_TOTP_COMPTES = ("epci", "admin")
NOM_APPAREIL_DEMO = "Démonstration (secret publié)"


def demo_totp_key() -> str:
    """The demo secret as django-otp stores it (hexadecimal)."""
    return b32decode(DEMO_TOTP_SECRET + "=" * (-len(DEMO_TOTP_SECRET) % 8)).hex()


def seed(territory, *, stdout=None) -> None:
    cle = demo_totp_key()
    for username in DEMO_TOTP_COMPTES:
        user = territory.account(username).user
        TOTPDevice.objects.filter(user=user).exclude(key=cle).delete()
        TOTPDevice.objects.update_or_create(user=user, key=cle, defaults={"name": NOM_APPAREIL_DEMO, "confirmed": True})
    if stdout is not None:
        stdout.write(
            f"Second facteur de démonstration pour {', '.join(DEMO_TOTP_COMPTES)} : secret {DEMO_TOTP_SECRET} "
            f"(code du moment : « python manage.py code_totp_demo epci »)\n"
        )
