"""One transition table format (core.cycles.Cycle), one helper that moves and logs
(appliquer, journaliser), one abstract log (core.models.JournalTransition) under the three life cycles."""

import datetime as dt
import enum

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from attributions import rules as arules
from attributions.models import TransitionVacance, Vacance
from core.erreurs import ErreurMetier
from core.models import JournalTransition, User
from core.transitions import Cycle, appliquer, journaliser
from demandes import rules as drules
from demandes.models import Demande, TransitionStatut
from relogement import rules as rrules
from relogement.models import MenageAReloger, TransitionMenage

# --- The table, pure --------------------------------------------------------------------------------


class Porte(enum.StrEnum):
    FERMEE = "FERMEE"
    OUVERTE = "OUVERTE"
    VERROUILLEE = "VERROUILLEE"


class Geste(enum.StrEnum):
    OUVRIR = "OUVRIR"
    FERMER = "FERMER"
    VERROUILLER = "VERROUILLER"


class GesteImpossible(ErreurMetier):
    pass


def _refus(etat, action):
    return GesteImpossible(f"Impossible de « {str(action).lower()} » une porte « {str(etat).lower()} ».")


PORTE = Cycle(
    {
        (Porte.FERMEE, Geste.OUVRIR): Porte.OUVERTE,
        (Porte.OUVERTE, Geste.FERMER): Porte.FERMEE,
        (Porte.FERMEE, Geste.VERROUILLER): Porte.VERROUILLEE,
        (Porte.VERROUILLEE, Geste.OUVRIR): Porte.VERROUILLEE,  # allowed, changes nothing
    },
    refus=_refus,
)


@pytest.mark.parametrize(
    ("etat", "geste", "attendu"),
    [
        (Porte.FERMEE, Geste.OUVRIR, Porte.OUVERTE),
        (Porte.OUVERTE, Geste.FERMER, Porte.FERMEE),
        (Porte.FERMEE, Geste.VERROUILLER, Porte.VERROUILLEE),
        (Porte.VERROUILLEE, Geste.OUVRIR, Porte.VERROUILLEE),
        ("FERMEE", "OUVRIR", Porte.OUVERTE),  # the stored strings find the enum's rows
    ],
)
def test_cycle_suivant(etat, geste, attendu):
    assert PORTE.suivant(etat, geste) == attendu
    assert PORTE(etat, geste) == attendu  # a cycle is the ``regle`` appliquer expects


@pytest.mark.parametrize(
    ("etat", "geste", "message"),
    [
        (Porte.OUVERTE, Geste.OUVRIR, "Impossible de « ouvrir » une porte « ouverte »."),
        (Porte.OUVERTE, Geste.VERROUILLER, "Impossible de « verrouiller » une porte « ouverte »."),
        (Porte.VERROUILLEE, Geste.FERMER, "Impossible de « fermer » une porte « verrouillee »."),
        ("ENFONCEE", Geste.FERMER, "Impossible de « fermer » une porte « enfoncee »."),  # unknown state
        (Porte.FERMEE, "DEFONCER", "Impossible de « defoncer » une porte « fermee »."),  # unknown action
    ],
)
def test_cycle_refuse_ce_que_la_table_ne_liste_pas(etat, geste, message):
    with pytest.raises(GesteImpossible) as refus:
        PORTE.suivant(etat, geste)
    assert str(refus.value) == message
    assert isinstance(refus.value, ErreurMetier)
    assert refus.value.__cause__ is None and refus.value.__suppress_context__  # no KeyError shown


def test_cycle_par_action_est_la_meme_table():
    par_action = Cycle.par_action(
        {
            Geste.OUVRIR: ({Porte.FERMEE}, Porte.OUVERTE),
            Geste.FERMER: ({Porte.OUVERTE}, Porte.FERMEE),
            Geste.VERROUILLER: ({Porte.FERMEE}, Porte.VERROUILLEE),
        },
        refus=_refus,
    )
    assert par_action.table == {
        (Porte.FERMEE, Geste.OUVRIR): Porte.OUVERTE,
        (Porte.OUVERTE, Geste.FERMER): Porte.FERMEE,
        (Porte.FERMEE, Geste.VERROUILLER): Porte.VERROUILLEE,
    }


@pytest.mark.parametrize(
    ("etat", "attendu"),
    [
        (Porte.FERMEE, [Geste.OUVRIR, Geste.VERROUILLER]),
        (Porte.OUVERTE, [Geste.FERMER]),
        (Porte.VERROUILLEE, [Geste.OUVRIR]),
        ("INCONNU", []),
    ],
)
def test_cycle_actions_possibles_dans_l_ordre_de_la_table(etat, attendu):
    assert PORTE.actions_possibles(etat) == attendu


def test_les_trois_cycles_de_la_plateforme_sont_des_cycles_qui_refusent_en_erreur_metier():
    cas = [
        (drules.CYCLE, drules.Statut.RADIEE, drules.Action.RENOUVELER, drules.TransitionInterdite),
        (rrules.CYCLE, rrules.Statut.SORTI, rrules.Action.PROPOSER, rrules.RegleError),
        (arules.CYCLE_VACANCE, arules.StatutVacance.BAIL_SIGNE, arules.ActionVacance.ORIENTER, arules.RegleError),
    ]
    for cycle, etat, action, erreur in cas:
        assert isinstance(cycle, Cycle)
        with pytest.raises(erreur) as refus:
            cycle.suivant(etat, action)
        assert isinstance(refus.value, ErreurMetier) and "impossible" in str(refus.value)


def test_relogement_actions_possibles_suit_sa_table():
    assert rrules.actions_possibles("PROPOSITION") == [
        rrules.Action.PROPOSER,
        rrules.Action.REFUS,
        rrules.Action.RELOGER_TEMPORAIREMENT,
        rrules.Action.RELOGER_DEFINITIVEMENT,
        rrules.Action.SORTIR,
    ]


# --- The abstract log ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("journal", "suivi"),
    [(TransitionStatut, Demande), (TransitionMenage, MenageAReloger), (TransitionVacance, Vacance)],
)
def test_les_trois_journaux_heritent_du_journal_abstrait(journal, suivi):
    assert issubclass(journal, JournalTransition) and JournalTransition._meta.abstract
    lien = journal._meta.get_field(journal.champ_objet)
    assert isinstance(lien, models.ForeignKey) and lien.related_model is suivi
    for champ in ("de", "vers", "action", "motif", "acteur", "date"):
        journal._meta.get_field(champ)
    assert suivi._meta.get_field("transitions").related_model is journal


# --- Moving and logging (on the demand's log) ------------------------------------------------------


@pytest.fixture
def demande(db):
    from demandes.tests.factories import GuichetFactory, creer_demande

    return creer_demande(GuichetFactory())


@pytest.fixture
def agent(db):
    return User.objects.create_user(username="agent", password="x")


def test_appliquer_change_l_etat_et_ecrit_la_ligne(demande, agent):
    quand = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    ligne = appliquer(
        demande,
        drules.Action.RADIER,
        regle=drules.CYCLE,
        journal=TransitionStatut,
        acteur=agent,
        motif="RENONCIATION",
        date=quand,
        raison="Courrier du 1er mars",
    )
    assert demande.statut == "RADIEE"
    ligne.refresh_from_db()
    assert (ligne.demande_id, ligne.de, ligne.vers, ligne.action) == (demande.pk, "ACTIVE", "RADIEE", "RADIER")
    assert (ligne.motif, ligne.raison) == ("RENONCIATION", "Courrier du 1er mars")
    assert (ligne.acteur, ligne.date) == (agent, quand)
    assert str(ligne) == "ACTIVE → RADIEE le 02/03/2026"
    # the object is left for the service to save with the other fields of the step
    assert Demande.objects.get(pk=demande.pk).statut == "ACTIVE"


def test_appliquer_refuse_sans_rien_changer_ni_ecrire(demande, agent):
    with pytest.raises(drules.TransitionInterdite, match="« reactiver » impossible .* « ACTIVE »"):
        appliquer(demande, drules.Action.REACTIVER, regle=drules.CYCLE, journal=TransitionStatut, acteur=agent)
    assert demande.statut == "ACTIVE"
    assert not TransitionStatut.objects.filter(demande=demande).exists()


def test_appliquer_avec_une_regle_qui_ajoute_sa_condition(demande, agent):
    def seulement_en_semaine(statut, action):
        if action == drules.Action.RAPPELER:
            raise drules.DomainError("Pas de courrier le dimanche.")
        return drules.CYCLE(statut, action)

    with pytest.raises(drules.DomainError, match="dimanche"):
        appliquer(demande, drules.Action.RAPPELER, regle=seulement_en_semaine, journal=TransitionStatut, acteur=agent)
    appliquer(demande, drules.Action.RENOUVELER, regle=seulement_en_semaine, journal=TransitionStatut, acteur=agent)
    assert list(TransitionStatut.objects.values_list("de", "vers")) == [("ACTIVE", "ACTIVE")]


@pytest.mark.parametrize("acteur", [None, AnonymousUser(), User(username="pas-enregistre")])
def test_sans_utilisateur_enregistre_la_ligne_est_au_nom_de_personne(demande, acteur):
    """A scheduled task acts as nobody; an anonymous or unsaved user is never written as the actor."""
    avant = dt.datetime.now(dt.UTC)
    ligne = appliquer(demande, drules.Action.RAPPELER, regle=drules.CYCLE, journal=TransitionStatut, acteur=acteur)
    ligne.refresh_from_db()
    assert ligne.acteur is None and ligne.date >= avant  # dated now when no date is given


def test_journaliser_note_une_etape_sans_changement_et_coupe_le_motif_trop_long(demande, agent):
    longueur = TransitionStatut._meta.get_field("motif").max_length
    ligne = journaliser(
        demande, TransitionStatut, de="ACTIVE", vers="ACTIVE", action="NOTE", acteur=agent, motif="x" * (longueur + 5)
    )
    ligne.refresh_from_db()
    assert (ligne.de, ligne.vers, ligne.action, ligne.motif) == ("ACTIVE", "ACTIVE", "NOTE", "x" * longueur)
    assert demande.statut == "ACTIVE"
