from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

    def ready(self):
        from attributions.signals import decisions_importees

        decisions_importees.connect(remarquer_relogements, dispatch_uid="relogement-objectif-a")


def remarquer_relogements(sender, *, epci_ids, **kwargs):
    """An F1 import rewrote decisions without the relocation flag: mark the relocated households again,
    in the import's transaction, so the objectives computed after it count them in objective A."""
    from . import services

    for epci_id in sorted(epci_ids):
        services.synchroniser_objectif_a(epci_id=epci_id)
