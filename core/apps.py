from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Utilisateurs et socle commun"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks, comptes  # noqa: F401  (system checks, signal receivers)
        from .db import enregistrer_collation_fr

        connection_created.connect(enregistrer_collation_fr, dispatch_uid="core.collation_fr")
