from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _cree_groupe_personnel_epci(sender, app_config=None, using="default", **kwargs):
    """After ``migrate``: the models' permissions exist, then the EPCI staff group is brought up to date."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .services import groupe_personnel_epci

    if not apps.is_installed("django.contrib.auth"):
        return
    if kwargs.get("plan") is None:
        # ``flush`` (between transactional tests) sends post_migrate without a plan: the group would be
        # recreated under a new key before the tests' serialized data is restored with the old one.
        return
    for label in ("core", "cil"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    groupe_personnel_epci()


class CilConfig(AppConfig):
    name = "cil"
    verbose_name = "Territoire et organisations"

    def ready(self):
        post_migrate.connect(_cree_groupe_personnel_epci, sender=self, dispatch_uid="cil_groupe_personnel_epci")
