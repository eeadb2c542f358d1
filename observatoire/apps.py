from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "observatoire"
    verbose_name = "Observatoire et bilans"

    def ready(self):
        from core import exports_differes

        from . import views_etat, views_indicateurs

        # the lists behind the State table's figures and behind the indicators, above the direct export's rows
        exports_differes.enregistrer(
            "observatoire.etat_liste", views_etat.production_liste, rubrique="observatoire:etat"
        )
        exports_differes.enregistrer(
            "observatoire.indicateurs_liste", views_indicateurs.production_liste, rubrique="observatoire:indicateurs"
        )
