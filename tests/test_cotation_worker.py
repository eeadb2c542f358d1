"""Stock rescoring by a real Celery worker (Redis + PostgreSQL): adopting a grid change rescores the
territory's demands in the background, one event per demand whose score changed; a redelivered task
changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from demandes import rules, selectors, services
from demandes.models import CalculCotation, CritereCotation, Demande, Evenement
from demandes.tasks import recalculer_cotation_stock
from demandes.tests.factories import CommuneFactory, EpciFactory, GuichetFactory, creer_demande


def _termine(calcul_id):
    return CalculCotation.objects.filter(pk=calcul_id, statut="TERMINE").first()


def _attendus(demandes, grille, today):
    criteres = grille.criteres_purs()
    return {
        d.pk: rules.coter(selectors.instantane_demande(d, today, criteres), criteres, today).score for d in demandes
    }


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_recote_le_stock_quand_la_grille_change(celery_worker_process):
    today = timezone.localdate()
    epci = EpciFactory()
    guichet = GuichetFactory(epci=epci, commune=CommuneFactory(epci=epci))
    demandes = [
        creer_demande(
            guichet,
            nom=f"Demandeur{i:02d}",
            date_depot=today - dt.timedelta(days=45 * i),
            logement_actuel="HEBERGE_TIERS" if i % 3 == 0 else "LOCATAIRE_PRIVE",
        )
        for i in range(12)
    ]
    v1 = services.creer_brouillon(epci=epci, acteur=None, nom="Grille 2026")
    for ordre, (code, type_, points, valeurs) in enumerate(
        [("dalo", "DALO", 300, []), ("anciennete", "ANCIENNETE", 2, []), ("heberge", "LOGEMENT_ACTUEL", 20,
                                                                          ["HEBERGE_TIERS"])]
    ):  # fmt: skip
        CritereCotation.objects.create(grille=v1, ordre=ordre, code=code, libelle=code, type=type_, points=points,
                                       valeurs=valeurs)  # fmt: skip
    calcul = services.adopter_grille(v1, acteur=None)  # committed: the task goes to the worker
    celery_worker_process.wait_for(lambda: _termine(calcul.pk), timeout=60, what="le premier recalcul du stock")
    premiers = _attendus(demandes, v1, today)
    assert dict(Demande.objects.values_list("pk", "score")) == premiers
    assert Evenement.objects.filter(type="COTATION").count() == 12  # every demand got its first score

    # the grid changes: seniority weighs more, hosted households less
    v2 = services.creer_brouillon(epci=epci, acteur=None, nom="Grille 2027")
    v2.criteres.filter(code="anciennete").update(points=5)
    v2.criteres.filter(code="heberge").update(points=0)
    calcul2 = services.adopter_grille(v2, acteur=None)
    fini = celery_worker_process.wait_for(lambda: _termine(calcul2.pk), timeout=60, what="le recalcul après v2")
    seconds = _attendus(demandes, v2, today)
    assert dict(Demande.objects.values_list("pk", "score")) == seconds
    changees = {pk for pk in seconds if seconds[pk] != premiers[pk]}
    assert len(changees) >= 10  # all but the demand filed today (0 both ways)
    evenements = Evenement.objects.filter(type="COTATION", detail__grille_id=v2.pk)
    assert sorted(evenements.values_list("demande_id", flat=True)) == sorted(changees)  # one per changed demand
    assert all(e.detail == {"grille_id": v2.pk, "ancien": premiers[e.demande_id], "nouveau": seconds[e.demande_id]}
               for e in evenements)  # fmt: skip
    assert fini.nb_modifiees == len(changees) and fini.nb_traitees == 12
    assert Demande.objects.filter(score_grille=v2).count() == 12

    # a redelivered or retried task changes nothing and logs nothing
    avant = Evenement.objects.filter(type="COTATION").count()
    relance = services.lancer_recalcul(grille=v2, acteur=None, declencheur="relance")
    recalculer_cotation_stock.delay(relance.pk)  # twice: the second finds the run finished
    fini = celery_worker_process.wait_for(lambda: _termine(relance.pk), timeout=60, what="la relance")
    assert (fini.nb_traitees, fini.nb_modifiees) == (12, 0)
    assert Evenement.objects.filter(type="COTATION").count() == avant
