from django.apps import AppConfig


class AttributionsConfig(AppConfig):
    name = "attributions"
    verbose_name = "Logements, attributions et objectifs légaux"

    def ready(self):
        from demandes.signals import demande_anonymisee, donnees_personnelles

        from . import rgpd

        demande_anonymisee.connect(rgpd.effacer_textes, dispatch_uid="attributions-rgpd-anonymisation")
        donnees_personnelles.connect(rgpd.donnees_personnelles, dispatch_uid="attributions-rgpd-acces")

        from core import exports_differes

        from .views import production_liste

        exports_differes.enregistrer("attributions.liste", production_liste)
