"""Pages of the exchange bourse: who sees what, who answers for which dwelling, bounded queries."""

import pytest
from django.urls import reverse

from attributions.echanges import services
from attributions.models import Echange, OffreEchange

from .echanges_fabrique import locataire, logement, paire


@pytest.fixture
def monde(monde_attributions):
    return monde_attributions


def _connecte(client, monde, qui):
    client.force_login(monde["staff"][qui])
    return client


@pytest.mark.parametrize(
    ("qui", "statut", "voit_l_appariement"),
    [
        ("epci", 200, True),
        ("bailleur", 200, True),
        ("autre_bailleur", 200, True),
        ("guichet", 200, True),
        ("al", 403, False),  # a reservation holder has no bourse
        ("dehors", 200, False),  # EPCI staff of another territory: their own bourse, not this one
    ],
)
def test_qui_voit_la_bourse(client, monde, qui, statut, voit_l_appariement):
    offre_a, offre_b = paire(monde)
    reponse = _connecte(client, monde, qui).get(reverse("attributions:echanges"))
    assert reponse.status_code == statut
    if statut == 200:
        assert (offre_a.demande.numero_unique in reponse.content.decode()) is voit_l_appariement


def test_un_bailleur_ne_voit_que_les_appariements_de_ses_logements(client, monde):
    paire(monde)
    autre = logement(monde, "GH-0900", monde["autre_bailleur"], commune="38169", typologie="T4")
    c = monde["communes"]
    x = locataire(monde, "Xavier", monde["autre_bailleur"], communes=[c["38151"]], typologies=["T2"])
    y_logement = logement(monde, "GH-0901", monde["autre_bailleur"], commune="38151", typologie="T2")
    y = locataire(monde, "Yvon", monde["autre_bailleur"], communes=[c["38169"]], typologies=["T4"])
    ox = services.deposer_offre(demande=x, identifiant=autre.identifiant, acteur=monde["staff"]["guichet"])
    oy = services.deposer_offre(demande=y, identifiant=y_logement.identifiant, acteur=monde["staff"]["guichet"])
    page = _connecte(client, monde, "bailleur").get(reverse("attributions:echanges")).content.decode()
    assert ox.demande.numero_unique not in page and oy.demande.numero_unique not in page
    page = _connecte(client, monde, "autre_bailleur").get(reverse("attributions:echanges")).content.decode()
    assert ox.demande.numero_unique in page


def test_parcours_par_les_pages(client, monde):
    offre_a, offre_b = paire(monde)
    _connecte(client, monde, "bailleur")
    reponse = client.post(reverse("attributions:echange_proposer"), {"offres": f"{offre_a.pk},{offre_b.pk}"})
    echange = Echange.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("attributions:echange", args=[echange.pk])
    pa, pb = echange.participations.order_by("rang")
    # Alpes Habitat cannot answer for Grenoble Habitat's dwelling
    url_b = reverse("attributions:echange_repondre", args=[echange.pk, pb.pk])
    assert client.post(url_b, {f"p{pb.pk}-reponse": "ACCEPTE"}).status_code == 403
    pb.refresh_from_db()
    assert pb.reponse == ""
    page = client.get(reverse("attributions:echange", args=[echange.pk])).content.decode()
    assert f'action="{url_b}"' not in page
    url_a = reverse("attributions:echange_repondre", args=[echange.pk, pa.pk])
    assert f'action="{url_a}"' in page
    client.post(url_a, {f"p{pa.pk}-reponse": "ACCEPTE"})
    _connecte(client, monde, "autre_bailleur")
    reponse = client.post(url_b, {f"p{pb.pk}-reponse": "ACCEPTE"}, follow=True)
    assert "Tous les bailleurs ont accepté" in reponse.content.decode()
    echange.refresh_from_db()
    assert echange.statut == "TRANSMIS"
    assert all(p.vacance_id for p in echange.participations.all())


def test_refus_sans_motif_message_en_francais(client, monde):
    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    pb = echange.participations.get(offre=offre_b)
    _connecte(client, monde, "autre_bailleur")
    url = reverse("attributions:echange_repondre", args=[echange.pk, pb.pk])
    reponse = client.post(url, {f"p{pb.pk}-reponse": "REFUSE", f"p{pb.pk}-motif": ""})
    assert reponse.status_code == 400
    assert "Motif : indiquez pourquoi le bailleur refuse" in reponse.content.decode()
    echange.refresh_from_db()
    assert echange.statut == "PROPOSE"


def test_echange_d_un_autre_territoire_introuvable(client, monde):
    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    _connecte(client, monde, "dehors")
    assert client.get(reverse("attributions:echange", args=[echange.pk])).status_code == 404
    # a reservation holder of the territory has no bourse at all
    _connecte(client, monde, "al")
    assert client.get(reverse("attributions:echange", args=[echange.pk])).status_code == 403


def test_proposer_des_offres_d_un_autre_territoire(client, monde):
    offre_a, offre_b = paire(monde)
    OffreEchange.objects.filter(pk__in=[offre_a.pk, offre_b.pk]).update(epci=monde["autre_epci"])
    _connecte(client, monde, "epci")
    reponse = client.post(reverse("attributions:echange_proposer"), {"offres": f"{offre_a.pk},{offre_b.pk}"})
    assert reponse.status_code == 404
    assert not Echange.objects.exists()


def test_deposer_une_offre_par_la_page(client, monde):
    tenant = locataire(monde, "Durand", monde["bailleur"])
    _connecte(client, monde, "guichet")
    url = reverse("attributions:echange_offre_nouvelle")
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"numero": "INCONNU", "identifiant": "AH-0001"})
    assert "Aucune demande de ce numéro" in reponse.content.decode()
    reponse = client.post(url, {"numero": tenant.numero_unique, "identifiant": "AH-0001", "etage": "2"})
    assert reponse.status_code == 302
    offre = OffreEchange.objects.get()
    assert (offre.logement.identifiant, offre.etage, offre.bailleur) == ("AH-0001", 2, monde["bailleur"])
    # a landlord cannot offer the dwelling of another landlord's tenant
    autre = locataire(monde, "Leroy", monde["autre_bailleur"])
    _connecte(client, monde, "bailleur")
    reponse = client.post(url, {"numero": autre.numero_unique, "identifiant": "GH-0001"})
    assert reponse.status_code == 403
    # nor by naming itself as the landlord while the dwelling is the other landlord's
    reponse = client.post(
        url, {"numero": autre.numero_unique, "identifiant": "GH-0001", "bailleur": monde["bailleur"].pk}
    )
    assert reponse.status_code == 400
    assert "Vous ne pouvez pas déposer" in reponse.content.decode()
    assert OffreEchange.objects.count() == 1


def test_requetes_bornees(client, monde, django_assert_num_queries):
    offre_a, offre_b = paire(monde)
    for i in range(4):
        t = locataire(monde, f"Seul{i}", monde["bailleur"], typologies=["T6"])
        services.deposer_offre(
            demande=t, identifiant=logement(monde, f"AH-1{i}", monde["bailleur"]).identifiant, acteur=None
        )
    services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    c = _connecte(client, monde, "epci")
    url = reverse("attributions:echanges")
    c.get(url)  # warm the session
    with django_assert_num_queries(10):
        reponse = c.get(url)
    assert reponse.status_code == 200
