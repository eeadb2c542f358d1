"""The demand factory's traits (demandes/tests/factories.py), read back by the platform itself: the desk's
resources and quartile, the priorities, and the groups of the scoring simulation."""

import datetime as dt
from decimal import Decimal

import pytest

from cil.models import SeuilQuartile
from demandes import selectors, services, simulation

from .factories import DemandeFactory

pytestmark = pytest.mark.django_db


def test_chaque_trait_se_lit_comme_il_est_nomme(monde_demandes):
    jour = dt.date.today()
    SeuilQuartile.objects.create(epci=monde_demandes.epci, annee=jour.year, seuil_q1=Decimal("10716"), arrete="t")
    creer = {"guichet": monde_demandes.guichet, "acteur": monde_demandes.agent}
    ordinaire = DemandeFactory(**creer, nom="Ordinaire")
    dalo = DemandeFactory(**creer, nom="Dalo", dalo=True)
    prioritaire = DemandeFactory(**creer, nom="Prioritaire", prioritaire=True)
    modeste = DemandeFactory(**creer, nom="Modeste", premier_quartile=True)
    attendu = DemandeFactory(**creer, nom="Naissance", enfant_a_naitre=True)
    cumul = DemandeFactory(**creer, nom="Cumul", dalo=True, premier_quartile=True, enfant_a_naitre=True)

    assert dalo.decisions_dalo.get().prioritaire_urgent and not ordinaire.decisions_dalo.exists()
    assert list(prioritaire.priorites.values_list("critere", "source")) == [("SANS_LOGEMENT", "GUICHET")]
    assert not ordinaire.priorites.exists()
    assert selectors.situation_ressources(ordinaire, jour).premier_quartile is False  # 1,500 EUR, 1 UC
    assert selectors.situation_ressources(modeste, jour).premier_quartile is True  # 600 EUR, 1 UC
    naissance = selectors.situation_ressources(attendu, jour)
    assert (naissance.nb_personnes, naissance.uc) == (2, Decimal("1"))  # counted as a person, not yet a UC
    assert attendu.membres.get().enfant_a_naitre
    assert cumul.decisions_dalo.exists() and cumul.membres.get().enfant_a_naitre
    assert selectors.situation_ressources(cumul, jour).premier_quartile is True

    projet = services.creer_brouillon(epci=monde_demandes.epci, acteur=None, nom="Projet")
    groupes = {g.libelle: g.effectif for g in simulation.simuler(projet, None, jour=jour).groupes}
    assert groupes == {
        "Ménages prioritaires (L. 441-1 ou DALO)": 3,  # dalo, prioritaire, cumul
        "Ménages du premier quartile de ressources": 2,  # modeste, cumul
        "Autres ménages": 2,  # ordinaire, attendu
    }
