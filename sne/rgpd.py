"""This app's part in the demands' GDPR duties (``demandes.signals``): the national record copies the demand's
personal data, so it goes with them; the access export shows it."""

from __future__ import annotations

from .models import DossierSne, FichierSne


def effacer(sender, *, demande, dry_run: bool, **kwargs) -> dict:
    qs = DossierSne.objects.filter(demande=demande)
    n = qs.count()
    if not dry_run and n:
        qs.delete()
        FichierSne.objects.filter(demande=demande).update(constats=[], avertissements=[])
    return {"dossiers_sne": n}


def donnees_personnelles(sender, *, demande, **kwargs) -> dict:
    dossier = DossierSne.objects.filter(demande=demande).first()
    if dossier is None:
        return {}
    return {"dossier_sne": [{"type_fichier": dossier.type_fichier, "donnees": dossier.donnees}]}
