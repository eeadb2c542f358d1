"""Menus and permissions from one definition (core.navigation). Every section a user's menu
does not show answers 403 when its address is typed; every section it shows opens."""

import pytest
from django.urls import reverse

from core.navigation import NAVIGATION

from .conftest import connecte

ROLES = ["agent", "bailleur", "reservataire", "epci", "membre"]


@pytest.mark.parametrize("role", ROLES)
def test_le_menu_et_les_droits_disent_la_meme_chose(client, monde, role):
    connecte(client, monde.val[role])
    accueil = client.get(reverse("core:home"))
    menu = {entree["url"] for entree in accueil.context["navigation"]}
    for _section, _label, url_name, _roles, _description in NAVIGATION:
        url = reverse(url_name)
        statut = client.get(url).status_code
        if url in menu:
            # opens: not refused (the objectives answer 409 without a threshold loaded, a list 404 without its filters)
            assert statut != 403 and statut < 500, (role, url_name, statut)
        else:
            assert statut == 403, (role, url_name, statut)


def test_un_membre_de_la_cil_n_ouvre_ni_le_relogement_ni_les_flux(client, monde):
    connecte(client, monde.val["membre"])
    for url_name in ("relogement:operations", "attributions:flux", "attributions:vacances"):
        assert client.get(reverse(url_name)).status_code == 403, url_name


def test_un_reservataire_n_a_ni_commissions_ni_patrimoine(client, monde):
    connecte(client, monde.val["reservataire"])
    menu = {e["label"] for e in client.get(reverse("core:home")).context["navigation"]}
    assert "CALEOL" not in menu and "Logements" not in menu
    assert client.get(reverse("attributions:seances")).status_code == 403
    assert client.get(reverse("attributions:logements")).status_code == 403


def test_un_referent_sans_rattachement_a_la_rubrique_relogement(client, monde):
    """A relocation referent designated per household (an outside social operator) sees and opens the
    relocation section; the same account without a household does not."""
    from django.contrib.auth import get_user_model

    from core.navigation import peut_ouvrir

    referent = get_user_model().objects.create_user(username="operateur_social", password="x")
    assert not peut_ouvrir(referent, "relogement:operations")
    connecte(client, referent)
    assert client.get(reverse("relogement:operations")).status_code == 403
