"""The platform's one statistical-secrecy rule (docs/droit/regles.md, Platform decision 11): which row applies to
which territory on which day, attacked from another territory (its rows, the admin), and its users.

The masking itself is the pure ``cil.secret`` (tested from tables of cases in ``test_secret.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cil.models import Epci, Membership, RegleSecret
from cil.selectors import SEUIL_SECRET_DEFAUT, regle_secret
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db

JOUR = dt.date(2026, 6, 15)


@pytest.fixture
def deux():
    """Two territories; the platform's rule of the migrations (10 since 2000) is in the table."""
    a = Epci.objects.create(siren="200000172", nom="CA du Val", type=Epci.Type.CA)
    b = Epci.objects.create(siren="200000180", nom="CC du Mont", type=Epci.Type.CC)
    return a, b


def _plateforme():
    return RegleSecret.objects.filter(epci__isnull=True)


@pytest.mark.parametrize(
    ("regles", "jour", "seuil_a", "seuil_b"),
    [
        # only the platform's rule: both territories read it
        ([], JOUR, 10, 10),
        # A's own rule: A only; B keeps the platform's
        ([("a", 3, "2026-01-01", None)], JOUR, 3, 10),
        ([("a", 20, "2026-01-01", None)], JOUR, 20, 10),
        # A's rule not yet in force, or no longer: the platform's, for A too
        ([("a", 3, "2026-07-01", None)], JOUR, 10, 10),
        ([("a", 3, "2025-01-01", "2026-06-14")], JOUR, 10, 10),
        # its first and last days count
        ([("a", 3, "2026-06-15", None)], JOUR, 3, 10),
        ([("a", 3, "2025-01-01", "2026-06-15")], JOUR, 3, 10),
        # a territory's rule wins over a newer platform rule
        ([("a", 12, "2020-01-01", None), (None, 7, "2026-01-01", None)], JOUR, 12, 7),
        # a new platform rule applies to every territory without its own
        ([(None, 15, "2026-06-01", None)], JOUR, 15, 15),
        # each territory its own
        ([("a", 3, "2026-01-01", None), ("b", 30, "2026-01-01", None)], JOUR, 3, 30),
        # the territory's successive rules: the one in force that day
        ([("a", 3, "2020-01-01", "2025-12-31"), ("a", 6, "2026-01-01", None)], JOUR, 6, 10),
        ([("a", 3, "2020-01-01", "2025-12-31"), ("a", 6, "2026-01-01", None)], dt.date(2025, 12, 31), 3, 10),
    ],
)
def test_la_regle_en_vigueur_d_un_territoire(deux, regles, jour, seuil_a, seuil_b):
    a, b = deux
    epcis = {"a": a, "b": b, None: None}
    if any(e is None for e, *_ in regles):
        _plateforme().update(date_fin=dt.date(2025, 12, 31))  # the migration's row, closed before the new one
    for e, seuil, debut, fin in regles:
        RegleSecret.objects.create(epci=epcis[e], seuil=seuil, date_debut=debut, date_fin=fin, source="test")
    assert (regle_secret(a, jour).seuil, regle_secret(b, jour).seuil) == (seuil_a, seuil_b)
    assert regle_secret(a.pk, jour) == regle_secret(a, jour)  # by id as well (demandes passes epci_id)


def test_sans_aucune_regle_enregistree_le_seuil_par_defaut(deux):
    a, _ = deux
    RegleSecret.objects.all().delete()
    regle = regle_secret(a, JOUR)
    assert regle.seuil == SEUIL_SECRET_DEFAUT == 10
    assert "inférieurs à 10" in regle.texte and "aucune règle n'étant enregistrée" in regle.texte


def test_le_texte_dit_quelle_regle_s_applique(deux):
    a, b = deux
    RegleSecret.objects.create(epci=a, seuil=5, date_debut=dt.date(2026, 3, 3), source="CIL du 3 mars")
    assert regle_secret(a, JOUR).texte.startswith("Les effectifs inférieurs à 5 sont masqués")
    assert "règle du territoire, en vigueur depuis le 03/03/2026" in regle_secret(a, JOUR).texte
    assert "règle de la plateforme, en vigueur depuis le 01/01/2000" in regle_secret(b, JOUR).texte


def test_une_regle_par_territoire_et_par_jour_sans_chevauchement(deux):
    a, b = deux
    RegleSecret.objects.create(epci=a, seuil=5, date_debut=dt.date(2026, 1, 1), source="CIL")
    chevauche = RegleSecret(epci=a, seuil=8, date_debut=dt.date(2026, 6, 1), source="CIL")
    with pytest.raises(ValidationError, match="chevauche"):
        chevauche.full_clean()
    RegleSecret(epci=b, seuil=8, date_debut=dt.date(2026, 6, 1), source="CIL").full_clean()  # another territory
    with pytest.raises(ValidationError, match="fin précède"):
        RegleSecret(epci=b, seuil=8, date_debut=dt.date(2026, 6, 1), date_fin=dt.date(2026, 5, 1)).full_clean()
    with pytest.raises(ValidationError):
        RegleSecret(epci=b, seuil=0, date_debut=dt.date(2026, 6, 1), source="CIL").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        RegleSecret.objects.create(epci=a, seuil=9, date_debut=dt.date(2026, 1, 1), source="doublon")
    with transaction.atomic(), pytest.raises(IntegrityError):
        RegleSecret.objects.create(epci=None, seuil=9, date_debut=dt.date(2000, 1, 1), source="doublon")


# --- The admin, attacked by the staff of another territory ----------------------------------------------------------


@pytest.fixture
def personnel(deux):
    """EPCI staff of each territory, granted every permission on the rules (the worst case)."""
    a, b = deux
    droits = Permission.objects.filter(content_type__app_label="cil", codename__endswith="_reglesecret")
    assert droits.count() == 4
    users = {}
    for code, epci in (("a", a), ("b", b)):
        user = User.objects.create_user(username=f"epci_{code}", is_staff=True)
        Membership.objects.create(user=user, role=Role.EPCI, epci=epci)
        user.user_permissions.set(droits)
        users[code] = user
    return users


def _formulaire(epci, seuil, debut="15/06/2026"):
    return {"epci": epci.pk if epci else "", "seuil": seuil, "date_debut": debut, "date_fin": "", "source": "test"}


def test_le_personnel_regle_son_territoire_et_pas_un_autre(client, deux, personnel):
    a, b = deux
    client.force_login(personnel["a"])
    ajout = reverse("admin:cil_reglesecret_add")
    reponse = client.post(ajout, _formulaire(a, 5))
    assert reponse.status_code == 302
    assert regle_secret(a, JOUR).seuil == 5 and regle_secret(b, JOUR).seuil == 10
    # B's territory is not among its choices; a typed id is refused
    reponse = client.post(ajout, _formulaire(b, 1, "16/06/2026"))
    assert reponse.status_code == 200 and "Sélectionnez un choix valide" in reponse.content.decode()
    # nor a rule of the platform, which would change B's masking (here on days the platform's row leaves free)
    _plateforme().update(date_fin=dt.date(2026, 6, 14))
    reponse = client.post(ajout, _formulaire(None, 1, "15/06/2026"))
    assert reponse.status_code == 200 and "Ce champ est obligatoire" in reponse.content.decode()
    assert _plateforme().count() == 1 and regle_secret(b, JOUR).seuil == 10
    # nor the platform's row, nor B's rows
    regle_b = RegleSecret.objects.create(epci=b, seuil=30, date_debut=dt.date(2026, 1, 1), source="CIL de B")
    avant = sorted(RegleSecret.objects.values_list("pk", "epci_id", "seuil", "date_debut", "date_fin"))
    plateforme = _plateforme().get()
    for regle, attendu in ((plateforme, 403), (regle_b, 404)):
        change = reverse("admin:cil_reglesecret_change", args=[regle.pk])
        assert client.post(change, _formulaire(a, 1, "01/01/2000")).status_code == attendu
        delete = reverse("admin:cil_reglesecret_delete", args=[regle.pk])
        assert client.post(delete, {"post": "yes"}).status_code == attendu
    assert sorted(RegleSecret.objects.values_list("pk", "epci_id", "seuil", "date_debut", "date_fin")) == avant
    assert regle_secret(b, JOUR).seuil == 30
    page = client.get(reverse("admin:cil_reglesecret_changelist")).content.decode()
    assert "CC du Mont" not in page


def test_un_superutilisateur_change_la_regle_de_la_plateforme(client, deux):
    a, b = deux
    client.force_login(User.objects.create_superuser(username="root", password="x"))
    _plateforme().update(date_fin=dt.date(2026, 6, 14))
    reponse = client.post(reverse("admin:cil_reglesecret_add"), _formulaire(None, 11))
    assert reponse.status_code == 302
    assert regle_secret(a, JOUR).seuil == regle_secret(b, JOUR).seuil == 11
