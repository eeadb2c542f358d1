"""System checks of the account settings (run by runserver, migrate and ``manage.py check``)."""

from django.conf import settings
from django.core import checks

from .roles import Role


@checks.register(checks.Tags.security)
def roles_du_second_facteur(app_configs, **kwargs):
    inconnus = sorted(set(getattr(settings, "OTP_ROLES_OBLIGATOIRES", [])) - set(Role.values))
    if inconnus:
        return [
            checks.Error(
                f"OTP_ROLES_OBLIGATOIRES invalide : {', '.join(inconnus)} "
                f"(rôles possibles : {', '.join(Role.values)}).",
                id="core.E001",
            )
        ]
    return []
