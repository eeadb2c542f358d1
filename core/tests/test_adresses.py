"""The row addresses of long lists ({% adresse %}): the same as Django's reverse, under any script prefix."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.templatetags.adresses import adresse


@pytest.mark.parametrize("nom", ["demandes:fiche", "demandes:modifier", "core:export"])
@pytest.mark.parametrize("pk", [0, 7, 123456789, "42"])
def test_adresse_comme_reverse(nom, pk):
    assert adresse(nom, pk) == reverse(nom, args=[pk])
    try:
        set_script_prefix("/cil/")
        assert adresse(nom, pk) == reverse(nom, args=[pk]) and adresse(nom, pk).startswith("/cil/")
    finally:
        set_script_prefix("/")


def test_adresse_refuse_ce_que_reverse_refuse():
    with pytest.raises(NoReverseMatch):
        adresse("demandes:fiche", -3)
    with pytest.raises(ValueError):
        adresse("demandes:fiche", "12 OR 1=1")
    with pytest.raises(NoReverseMatch):
        adresse("demandes:recherche", 3)  # a page without argument


def test_balise_dans_un_gabarit():
    gabarit = engines["django"].from_string(
        "{% load adresses %}{% for i in l %}{% adresse 'demandes:fiche' i %};{% endfor %}"
    )
    assert (
        gabarit.render({"l": [1, 22]})
        == f"{reverse('demandes:fiche', args=[1])};{reverse('demandes:fiche', args=[22])};"
    )
