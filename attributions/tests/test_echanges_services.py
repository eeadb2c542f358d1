"""Services of the exchange bourse: offers, proposal, the landlords' answers, the vacancies of the commission;
atomic refusals with a French message and nothing written."""

import pytest

from attributions.echanges import selectors, services
from attributions.echanges.regles import EchangeRefuse
from attributions.models import (
    Candidature,
    Echange,
    OffreEchange,
    ParticipationEchange,
    TransitionEchange,
    TransitionVacance,
    Vacance,
)
from demandes import services as demandes_services
from demandes.models import Evenement

from .echanges_fabrique import locataire, logement, paire


@pytest.fixture
def monde(monde_attributions):
    return monde_attributions


def _compte():
    return (
        OffreEchange.objects.count(),
        Echange.objects.count(),
        ParticipationEchange.objects.count(),
        TransitionEchange.objects.count(),
        Vacance.objects.count(),
        Candidature.objects.count(),
        Evenement.objects.filter(type="ECHANGE").count(),
    )


def test_parcours_complet_une_paire_entre_deux_bailleurs(monde):
    offre_a, offre_b = paire(monde)
    assert [a.ids for a in selectors.appariements(monde["epci"].pk)] == [f"{offre_a.pk},{offre_b.pk}"]
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    assert echange.statut == "PROPOSE"
    assert selectors.appariements(monde["epci"].pk) == []  # held by the proposed exchange
    pa, pb = echange.participations.order_by("rang")
    services.repondre(participation=pa, accepte=True, acteur=monde["staff"]["bailleur"])
    echange.refresh_from_db()
    assert echange.statut == "PROPOSE" and Vacance.objects.count() == 0
    services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["autre_bailleur"])
    echange.refresh_from_db()
    assert echange.statut == "TRANSMIS"
    # two commission items: one vacancy per dwelling, the other tenant its single candidate
    pa.refresh_from_db()
    pb.refresh_from_db()
    assert pa.vacance.logement.identifiant == "AH-0001"
    assert pa.vacance.statut == "CANDIDATS_DESIGNES"
    assert pa.vacance.reservataire.bailleur_id == monde["bailleur"].pk
    assert [c.demande_id for c in pa.vacance.candidatures.all()] == [offre_b.demande_id]
    assert [c.demande_id for c in pb.vacance.candidatures.all()] == [offre_a.demande_id]
    assert pa.vacance.exception_trois_candidats == "INSUFFISANCE"
    assert pa.vacance.deduction == ""  # between two landlords: not an internal transfer
    assert TransitionVacance.objects.filter(vacance=pa.vacance).first().acteur == monde["staff"]["bailleur"]
    assert set(OffreEchange.objects.values_list("statut", flat=True)) == {"ECHANGEE"}
    # traced end to end
    assert list(echange.transitions.values_list("action", "de", "vers")) == [
        ("PROPOSER", "", "PROPOSE"),
        ("ACCEPTER", "PROPOSE", "PROPOSE"),
        ("TRANSMETTRE", "PROPOSE", "TRANSMIS"),
    ]
    for offre in (offre_a, offre_b):
        types = list(offre.demande.evenements.order_by("date", "pk").values_list("type", flat=True))
        assert types.count("ECHANGE") == 4  # offer, proposal, first acceptance, sent to the commission
        assert "DESIGNATION" in types


def test_refus_d_un_bailleur_avec_motif(monde):
    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["bailleur"])
    pb = echange.participations.get(offre=offre_b)
    avant = _compte()
    with pytest.raises(EchangeRefuse, match="Motif : indiquez pourquoi"):
        services.repondre(participation=pb, accepte=False, motif=" ", acteur=monde["staff"]["autre_bailleur"])
    assert _compte() == avant
    services.repondre(participation=pb, accepte=False, motif="Dette locative", acteur=monde["staff"]["autre_bailleur"])
    echange.refresh_from_db()
    assert echange.statut == "REFUSE"
    assert echange.transitions.last().motif == "Grenoble Habitat : Dette locative"
    # the offers are available again
    assert len(selectors.appariements(monde["epci"].pk)) == 1
    pa = echange.participations.get(offre=offre_a)
    with pytest.raises(EchangeRefuse, match="n'attend plus de réponse"):
        services.repondre(participation=pa, accepte=True, acteur=monde["staff"]["bailleur"])


def test_un_bailleur_ne_repond_pas_pour_un_autre(monde):
    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    pb = echange.participations.get(offre=offre_b)
    avant = _compte()
    with pytest.raises(EchangeRefuse, match=r"Seul le bailleur du logement \(Grenoble Habitat\)"):
        services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["bailleur"])
    with pytest.raises(EchangeRefuse, match="Seul le bailleur"):
        services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["epci"])
    assert _compte() == avant
    pb.refresh_from_db()
    assert pb.reponse == ""


def test_demande_radiee_refusee_sans_rien_ecrire(monde):
    offre_a, offre_b = paire(monde)
    demandes_services.radier(offre_b.demande, "RENONCIATION", acteur=monde["staff"]["guichet"])
    avant = _compte()
    with pytest.raises(EchangeRefuse, match=rf"La demande {offre_b.demande.numero_unique} est radiée"):
        services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    assert _compte() == avant
    assert selectors.appariements(monde["epci"].pk) == []  # a radiated demand is never matched


def test_demande_radiee_entre_la_proposition_et_l_acceptation(monde):
    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    pa, pb = echange.participations.order_by("rang")
    services.repondre(participation=pa, accepte=True, acteur=monde["staff"]["bailleur"])
    demandes_services.radier(offre_a.demande, "RENONCIATION", acteur=monde["staff"]["guichet"])
    avant = _compte()
    with pytest.raises(EchangeRefuse, match="est radiée"):
        services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["autre_bailleur"])
    assert _compte() == avant


def test_offre_refusee_hors_mutation_ou_hors_territoire(monde):
    avant = _compte()
    prive = locataire(monde, "Prive", None, logement_actuel="LOCATAIRE_PRIVE", est_mutation=False)
    with pytest.raises(EchangeRefuse, match="n'est pas une demande de mutation d'un locataire du parc social"):
        services.deposer_offre(demande=prive, identifiant="AH-0001", acteur=monde["staff"]["guichet"])
    tenant = locataire(monde, "Lyonnais", monde["bailleur"])
    lyon = logement(monde, "AH-LYON", monde["bailleur"], commune="69123")
    lyon.epci = monde["autre_epci"]
    lyon.save()
    with pytest.raises(
        EchangeRefuse, match="Identifiant du logement : le logement AH-LYON n'est pas sur le territoire"
    ):
        services.deposer_offre(demande=tenant, identifiant="AH-LYON", acteur=monde["staff"]["guichet"])
    with pytest.raises(EchangeRefuse, match="Commune : Lyon n'est pas sur le territoire"):
        services.deposer_offre(
            demande=tenant,
            bailleur=monde["bailleur"],
            commune=monde["communes"]["69123"],
            typologie="T3",
            acteur=monde["staff"]["guichet"],
        )
    with pytest.raises(EchangeRefuse, match="« XX-9 » est inconnu du patrimoine"):
        services.deposer_offre(demande=tenant, identifiant="XX-9", acteur=monde["staff"]["guichet"])
    with pytest.raises(EchangeRefuse, match="indique un autre bailleur actuel"):
        services.deposer_offre(demande=tenant, identifiant="GH-0001", acteur=monde["staff"]["guichet"])
    assert _compte()[0] == avant[0]
    services.deposer_offre(demande=tenant, identifiant="AH-0001", acteur=monde["staff"]["guichet"])
    with pytest.raises(EchangeRefuse, match="a déjà une offre"):
        services.deposer_offre(demande=tenant, identifiant="AH-0001", acteur=monde["staff"]["guichet"])


def test_offre_d_un_autre_territoire_jamais_appariee(monde):
    offre_a, offre_b = paire(monde)
    OffreEchange.objects.filter(pk=offre_b.pk).update(epci=monde["autre_epci"])
    assert selectors.appariements(monde["epci"].pk) == []
    offre_b.refresh_from_db()
    with pytest.raises(EchangeRefuse, match="même territoire"):
        services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])


def test_proposer_un_echange_qui_ne_correspond_pas(monde):
    offre_a, offre_b = paire(monde)
    tiers = locataire(monde, "Tiers", monde["autre_bailleur"], typologies=["T5"])
    offre_c = services.deposer_offre(
        demande=tiers,
        bailleur=monde["autre_bailleur"],
        commune=monde["communes"]["38169"],
        typologie="T4",
        acteur=monde["staff"]["guichet"],
    )
    avant = _compte()
    with pytest.raises(EchangeRefuse, match="ne correspond pas"):
        services.proposer_echange(offres=[offre_a, offre_c], acteur=monde["staff"]["epci"])
    with pytest.raises(EchangeRefuse, match="qui concerne un logement de votre organisme"):
        services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["ville"])
    assert _compte() == avant


def test_cycle_a_trois_et_logement_identifie_a_l_acceptation(monde):
    """A (Alpes Habitat, T3 Grenoble) wants a T2 in Échirolles (B's); B wants a T4 in Fontaine (C's, described
    without identifier); C wants a T3 in Grenoble (A's)."""
    logement(monde, "GH-0200", monde["autre_bailleur"], commune="38151", typologie="T2")
    logement(monde, "GH-0300", monde["autre_bailleur"], commune="38169", typologie="T4", loyer="610")
    c = monde["communes"]
    a = locataire(monde, "Alpha", monde["bailleur"], communes=[c["38151"]], typologies=["T2"])
    b = locataire(monde, "Bravo", monde["autre_bailleur"], communes=[c["38169"]], typologies=["T4"])
    g = locataire(monde, "Golf", monde["autre_bailleur"], communes=[c["38185"]], typologies=["T3"])
    acteur = monde["staff"]["guichet"]
    oa = services.deposer_offre(demande=a, identifiant="AH-0001", acteur=acteur)
    ob = services.deposer_offre(demande=b, identifiant="GH-0200", acteur=acteur)
    og = services.deposer_offre(
        demande=g, bailleur=monde["autre_bailleur"], commune=c["38169"], typologie="T4", acteur=acteur
    )
    trouves = selectors.appariements(monde["epci"].pk)
    assert [m.ids for m in trouves] == [f"{oa.pk},{ob.pk},{og.pk}"]
    echange = services.proposer_echange(offres=list(trouves[0].offres), acteur=monde["staff"]["bailleur"])
    pa, pb, pg = echange.participations.order_by("rang")
    services.repondre(participation=pa, accepte=True, acteur=monde["staff"]["bailleur"])
    services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["autre_bailleur"])
    with pytest.raises(EchangeRefuse, match="indiquez son identifiant dans votre patrimoine"):
        services.repondre(participation=pg, accepte=True, acteur=monde["staff"]["autre_bailleur"])
    with pytest.raises(EchangeRefuse, match="« AH-0002 » n'est pas un logement de Grenoble Habitat"):
        services.repondre(
            participation=pg, accepte=True, identifiant_logement="AH-0002", acteur=monde["staff"]["autre_bailleur"]
        )
    assert Vacance.objects.count() == 0
    services.repondre(
        participation=pg, accepte=True, identifiant_logement="GH-0300", acteur=monde["staff"]["autre_bailleur"]
    )
    echange.refresh_from_db()
    assert echange.statut == "TRANSMIS"
    vacances = {p.offre.demande.nom: p.vacance for p in echange.participations.select_related("vacance__logement")}
    candidats = {nom: v.candidatures.get().demande.nom for nom, v in vacances.items()}
    # who moves into whose dwelling
    assert candidats == {"Alpha": "Golf", "Bravo": "Alpha", "Golf": "Bravo"}
    assert vacances["Golf"].logement.identifiant == "GH-0300"
    # Bravo, Grenoble Habitat's tenant, moves into Grenoble Habitat's GH-0300: an internal transfer
    assert (vacances["Golf"].deduction, vacances["Bravo"].deduction) == ("MUTATION", "")


def test_vacance_deja_ouverte_tout_est_annule(monde):
    """A dwelling that already has an open vacancy: the last acceptance is refused, nothing is half-written."""
    from attributions import services as attributions_services

    offre_a, offre_b = paire(monde)
    echange = services.proposer_echange(offres=[offre_a, offre_b], acteur=monde["staff"]["epci"])
    pa, pb = echange.participations.order_by("rang")
    services.repondre(participation=pa, accepte=True, acteur=monde["staff"]["bailleur"])
    import datetime as dt

    attributions_services.declarer_vacance(
        logement=offre_b.logement, date_liberation=dt.date(2026, 1, 1), acteur=monde["staff"]["autre_bailleur"]
    )
    avant = _compte()
    with pytest.raises(Exception, match="a déjà une vacance en cours"):
        services.repondre(participation=pb, accepte=True, acteur=monde["staff"]["autre_bailleur"])
    assert _compte() == avant
    echange.refresh_from_db()
    assert echange.statut == "PROPOSE"
