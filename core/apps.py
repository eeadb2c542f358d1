from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Utilisateurs et socle commun"

    def ready(self):
        from . import checks, comptes  # noqa: F401  (system checks, signal receivers)
