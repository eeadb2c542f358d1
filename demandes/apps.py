from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes de logement social"

    def ready(self):
        from core.privacy import register_retention

        from . import privacy

        register_retention(privacy.durees)

        from core import exports_differes

        from .views.recherche import production_export

        # the search's export above the direct export's rows (core.exports_differes)
        exports_differes.enregistrer("demandes.recherche", production_export, rubrique="demandes:recherche")
