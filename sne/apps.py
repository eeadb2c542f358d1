from django.apps import AppConfig


class SneConfig(AppConfig):
    name = "sne"
    verbose_name = "Format national d'échange (SNE)"

    def ready(self):
        from demandes.signals import demande_anonymisee, donnees_personnelles

        from . import rgpd

        demande_anonymisee.connect(rgpd.effacer, dispatch_uid="sne-rgpd-anonymisation")
        donnees_personnelles.connect(rgpd.donnees_personnelles, dispatch_uid="sne-rgpd-acces")
