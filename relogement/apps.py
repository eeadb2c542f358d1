from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

    def ready(self):
        from attributions.signals import decisions_importees

        decisions_importees.connect(remarquer_relogements, dispatch_uid="relogement-objectif-a")

        from demandes.signals import appreciations_a_effacer, demande_anonymisee, donnees_personnelles

        from . import rgpd

        demande_anonymisee.connect(rgpd.effacer_textes, dispatch_uid="relogement-rgpd-anonymisation")
        appreciations_a_effacer.connect(rgpd.effacer_diagnostics, dispatch_uid="relogement-rgpd-attribution")
        donnees_personnelles.connect(rgpd.donnees_personnelles, dispatch_uid="relogement-rgpd-acces")

        from core.privacy import register_retention

        from . import privacy

        register_retention(privacy.durees)


def remarquer_relogements(sender, *, epci_ids, **kwargs):
    """An F1 import rewrote decisions without the relocation flag: mark the relocated households again,
    in the import's transaction, so the objectives computed after it count them in objective A."""
    from . import services

    for epci_id in sorted(epci_ids):
        services.synchroniser_objectif_a(epci_id=epci_id)
