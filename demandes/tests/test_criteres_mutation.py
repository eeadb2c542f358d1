"""The territory's common transfer criteria: data (the platform's list and the territory's own), recorded on
the transfer demand, read by the scoring."""

import datetime as dt

import pytest

from attributions.tests.echanges_fabrique import locataire
from demandes import forms, selectors
from demandes.models import CritereMutation, Demande


@pytest.fixture
def monde(monde_attributions):
    return monde_attributions


def test_liste_par_defaut_et_criteres_du_territoire(monde):
    epci, autre = monde["epci"], monde["autre_epci"]
    defaut = ["sous-occupation", "sur-occupation", "perte-autonomie", "emploi-eloigne", "loyer-inadapte"]
    assert [c.code for c in CritereMutation.objects.pour_territoire(epci.pk)] == defaut
    CritereMutation.objects.create(epci=epci, code="proximite-aidant", libelle="Rapprochement d'un aidant", ordre=9,
                                   source="CIA 2026, orientation 3")  # fmt: skip
    CritereMutation.objects.create(
        epci=epci, code="ancien", libelle="Ancien", ordre=10, source="CIA 2020", date_fin=dt.date(2024, 12, 31)
    )
    assert [c for c, _ in forms.choix_criteres_mutation(epci)] == [*defaut, "proximite-aidant"]
    assert [c for c, _ in forms.choix_criteres_mutation(autre)] == defaut  # another territory's list is not ours


def test_formulaire_refuse_des_criteres_sans_mutation(monde):
    donnees = {"logement_actuel": "LOCATAIRE_PRIVE", "motifs": ["TROP_CHER"], "criteres_mutation": ["loyer-inadapte"]}
    form = forms.LogementForm(data=donnees, epci=monde["epci"])
    assert not form.is_valid()
    assert form.errors["criteres_mutation"] == ["Les critères de mutation ne valent que pour une demande de mutation."]
    donnees.update(logement_actuel="LOCATAIRE_HLM", est_mutation="on", bailleur_actuel=monde["bailleur"].pk)
    form = forms.LogementForm(data=donnees, epci=monde["epci"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["criteres_mutation"] == ["loyer-inadapte"]
    form = forms.LogementForm(data={**donnees, "criteres_mutation": ["inconnu"]}, epci=monde["epci"])
    assert "criteres_mutation" in form.errors


def test_la_cotation_lit_les_criteres_de_la_demande(monde):
    demande = locataire(monde, "Faure", monde["bailleur"], criteres_mutation=["perte-autonomie"])
    ligne = Demande.objects.filter(pk=demande.pk).values(*selectors.COLONNES_COTATION).get()
    faits = selectors.instantanes_cotation([ligne], today=dt.date(2026, 6, 1), besoins=set())[demande.pk]
    assert faits.criteres_mutation == frozenset({"perte-autonomie"}) and faits.est_mutation
    assert selectors.libelles_criteres_mutation(demande) == ["Perte d'autonomie ou handicap : logement devenu inadapté"]
    codes = {code for groupe, choix in forms.choix_valeurs_cotation() for code, _ in choix}
    assert "perte-autonomie" in codes  # a grid's MUTATION criterion can list it
