"""The configuration of the neighbourhood index in the admin: EPCI staff, their territory, versions kept."""

import datetime as dt

import pytest
from django.urls import reverse

from cil.models import ClassementQuartiers, Epci, Membership, ReferentielQuartiers
from cil.services import groupe_personnel_epci
from cil.services_quartiers import creer_referentiel
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db


def _personnel(epci, username):
    user = User.objects.create_user(username=username, is_staff=True)
    Membership.objects.create(user=user, role=Role.EPCI, epci=epci)
    user.groups.add(groupe_personnel_epci())
    return user


def test_le_personnel_configure_le_referentiel_de_son_territoire_seulement(client):
    val = Epci.objects.create(siren="200000001", nom="Val")
    mont = Epci.objects.create(siren="200000002", nom="Mont")
    v_val = creer_referentiel(epci=val, date_debut=dt.date(2025, 1, 1), source="CIA du Val")
    v_mont = creer_referentiel(epci=mont, date_debut=dt.date(2025, 1, 1), source="CIA du Mont")
    client.force_login(_personnel(val, "agent_val"))
    liste = client.get(reverse("admin:cil_referentielquartiers_changelist"))
    assert liste.status_code == 200
    assert "Val" in liste.content.decode() and "Mont" not in liste.content.decode()
    change = reverse("admin:cil_referentielquartiers_change", args=[v_val.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:cil_referentielquartiers_change", args=[v_mont.pk])).status_code == 404
    # a version that has classified is kept as it was; the action copies it into a new version from today
    ClassementQuartiers.objects.create(
        epci=val, referentiel=v_val, jour=dt.date(2025, 6, 1), periode_debut=dt.date(2022, 6, 2),
        calcule_le="2025-06-01T02:45:00+02:00", declencheur="NUIT",
    )  # fmt: skip
    page = client.get(change).content.decode()
    assert 'name="nb_annees"' not in page  # read-only
    client.post(
        reverse("admin:cil_referentielquartiers_changelist"),
        {"action": "nouvelle_version", "_selected_action": [v_val.pk, v_mont.pk]},
    )
    assert ReferentielQuartiers.objects.filter(epci=val).count() == 2
    assert ReferentielQuartiers.objects.filter(epci=mont).count() == 1  # not theirs: untouched
    nouvelle = ReferentielQuartiers.objects.get(epci=val, version=2)
    assert nouvelle.date_debut == dt.date.today() and nouvelle.indicateurs.count() == v_val.indicateurs.count()
    v_val.refresh_from_db()
    assert v_val.date_fin == dt.date.today() - dt.timedelta(days=1)
