from django.apps import AppConfig


class AttributionsConfig(AppConfig):
    name = "attributions"
    verbose_name = "Logements, attributions et objectifs légaux"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from demandes.signals import demande_anonymisee, donnees_personnelles

        from . import rgpd, services
        from .models import DecisionCaleol

        # the freshness marker of the objectives (services.marquer_decisions_modifiees)
        pre_save.connect(services.avant_ecriture_decision, sender=DecisionCaleol, dispatch_uid="decision-avant")
        post_save.connect(services.apres_ecriture_decision, sender=DecisionCaleol, dispatch_uid="decision-apres")
        post_delete.connect(services.apres_ecriture_decision, sender=DecisionCaleol, dispatch_uid="decision-supprimee")

        demande_anonymisee.connect(rgpd.effacer_textes, dispatch_uid="attributions-rgpd-anonymisation")
        donnees_personnelles.connect(rgpd.donnees_personnelles, dispatch_uid="attributions-rgpd-acces")

        from core import exports_differes

        from .vacances.views import production_vacances
        from .views import production_liste

        exports_differes.enregistrer("attributions.liste", production_liste, rubrique="attributions:liste")
        exports_differes.enregistrer("attributions.vacances", production_vacances, rubrique="attributions:vacances")
