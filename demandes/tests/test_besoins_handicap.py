"""The disability needs of a demand, as the national form records them (docs/logements_adaptes.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demandes import rules, services
from demandes.forms import SouhaitsForm
from demandes.models import Demande, Evenement

from .conftest import connecte
from .factories import creer_demande


@pytest.mark.parametrize(
    ("aides", "capacite", "equipements", "fauteuil", "besoin"),
    [
        ([], "", [], False, False),
        (["1"], "4", [], False, False),  # no aid, more than one floor
        ([], "", ["5"], False, False),  # a third person's room: size, not accessibility
        (["4"], "", [], True, True),
        (["5"], "1", ["3"], True, True),
        (["3"], "2", [], False, True),  # walker, 1 to 3 steps
        ([], "3", [], False, True),
        ([], "", ["6"], False, True),
        (["2"], "", ["4"], False, True),
    ],
)
def test_besoin_et_fauteuil_table_de_cas(aides, capacite, equipements, fauteuil, besoin):
    assert rules.en_fauteuil(aides) is fauteuil
    assert rules.a_besoin_logement_adapte(aides, capacite, equipements) is besoin


@pytest.mark.parametrize(
    ("aides", "message"),
    [
        (["4"], None),
        (["1", "4"], "« Aucune » aide technique ne se combine pas avec une autre."),
        (["9"], "Aide technique inconnue : 9."),
    ],
)
def test_codes_des_aides_verifies(aides, message):
    assert rules.erreur_aides_techniques(aides) == message


@pytest.mark.django_db
def test_modifier_les_besoins_est_journalise_et_fauteuil_derive(monde_demandes):
    demande = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent)
    assert not demande.accessibilite_pmr
    services.modifier_demande(
        demande,
        version=demande.version,
        donnees={"aides_techniques": ["5"], "capacite_marche": "1", "equipements_handicap": ["3", "6"]},
        acteur=monde_demandes.agent,
    )
    demande = Demande.objects.get(pk=demande.pk)
    assert demande.accessibilite_pmr and demande.a_besoin_logement_adapte
    evenement = demande.evenements.filter(type=Evenement.Type.RECTIFICATION).latest("pk")
    assert "aides techniques" in evenement.libelle and "équipements nécessaires" in evenement.libelle
    assert evenement.acteur == monde_demandes.agent
    with pytest.raises(ValidationError) as exc:
        services.modifier_demande(
            demande, version=demande.version, donnees={"equipements_handicap": ["9"]}, acteur=monde_demandes.agent
        )
    assert exc.value.message_dict == {"equipements_handicap": ["Équipement inconnu : 9."]}
    assert Demande.objects.get(pk=demande.pk).equipements_handicap == ["3", "6"]  # nothing half-written


def test_le_formulaire_refuse_aucune_avec_une_aide():
    form = SouhaitsForm(data={"aides_techniques": ["1", "4"]})
    form.is_valid()
    assert form.errors["aides_techniques"] == ["« Aucune » aide technique ne se combine pas avec une autre."]


@pytest.mark.django_db
def test_fiche_et_api_montrent_les_besoins(client, monde_demandes):
    demande = creer_demande(
        monde_demandes.guichet,
        acteur=monde_demandes.agent,
        aides_techniques=["4"],
        capacite_marche="1",
        equipements_handicap=["3"],
        handicap_moteur=True,
    )
    connecte(client, monde_demandes.agent)
    html = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert "Fauteuil roulant manuel" in html and "Douche sans seuil" in html and "impossible (aucune marche)" in html
    api = client.get(f"/api/demandes/{demande.pk}/").json()
    assert (api["aides_techniques"], api["capacite_marche"], api["equipements_handicap"]) == (["4"], "1", ["3"])
    assert api["accessibilite_pmr"] is True and api["besoin_logement_adapte"] is True
