"""Migrations 0005-0006: duplicate presentation orders and decision ranks left by past races are resolved
before the uniqueness constraints are added (the first recorded keeps its rank)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from attributions import services
from attributions.models import Candidature, DecisionCaleol

from .fabrique import construire_monde, creer_demande

AVANT = [("attributions", "0004_parametres_attribution")]
APRES = [("attributions", "0006_candidature_rangs_uniques")]


def migrer(cible=None):
    """To ``cible``, or back to the latest state of every app (the schema the other tests expect)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cible if cible is not None else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_les_doublons_anciens_sont_resolus_avant_les_contraintes(territoire_minimal):
    from tests import donnees_initiales

    donnees_initiales.recharger()  # a transactional test before this one may have emptied the tables
    monde = construire_monde(territoire_minimal)
    s = monde["staff"]
    demandes = [creer_demande(monde, nom, date_depot=dt.date(2023, 1, 1 + i)) for i, nom in enumerate("ABC")]
    vacance = services.declarer_vacance(logement=monde["logement"], date_liberation=dt.date(2025, 2, 1), acteur=None)
    services.orienter_vacance(vacance=vacance, reservataire=monde["al"], acteur=None)
    services.designer_candidats(vacance=vacance, demandes=demandes, acteur=s["al"])
    seance = services.creer_seance(
        bailleur=monde["bailleur"], epci=monde["epci"], date=dt.date(2025, 3, 10), acteur=None
    )
    services.inscrire_en_seance(seance=seance, vacance=vacance, acteur=None)
    c1, c2, c3 = Candidature.objects.filter(vacance=vacance).order_by("pk")
    services.enregistrer_decision(candidature=c1, type_decision="ATTRIBUTION_RANG", rang=1, acteur=None)
    services.enregistrer_decision(candidature=c2, type_decision="ATTRIBUTION_RANG", rang=2, acteur=None)
    migrer(AVANT)
    try:
        # what two simultaneous submissions could leave before the constraints existed
        Candidature.objects.filter(pk=c3.pk).update(rang_propose=1)
        Candidature.objects.filter(pk=c2.pk).update(rang=1)
        DecisionCaleol.objects.filter(pk=c2.decision_id).update(rang=1)
    finally:
        migrer(APRES)
        migrer()  # later migrations add columns the models read: never leave the schema behind
    ordres = dict(Candidature.objects.filter(vacance=vacance).values_list("pk", "rang_propose"))
    assert ordres == {c1.pk: 1, c3.pk: 2, c2.pk: 3}
    rangs = {c.pk: (c.rang, c.decision.rang) for c in Candidature.objects.filter(pk__in=[c1.pk, c2.pk])}
    assert rangs == {c1.pk: (1, 1), c2.pk: (2, 2)}
