from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes de logement social"

    def ready(self):
        from core.privacy import register_retention

        from . import privacy

        register_retention(privacy.durees)
