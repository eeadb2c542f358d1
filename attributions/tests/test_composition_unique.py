"""Platform decision 9: one household, one answer. The desk (demandes.selectors.situation_ressources), the
candidate screen and the commission (attributions.vacances.flux.situation_menage) and the scoring simulation
(demandes.simulation) give the same consumption units and quartile for the same household on the same day."""

import datetime as dt
from decimal import Decimal

import pytest

from attributions import rules
from attributions.vacances import flux
from cil.models import SeuilQuartile
from demandes import selectors, services, simulation
from demandes.models import Demande
from demandes.tests.factories import DemandeFactory, GuichetFactory, creer_demande

pytestmark = pytest.mark.django_db

JOUR = dt.date.today()
SEUIL = Decimal("10716")


def _an(ans: int, jours: int = 0) -> dt.date:
    """The birth date of someone aged ``ans`` today, shifted by ``jours``."""
    try:
        naissance = JOUR.replace(year=JOUR.year - ans)
    except ValueError:  # 29 February
        naissance = JOUR.replace(year=JOUR.year - ans, day=28)
    return naissance + dt.timedelta(days=jours)


CAS = {
    "enfant à naître": [{"lien": "ENFANT", "date_naissance": JOUR + dt.timedelta(days=60), "enfant_a_naitre": True}],
    "enfant né à la date prévue": [{"lien": "ENFANT", "date_naissance": JOUR, "enfant_a_naitre": True}],
    "13 et 14 ans": [
        {"lien": "ENFANT", "date_naissance": _an(14)},
        {"lien": "ENFANT", "date_naissance": _an(14, jours=1)},
    ],
    "co-demandeur": [{"lien": "CO_TITULAIRE", "date_naissance": _an(35)}],
}
ATTENDU_UC = {"enfant à naître": "1", "enfant né à la date prévue": "1.3", "13 et 14 ans": "1.8", "co-demandeur": "1.5"}


@pytest.fixture
def guichet():
    guichet = GuichetFactory()
    SeuilQuartile.objects.create(
        epci=guichet.epci, annee=JOUR.year, seuil_q1=SEUIL, arrete="test", date_effet=dt.date(JOUR.year, 1, 1)
    )
    return guichet


@pytest.mark.parametrize("cas", list(CAS))
def test_meme_menage_memes_unites_et_quartile_partout(guichet, cas):
    membres = [{"nom": "Lefèvre", "prenom": f"M{i}", **m} for i, m in enumerate(CAS[cas])]
    # 1,500 EUR a month: 18,000 EUR a year, first quartile from 1.7 UC on against 10,716 EUR/UC
    demande = creer_demande(guichet, membres=membres)
    demande = Demande.objects.prefetch_related("membres", "ressources", "priorites", "decisions_dalo").get(
        pk=demande.pk
    )
    guichet_ = selectors.situation_ressources(demande, JOUR)
    candidat = flux.situation_menage(demande, JOUR)
    assert guichet_.uc == rules.unites_consommation(candidat.nb_personnes_14_plus, candidat.nb_enfants_moins_14)
    assert guichet_.uc == Decimal(ATTENDU_UC[cas])
    assert guichet_.nb_personnes == candidat.nb_personnes == 1 + len(membres)
    assert guichet_.ressources_annuelles_par_uc == candidat.ressources_par_uc
    assert guichet_.premier_quartile == candidat.premier_quartile(SEUIL)
    sim = simulation._premier_quartile(
        Decimal("1500"), [_membre_cotation(m) for m in demande.membres.all()], JOUR, SEUIL
    )
    assert sim == guichet_.premier_quartile


def _membre_cotation(m):
    from demandes.cotation import Membre

    return Membre(m.lien, m.date_naissance)


def test_la_simulation_ne_tombe_pas_sur_un_enfant_a_naitre(guichet):
    DemandeFactory(guichet=guichet, enfant_a_naitre=True)
    projet = services.creer_brouillon(epci=guichet.epci, acteur=None, nom="Projet")
    sim = simulation.simuler(projet, None, jour=JOUR)
    assert sim.total == 1
    assert sim.lignes[0].premier_quartile is False  # 18,000 EUR for 1 UC: above 10,716
