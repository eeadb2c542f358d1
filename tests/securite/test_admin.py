"""The Django admin, attacked by each territory's EPCI staff (is_staff, in the EPCI staff group).

Every attempt goes through the real admin URLs with the test client; after each one the rows that matter
(memberships, users' flags, organisations) must be exactly as before. The legitimate operations inside one's
own territory must keep working.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from cil.models import Guichet, Membership
from core.models import User
from core.roles import Role

from .conftest import connecte

pytestmark = pytest.mark.django_db

TERRITOIRES = ["val", "mont", "lac"]


def _etat():
    """What an escalation would change: every membership, every user's flags and groups, every reception point."""
    return (
        sorted(
            Membership.objects.values_list(
                "user_id", "role", "epci_id", "bailleur_id", "reservataire_id", "guichet_id", "date_debut", "date_fin"
            ),
            key=repr,
        ),
        sorted(
            (
                u.pk,
                u.username,
                u.is_superuser,
                u.is_staff,
                u.is_active,
                tuple(u.groups.values_list("pk", flat=True)),
                tuple(u.user_permissions.values_list("pk", flat=True)),
            )  # fmt: skip
            for u in User.objects.all()
        ),
        sorted(Guichet.objects.values_list("pk", "nom", "epci_id", "commune_id")),
    )


def _membership(user, epci, role, **org) -> dict:
    data = {"user": user.pk, "role": role, "epci": epci.pk, "bailleur": "", "reservataire": "", "guichet": ""}
    data.update({name: obj.pk for name, obj in org.items()})
    data.update({"date_debut": "", "date_fin": ""})
    return data


@pytest.fixture
def territoire_hostile(request, monde_hostile):
    """One of the hostile world's territories, by its code (parametrized indirectly): its staff act."""
    return getattr(monde_hostile, request.param)


def _ajoute_membership(client, data):
    return client.post(reverse("admin:cil_membership_add"), data)


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_personne_ne_cree_d_administrateur(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    avant = _etat()
    response = _ajoute_membership(
        client, _membership(territoire_hostile["membre"], territoire_hostile.epci, Role.ADMINISTRATEUR)
    )
    assert response.status_code in (200, 403)
    assert _etat() == avant
    assert not Membership.objects.filter(user=territoire_hostile["membre"], role=Role.ADMINISTRATEUR).exists()


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
@pytest.mark.parametrize(
    ("role", "organisation"),
    [(Role.AGENT_ACCUEIL, "guichet"), (Role.BAILLEUR, "bailleur"), (Role.RESERVATAIRE, "reservataire")],
)
def test_pas_de_role_chez_l_organisation_d_un_autre_territoire(
    client, monde_hostile, territoire_hostile, role, organisation
):
    connecte(client, territoire_hostile["epci"])
    for autre in monde_hostile.autres(territoire_hostile):
        avant = _etat()
        data = _membership(
            territoire_hostile["membre"], territoire_hostile.epci, role, **{organisation: getattr(autre, organisation)}
        )
        response = _ajoute_membership(client, data)
        assert response.status_code in (200, 403)
        assert _etat() == avant, f"{territoire_hostile.code} a donné un rôle chez {autre.code} ({organisation})"
        # nor with the other territory as the membership's territory
        data = _membership(
            territoire_hostile["membre"], autre.epci, role, **{organisation: getattr(autre, organisation)}
        )
        assert _ajoute_membership(client, data).status_code in (200, 403)
        assert _etat() == avant


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_pas_de_rattachement_pour_soi_ni_pour_l_utilisateur_d_un_autre_territoire(
    client, monde_hostile, territoire_hostile
):
    moi = territoire_hostile["epci"]
    connecte(client, moi)
    avant = _etat()
    for data in [
        _membership(moi, territoire_hostile.epci, Role.BAILLEUR, bailleur=territoire_hostile.bailleur),
        _membership(moi, territoire_hostile.epci, Role.AGENT_ACCUEIL, guichet=territoire_hostile.guichet),
        *(
            _membership(autre["agent"], territoire_hostile.epci, Role.MEMBRE_CIL)
            for autre in monde_hostile.autres(territoire_hostile)
        ),
        _membership(monde_hostile.superuser, territoire_hostile.epci, Role.MEMBRE_CIL),
        _membership(monde_hostile.admin, territoire_hostile.epci, Role.EPCI),
    ]:
        assert _ajoute_membership(client, data).status_code in (200, 403)
        assert _etat() == avant, data


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_ses_propres_rattachements_ne_se_modifient_pas(client, monde_hostile, territoire_hostile):
    moi = territoire_hostile["epci"]
    connecte(client, moi)
    mien = Membership.objects.get(user=moi)
    avant = _etat()
    data = _membership(moi, territoire_hostile.epci, Role.BAILLEUR, bailleur=territoire_hostile.bailleur)
    response = client.post(reverse("admin:cil_membership_change", args=[mien.pk]), data)
    assert response.status_code in (403, 404)
    assert client.post(reverse("admin:cil_membership_delete", args=[mien.pk]), {"post": "yes"}).status_code in (
        403,
        404,
    )
    assert _etat() == avant


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_les_lignes_des_autres_territoires_ne_s_ouvrent_ni_ne_changent(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    for autre in monde_hostile.autres(territoire_hostile):
        avant = _etat()
        sa_membership = Membership.objects.get(user=autre["agent"])
        cibles = [
            ("cil", "guichet", autre.guichet.pk),
            ("cil", "membership", sa_membership.pk),
            ("core", "user", autre["agent"].pk),
        ]
        for app, model, pk in cibles:
            change = reverse(f"admin:{app}_{model}_change", args=[pk])
            delete = reverse(f"admin:{app}_{model}_delete", args=[pk])
            assert client.get(change).status_code in (403, 404), change
            assert client.get(delete).status_code in (403, 404), delete
            assert client.post(delete, {"post": "yes"}).status_code in (403, 404), delete
        data = {
            "epci": territoire_hostile.epci.pk,
            "nom": "Guichet capturé",
            "niveau": 2,
            "enregistreur": "on",
            "adresse": "x",
            "commune": territoire_hostile.commune.pk,
            "horaires": "",
            "telephone": "",
            "bailleur": "",
        }
        response = client.post(reverse("admin:cil_guichet_change", args=[autre.guichet.pk]), data)
        assert response.status_code in (403, 404)
        response = client.post(
            reverse("admin:cil_membership_change", args=[sa_membership.pk]),
            _membership(autre["agent"], territoire_hostile.epci, Role.MEMBRE_CIL),
        )
        assert response.status_code in (403, 404)
        # the bulk delete action only ever sees the rows of the changelist
        client.post(
            reverse("admin:cil_membership_changelist"),
            {"action": "delete_selected", "_selected_action": [sa_membership.pk], "post": "yes"},
        )
        client.post(
            reverse("admin:core_user_changelist"),
            {"action": "delete_selected", "_selected_action": [autre["agent"].pk], "post": "yes"},
        )
        assert _etat() == avant


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_les_fenetres_de_recherche_ne_listent_que_son_territoire(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    popups = {
        "core_user": "?_to_field=id&_popup=1",
        "cil_guichet": "?_to_field=id&_popup=1",
        "cil_bailleur": "?_to_field=id&_popup=1",
        "cil_reservataire": "?_to_field=id&_popup=1",
        "cil_membership": "",
    }
    pages = {}
    for name, query in popups.items():
        response = client.get(reverse(f"admin:{name}_changelist") + query)
        assert response.status_code in (200, 403), name
        pages[name] = response.content.decode() if response.status_code == 200 else ""
    texte = "\n".join(pages.values())
    for autre in monde_hostile.autres(territoire_hostile):
        for user in autre.users.values():
            assert f">{user.username}<" not in texte
        assert escape(autre.guichet.nom) not in texte
        assert escape(autre.bailleur.nom) not in texte
        assert escape(autre.reservataire.nom) not in texte
    assert ">superuser<" not in texte
    assert ">admin_plateforme<" not in texte
    assert f">{territoire_hostile['epci'].username}<" not in pages["core_user"]  # not oneself
    assert f">{territoire_hostile['agent'].username}<" in pages["core_user"]
    assert escape(territoire_hostile.guichet.nom) in pages["cil_guichet"]
    assert escape(territoire_hostile.bailleur.nom) in pages["cil_bailleur"]
    # EPCI pickers are autocomplete fields answering their own territory only
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cil", "model_name": "membership", "field_name": "epci", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {territoire_hostile.epci.pk}


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_pas_de_drapeau_superuser_ni_staff(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    cible = territoire_hostile["agent"]
    avant = _etat()
    url = reverse("admin:core_user_change", args=[cible.pk])
    data = {
        "username": cible.username,
        "first_name": "Promu",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in territoire_hostile["epci"].groups.all()],
        "date_joined_0": "01/01/2026",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    client.post(url, data)
    cible.refresh_from_db()
    assert not cible.is_superuser and not cible.is_staff and not cible.groups.exists()
    etat = _etat()
    assert etat[0] == avant[0] and etat[2] == avant[2]
    # the same on oneself, and on the superuser
    for user in (territoire_hostile["epci"], monde_hostile.superuser):
        client.post(reverse("admin:core_user_change", args=[user.pk]), {**data, "username": user.username})
        user.refresh_from_db()
    assert (
        not territoire_hostile["epci"].is_superuser
        and not User.objects.filter(first_name="Promu", is_staff=True).exists()
    )
    assert User.objects.get(username="superuser").first_name == ""


# --- what EPCI staff legitimately do inside their territory --------------------------------------------------


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_le_personnel_gere_son_territoire(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    response = _ajoute_membership(
        client,
        _membership(
            territoire_hostile["membre"],
            territoire_hostile.epci,
            Role.AGENT_ACCUEIL,
            guichet=territoire_hostile.guichet,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    nouveau = Membership.objects.get(user=territoire_hostile["membre"], role=Role.AGENT_ACCUEIL)
    assert nouveau.guichet == territoire_hostile.guichet and nouveau.epci == territoire_hostile.epci

    response = client.post(
        reverse("admin:cil_membership_change", args=[nouveau.pk]),
        _membership(
            territoire_hostile["membre"], territoire_hostile.epci, Role.BAILLEUR, bailleur=territoire_hostile.bailleur
        ),
    )
    assert response.status_code == 302
    nouveau.refresh_from_db()
    assert nouveau.role == Role.BAILLEUR and nouveau.bailleur == territoire_hostile.bailleur

    response = client.post(reverse("admin:cil_membership_delete", args=[nouveau.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=nouveau.pk).exists()

    guichet = territoire_hostile.guichet
    data = {
        "epci": territoire_hostile.epci.pk,
        "nom": "Maison de l'habitat rénovée",
        "niveau": 3,
        "enregistreur": "on",
        "adresse": guichet.adresse,
        "commune": territoire_hostile.commune.pk,
        "horaires": "",
        "telephone": "",
        "bailleur": territoire_hostile.bailleur.pk,
    }
    assert client.post(reverse("admin:cil_guichet_change", args=[guichet.pk]), data).status_code == 302
    guichet.refresh_from_db()
    assert guichet.nom == "Maison de l'habitat rénovée" and guichet.bailleur == territoire_hostile.bailleur


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_le_personnel_cree_un_compte_de_son_territoire(client, monde_hostile, territoire_hostile):
    connecte(client, territoire_hostile["epci"])
    data = {
        "username": f"nouvel_agent_{territoire_hostile.code}",
        "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": Role.AGENT_ACCUEIL,
        "memberships-0-epci": territoire_hostile.epci.pk,
        "memberships-0-guichet": territoire_hostile.guichet.pk,
        "memberships-0-bailleur": "",
        "memberships-0-reservataire": "",
        "memberships-0-date_debut": "",
        "memberships-0-date_fin": "",
    }
    # without a membership, the account would belong to no territory: refused
    sans = {**data, "memberships-TOTAL_FORMS": "0"}
    assert client.post(reverse("admin:core_user_add"), sans).status_code == 200
    assert not User.objects.filter(username=data["username"]).exists()
    # with a membership at another territory's reception point: refused
    autre = monde_hostile.autres(territoire_hostile)[0]
    assert client.post(reverse("admin:core_user_add"), {**data, "memberships-0-guichet": autre.guichet.pk}).status_code
    assert not User.objects.filter(username=data["username"]).exists()

    response = client.post(reverse("admin:core_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username=data["username"])
    assert not user.is_staff and not user.is_superuser
    assert list(user.memberships.values_list("role", "guichet_id")) == [
        (Role.AGENT_ACCUEIL, territoire_hostile.guichet.pk)
    ]
    # the new account is then theirs to edit (not its flags)
    response = client.get(reverse("admin:core_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()
    assert 'name="is_staff"' not in response.content.decode()


# --- every admin of the platform, as if a deployment had given EPCI staff every Django permission -------------


def _lignes_des_autres(monde_hostile, territoire_hostile):
    """One row of each territory-bound admin model in the other territories, and national rows."""
    import datetime as dt

    from attributions.models import ParametreAttribution
    from cil.services_quartiers import creer_referentiel
    from demandes.models import GrilleCotation, ParametresDemande
    from relogement.models import ParametresRelogement, SeanceCommission

    debut = dt.date(2026, 1, 1)
    for t in monde_hostile.territoires:
        creer_referentiel(epci=t.epci, date_debut=debut, source=f"Référentiel des quartiers {t.code}")
        SeanceCommission.objects.create(epci=t.epci, date=debut)
        GrilleCotation.objects.create(epci=t.epci, nom=f"Grille {t.code}")
        ParametreAttribution.objects.create(code="NB_CANDIDATS_MIN", valeur=3, epci=t.epci, date_debut=debut,
                                            source="délibération")  # fmt: skip
        ParametresDemande.objects.create(epci=t.epci, date_debut=debut)
        ParametresRelogement.objects.create(epci=t.epci, date_debut=debut, source="charte")
    ParametresRelogement.objects.create(epci=None, date_debut=debut, source="défaut")
    ParametreAttribution.objects.create(code="NB_CANDIDATS_MIN", valeur=3, epci=None, date_debut=debut, source="loi")


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_toutes_les_administrations_cloisonnees_meme_avec_tous_les_droits(client, monde_hostile, territoire_hostile):
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    _lignes_des_autres(monde_hostile, territoire_hostile)
    moi = territoire_hostile["epci"]
    moi.user_permissions.set(Permission.objects.all())
    connecte(client, moi)
    autres = monde_hostile.autres(territoire_hostile)
    noms_interdits = [escape(a.epci.nom) for a in autres] + [escape(a.commune.nom) for a in autres]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        # groups carry permissions, the read log spans every territory (a DPO reads theirs in the app):
        # a superuser's business only
        if info in (("auth", "group"), ("demandes", "journalconsultation")):
            assert response.status_code == 403
            continue
        assert response.status_code == 200, info
        page = response.content.decode()
        for nom in noms_interdits:
            assert nom not in page, (info, nom)
        if not any(f.name == "epci" for f in model._meta.concrete_fields):
            continue
        for obj in model._default_manager.all():
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
            if obj.epci_id in {a.epci.pk for a in autres}:
                assert client.get(change).status_code in (403, 404), (info, obj)
                assert client.post(delete, {"post": "yes"}).status_code in (403, 404), (info, obj)
                assert model._default_manager.filter(pk=obj.pk).exists()
            elif obj.epci_id is None:  # a national row: read, not changed
                assert client.get(change).status_code == 200, (info, obj)
                assert client.post(delete, {"post": "yes"}).status_code == 403, (info, obj)
                assert model._default_manager.filter(pk=obj.pk).exists()
    # models shared across territories are read-only, even one's own territory's rows
    for url in [
        reverse("admin:cil_bailleur_add"),
        reverse("admin:cil_epci_add"),
        reverse("admin:cil_tauxlegal_add"),
        reverse("admin:relogement_questionnaire_add"),
    ]:
        assert client.get(url).status_code == 403, url
    avant = list(territoire_hostile.bailleur.epcis.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:cil_bailleur_change", args=[territoire_hostile.bailleur.pk]),
        {
            "siren": territoire_hostile.bailleur.siren,
            "nom": "Capturé",
            "epcis": [t.epci.pk for t in monde_hostile.territoires],
        },
    )
    assert response.status_code == 403
    territoire_hostile.bailleur.refresh_from_db()
    assert territoire_hostile.bailleur.nom != "Capturé"
    assert list(territoire_hostile.bailleur.epcis.values_list("pk", flat=True)) == avant


def test_l_administrateur_par_role_ne_fait_pas_d_administrateur_ni_de_superuser(client, monde_hostile):
    """The platform administrator by role (staff, not superuser) gives roles anywhere, but not the
    administrator's role, and touches neither their own memberships nor anyone's flags."""
    from cil.services import groupe_personnel_epci

    admin_role = monde_hostile.admin
    admin_role.groups.add(groupe_personnel_epci())
    connecte(client, admin_role)
    avant = _etat()
    for data in [
        _membership(monde_hostile.val["membre"], monde_hostile.mont.epci, Role.ADMINISTRATEUR),
        _membership(admin_role, monde_hostile.mont.epci, Role.EPCI),
    ]:
        assert _ajoute_membership(client, data).status_code in (200, 403)
    mien = Membership.objects.get(user=admin_role)
    assert client.get(reverse("admin:cil_membership_change", args=[mien.pk])).status_code == 404
    for user in (admin_role, monde_hostile.superuser, monde_hostile.val["epci"]):
        assert client.get(reverse("admin:core_user_change", args=[user.pk])).status_code == 404
    client.post(
        reverse("admin:core_user_change", args=[monde_hostile.lac["agent"].pk]),
        {
            "username": "agent_lac",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },  # fmt: skip
    )
    assert _etat() == avant
    # what the role is for: a membership in any territory, at any organisation
    data = _membership(
        monde_hostile.lac["membre"], monde_hostile.mont.epci, Role.AGENT_ACCUEIL, guichet=monde_hostile.mont.guichet
    )
    assert _ajoute_membership(client, data).status_code == 302
    assert Membership.objects.filter(user=monde_hostile.lac["membre"], guichet=monde_hostile.mont.guichet).exists()


@pytest.mark.parametrize("territoire_hostile", TERRITOIRES, indirect=True)
def test_un_identifiant_tape_ne_revele_pas_le_nom(client, monde_hostile, territoire_hostile):
    """A raw-id field shows the name of the row whose id it holds: typed ids of other territories' rows (in the
    URL's initial values, or in a refused form) must not reveal whom or what they designate."""
    connecte(client, territoire_hostile["epci"])
    for autre in monde_hostile.autres(territoire_hostile):
        query = f"?user={autre['agent'].pk}&guichet={autre.guichet.pk}&bailleur={autre.bailleur.pk}"
        page = client.get(reverse("admin:cil_membership_add") + query).content.decode()
        refus = _ajoute_membership(
            client, _membership(autre["agent"], territoire_hostile.epci, Role.AGENT_ACCUEIL, guichet=autre.guichet)
        ).content.decode()
        for texte in (page, refus):
            assert autre["agent"].username not in texte
            assert escape(autre.guichet.nom) not in texte
            assert escape(autre.bailleur.nom) not in texte
    page = client.get(reverse("admin:cil_membership_add") + f"?user={territoire_hostile['agent'].pk}").content.decode()
    assert territoire_hostile["agent"].username in page
