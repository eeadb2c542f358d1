"""Scheduled jobs (idempotent, run through Celery in eager mode) and the permission predicates."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from demandes import permissions, services, tasks
from demandes.models import Demande, Evenement, ParametresDemande

from .factories import creer_demande


def test_taches_idempotentes(monde):
    today = timezone.localdate()
    a_rappeler = creer_demande(monde.guichet, acteur=monde.agent, date_depot=today - dt.timedelta(days=350))
    a_radier = creer_demande(monde.guichet, acteur=monde.agent, date_depot=today - dt.timedelta(days=420), nom="Roux")
    services.envoyer_rappel_renouvellement(a_radier.pk, today=today - dt.timedelta(days=60))
    recente = creer_demande(monde.guichet, acteur=monde.agent, date_depot=today, nom="Blanc")
    assert tasks.envoyer_rappels_renouvellement.apply().get()["rappels"] == 1
    assert tasks.envoyer_rappels_renouvellement.apply().get()["rappels"] == 0  # rerun does nothing more
    assert tasks.radier_non_renouvelees.apply().get()["radiations"] == 1
    assert tasks.radier_non_renouvelees.apply().get()["radiations"] == 0
    statuts = dict(Demande.objects.values_list("pk", "statut"))
    assert statuts == {a_rappeler.pk: "A_RENOUVELER", a_radier.pk: "RADIEE", recente.pk: "ACTIVE"}
    assert Evenement.objects.filter(type="RAPPEL_RENOUVELLEMENT").count() == 2
    radiation = Evenement.objects.get(type="RADIATION")
    assert radiation.acteur is None and radiation.detail["motif"] == "NON_RENOUVELLEMENT"
    assert len(mail.outbox) == 2


def test_delais_du_territoire_pris_en_compte(monde):
    ParametresDemande.objects.create(
        epci=monde.epci, date_debut=dt.date(2020, 1, 1), preavis_rappel_mois=3, source="PPGDID de test"
    )
    today = timezone.localdate()
    d = creer_demande(monde.guichet, acteur=monde.agent, date_depot=today - dt.timedelta(days=290))
    assert tasks.envoyer_rappels_renouvellement.apply().get()["rappels"] == 1
    d.refresh_from_db()
    assert d.statut == "A_RENOUVELER"


def test_predicats_avec_plusieurs_acteurs(monde, demande):
    attendu = {
        # user: (view, edit, sensitive)
        "agent": (True, True, True),
        "agent2": (True, True, True),
        "staff": (True, True, True),
        "bailleur_user": (True, False, False),
        "reservataire_user": (True, False, False),
        "membre_cil": (False, False, False),
        "outsider": (False, False, False),
        "outsider_bailleur": (False, False, False),
        "admin": (True, True, False),
    }
    for nom, (voir, modifier, sensible) in attendu.items():
        user = getattr(monde, nom)
        obtenu = (
            permissions.can_view(user, demande),
            permissions.can_edit(user, demande),
            permissions.can_see_sensitive(user, demande),
        )
        assert obtenu == (voir, modifier, sensible), nom
        assert Demande.objects.for_user(user).filter(pk=demande.pk).exists() is voir, nom
    assert permissions.can_register(monde.agent, monde.guichet)
    assert not permissions.can_register(monde.agent, monde.guichet_autre)
    assert permissions.can_register(monde.staff, monde.guichet2)
    assert not permissions.can_register(monde.bailleur_user, monde.guichet)
