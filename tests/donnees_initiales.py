"""The rows the data migrations write (legal rates, allocation parameters, demand delays and checklist, the
platform's sensitive items and default mutation criteria, the relocation files' retention period), loaded again
in an emptied test database.

A transactional test (``transaction=True``, the live server of the browser tests, the Celery worker tests)
ends with a flush that empties every table; the transactional tests that follow call ``recharger()`` first.
Each loader is the migration's own function, so the rows are exactly those a migrated database holds.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def recharger() -> None:
    from demandes.models import ParametresDemande

    for migration in (
        "attributions.migrations.0004_parametres_attribution",
        "attributions.migrations.0009_alerte_dalo_qpv",
        "attributions.migrations.0009_accessibilite_des_logements",
        "cil.migrations.0003_taux_legaux",
    ):
        importlib.import_module(migration).charger(apps, None)
    if not ParametresDemande.objects.exists():
        importlib.import_module("demandes.migrations.0002_donnees_initiales").charger(apps, None)
        importlib.import_module("demandes.migrations.0009_taches_en_francais").renommer(apps, None)
    importlib.import_module("demandes.migrations.0006_rgpd").sourcer(apps, None)
    importlib.import_module("demandes.migrations.0006_elements_sensibles").charger_defauts(apps, None)
    importlib.import_module("demandes.migrations.0013_criteres_communs_de_mutation").charger(apps, None)
    importlib.import_module("relogement.migrations.0004_parametres_nationaux_et_un_par_debut").charger(apps, None)


def manquantes() -> bool:
    """Whether the rows of the data migrations are gone (a flush emptied the tables): one query."""
    from demandes.models import ElementSensible, ParametresDemande

    return not (ParametresDemande.objects.filter(epci__isnull=True).exists() and ElementSensible.objects.exists())
