"""The allocation journey through the services, and allocations recorded in the platform
and the same allocations imported from an F1 file give the same objectives (one set of rules)."""

import datetime as dt
from decimal import Decimal

import pytest

from attributions import services
from attributions.models import Candidature, DecisionCaleol, InstantaneObjectifs, TransitionVacance, Vacance
from attributions.selectors import calcule_objectifs_epci
from attributions.services import ActionRefusee
from demandes import services as demandes_services
from demandes.models import Evenement
from tests.fixtures.f1 import F1_COLONNES, fichier_f1, ligne_f1

from .fabrique import BAILLEUR_A, creer_demande, enfant

pytestmark = pytest.mark.django_db


def _demandes(monde_attributions):
    d1 = creer_demande(monde_attributions, "Martin", date_depot=dt.date(2022, 3, 1), ressources="800")
    d2 = creer_demande(
        monde_attributions,
        "Bernard",
        date_depot=dt.date(2023, 5, 10),
        ressources="2500",
        est_mutation=True,
        logement_actuel="LOCATAIRE_HLM",
    )
    # one adult and three children under 14 at exactly the 2025 threshold (docs/droit/regles.md, platform decision 5)
    d3 = creer_demande(
        monde_attributions,
        "Petit",
        date_depot=dt.date(2024, 1, 20),
        ressources="1696.70",
        logement_actuel="SANS_ABRI",
        membres=[
            enfant("Léa", dt.date(2014, 9, 1)),
            enfant("Tom", dt.date(2016, 2, 3)),
            enfant("Zoé", dt.date(2019, 7, 7)),
        ],
    )
    d4 = creer_demande(
        monde_attributions, "Robert", date_depot=dt.date(2021, 10, 4), ressources="2000", typologies=[],
        logement_actuel="HOTEL",
    )  # fmt: skip
    demandes_services.enregistrer_dalo(
        d4, date_decision=dt.date(2024, 11, 5), commission="COMED de l'Isère", acteur=None
    )
    return d1, d2, d3, d4


def parcours_plateforme(monde_attributions):
    """V1 (outside QPV, Action Logement): ranked 1 refuses, ranked 2 signs. V2 (QPV, State): one DALO
    candidate designated by the préfet (R. 441-3 exception), allocated, lease signed."""
    s = monde_attributions["staff"]
    d1, d2, d3, d4 = _demandes(monde_attributions)
    v1 = services.declarer_vacance(
        logement=monde_attributions["logement"], date_liberation=dt.date(2025, 2, 1), acteur=s["bailleur"]
    )
    services.orienter_vacance(
        vacance=v1, reservataire=monde_attributions["al"], acteur=s["bailleur"], jour=dt.date(2025, 2, 3)
    )
    services.designer_candidats(vacance=v1, demandes=[d1, d2, d3], acteur=s["al"])
    seance = services.creer_seance(
        bailleur=monde_attributions["bailleur"],
        epci=monde_attributions["epci"],
        date=dt.date(2025, 3, 10),
        acteur=s["bailleur"],
    )
    services.inscrire_en_seance(seance=seance, vacance=v1, acteur=s["bailleur"])
    c1, c2, c3 = (Candidature.objects.get(vacance=v1, demande=d) for d in (d1, d2, d3))
    services.enregistrer_decision(candidature=c1, type_decision="ATTRIBUTION_RANG", rang=1, acteur=s["bailleur"])
    services.enregistrer_decision(candidature=c3, type_decision="ATTRIBUTION_RANG", rang=2, acteur=s["bailleur"])
    services.enregistrer_decision(
        candidature=c2, type_decision="NON_ATTRIBUTION", motif="Typologie inadaptée au projet", acteur=s["bailleur"]
    )
    services.tenir_seance(
        seance=seance, membres_presents="Mme A, présidente\nM. B, représentant du maire", compte_rendu="RAS",
        acteur=s["bailleur"],
    )  # fmt: skip
    services.enregistrer_reponse(
        candidature=c1, reponse="REFUS", motif_refus="LOYER", date_reponse=dt.date(2025, 3, 15), acteur=s["bailleur"]
    )
    services.enregistrer_reponse(
        candidature=c3, reponse="ACCEPTATION", date_reponse=dt.date(2025, 3, 16), acteur=s["bailleur"]
    )
    services.signer_bail(candidature=c3, date_bail=dt.date(2025, 4, 1), acteur=s["bailleur"])

    v2 = services.declarer_vacance(
        logement=monde_attributions["logement_qpv"], date_liberation=dt.date(2025, 5, 1), acteur=s["bailleur"]
    )
    services.orienter_vacance(vacance=v2, reservataire=monde_attributions["etat"], acteur=s["bailleur"])
    services.designer_candidats(
        vacance=v2, demandes=[d4], exception="DALO_PREFET", justification="Désignation préfectorale", acteur=None
    )
    seance2 = services.creer_seance(
        bailleur=monde_attributions["bailleur"],
        epci=monde_attributions["epci"],
        date=dt.date(2025, 6, 12),
        acteur=s["bailleur"],
    )
    services.inscrire_en_seance(seance=seance2, vacance=v2, acteur=s["bailleur"])
    c4 = Candidature.objects.get(vacance=v2)
    services.enregistrer_decision(candidature=c4, type_decision="ATTRIBUTION", acteur=s["bailleur"])
    services.enregistrer_reponse(
        candidature=c4, reponse="ACCEPTATION", date_reponse=dt.date(2025, 6, 20), acteur=s["bailleur"]
    )
    services.signer_bail(candidature=c4, date_bail=dt.date(2025, 7, 1), acteur=s["bailleur"])
    return (d1, d2, d3, d4), (v1, v2)


def lignes_f1_attendues(demandes):
    """The same four decisions as a territory would have them in its F1 extract, written by hand."""
    d1, d2, d3, d4 = (d.numero_unique for d in demandes)
    commun = {"bailleur_siren": BAILLEUR_A, "commune_insee": "38185", "epci_siren": "200040715", "typologie": "T3"}
    v1 = {**commun, "logement_id": "AH-0001", "date_decision": "2025-03-10", "reservataire_type": "ACTION_LOGEMENT"}
    return [
        ligne_f1(**v1, numero_unique=d1, date_depot="2022-03-01", type_decision="ATTRIBUTION_RANG", rang=1,
                 date_bail="", ressources_mensuelles="800", sortant_hebergement=0, sans_abri=0),
        ligne_f1(**v1, numero_unique=d3, date_depot="2024-01-20", type_decision="ATTRIBUTION_RANG", rang=2,
                 date_bail="2025-04-01", ressources_mensuelles="1696.70", nb_enfants_moins_14=3,
                 sortant_hebergement=0, sans_abri=1),
        ligne_f1(**v1, numero_unique=d2, date_depot="2023-05-10", type_decision="NON_ATTRIBUTION", date_bail="",
                 ressources_mensuelles="2500", mutation=1, sortant_hebergement=0, sans_abri=0),
        ligne_f1(**commun, logement_id="AH-0002", date_decision="2025-06-12", reservataire_type="ETAT",
                 numero_unique=d4, date_depot="2021-10-04", type_decision="ATTRIBUTION", date_bail="2025-07-01",
                 qpv_code="QN03807M", ressources_mensuelles="2000", dalo=1, sortant_hebergement=1, sans_abri=0),
    ]  # fmt: skip


CHAMPS_COMPARES = [
    "numero_unique", "date_depot", "date_decision", "type_decision", "rang", "date_bail", "logement_id",
    "bailleur_id", "commune_id", "epci_id", "qpv_id", "en_qpv_au_bail", "typologie", "reservataire_id",
    "ressources_mensuelles", "ressources_annuelles_e4", "nb_personnes_14_plus", "nb_enfants_moins_14",
    "uc_dixiemes", "dalo", "prioritaire", "relogement", "mutation", "sortant_hebergement", "sans_abri",
]  # fmt: skip


def _lignes(qs):
    return sorted(tuple(row[c] for c in CHAMPS_COMPARES) for row in qs.values(*CHAMPS_COMPARES))


def test_meme_chiffres_par_la_plateforme_et_par_un_fichier_f1(monde_attributions):
    demandes, _ = parcours_plateforme(monde_attributions)
    assert DecisionCaleol.objects.filter(source="PLATEFORME").count() == 4
    par_plateforme = calcule_objectifs_epci(monde_attributions["epci"], 2025)
    lignes_plateforme = _lignes(DecisionCaleol.objects.all())

    Candidature.objects.update(decision=None)
    DecisionCaleol.objects.all().delete()
    services.import_attributions(
        contenu=fichier_f1(lignes_f1_attendues(demandes), colonnes=F1_COLONNES + ["sortant_hebergement", "sans_abri"]),
        nom_fichier="meme.csv",
        recalculer=False,
    )
    assert DecisionCaleol.objects.filter(source="IMPORT").count() == 4
    par_import = calcule_objectifs_epci(monde_attributions["epci"], 2025)

    assert _lignes(DecisionCaleol.objects.all()) == lignes_plateforme
    # the household's situation comes from the demand (rules.situation_logement): hotel, homeless
    champs = ("numero_unique", "sortant_hebergement", "sans_abri")
    situations = {n: (s, a) for n, s, a in DecisionCaleol.objects.values_list(*champs)}
    assert situations == {
        demandes[0].numero_unique: (False, False),
        demandes[1].numero_unique: (False, False),
        demandes[2].numero_unique: (False, True),
        demandes[3].numero_unique: (True, False),
    }
    assert par_import == par_plateforme
    # and the figures are the expected ones, not merely equal
    assert (par_plateforme["hors_qpv"]["base"], par_plateforme["hors_qpv"]["numerateur"]) == (1, 1)
    assert (par_plateforme["qpv"]["base"], par_plateforme["qpv"]["numerateur"]) == (1, 1)
    reservataires = {r["type"]: (r["base"], r["numerateur"]) for r in par_plateforme["reservataires"]}
    assert reservataires == {"ACTION_LOGEMENT": (1, 0), "ETAT": (1, 1)}
    assert (par_plateforme["mutations"]["base"], par_plateforme["mutations"]["numerateur"]) == (2, 0)


def test_chaque_etape_est_un_evenement_et_le_bail_radie_la_demande(monde_attributions):
    (d1, d2, d3, d4), (v1, v2) = parcours_plateforme(monde_attributions)
    v1.refresh_from_db()
    assert v1.statut == Vacance.Statut.BAIL_SIGNE and v1.date_bail == dt.date(2025, 4, 1)
    assert list(TransitionVacance.objects.filter(vacance=v1).values_list("vers", flat=True)) == [
        "DECLAREE", "ORIENTEE", "CANDIDATS_DESIGNES", "EN_COMMISSION", "ATTRIBUEE", "BAIL_SIGNE",
    ]  # fmt: skip
    types = list(Evenement.objects.filter(demande=d3).order_by("date", "pk").values_list("type", flat=True))
    assert types == [
        "ENREGISTREMENT",
        "DESIGNATION",
        "EXAMEN_CAL",
        "DECISION_CAL",
        "PROPOSITION",
        "BAIL_SIGNE",
        "RADIATION",
        "EFFACEMENT",  # appraisals of social difficulties erased at the lease (docs/droit/regles.md, decision 13)
    ]
    d3.refresh_from_db()
    assert (d3.statut, d3.motif_radiation, d3.date_radiation) == ("RADIEE", "ATTRIBUTION", dt.date(2025, 4, 1))
    refus = Evenement.objects.get(demande=d1, type="REFUS")
    assert "Loyer ou charges trop élevés" in refus.libelle
    d1.refresh_from_db()
    assert d1.statut == "ACTIVE"  # the candidate who refused keeps the demand


def test_regle_des_trois_candidats_et_ordre_des_rangs(monde_attributions):
    s = monde_attributions["staff"]
    d1 = creer_demande(monde_attributions, "Un", date_depot=dt.date(2023, 1, 1), ressources="900")
    d2 = creer_demande(monde_attributions, "Deux", date_depot=dt.date(2023, 2, 1), ressources="1900")
    v = services.declarer_vacance(
        logement=monde_attributions["logement"], date_liberation=dt.date(2025, 2, 1), acteur=s["bailleur"]
    )
    services.orienter_vacance(vacance=v, reservataire=monde_attributions["al"], acteur=s["bailleur"])
    with pytest.raises(ActionRefusee, match="au moins 3 candidats"):
        services.designer_candidats(vacance=v, demandes=[d1, d2], acteur=s["al"])
    assert not Candidature.objects.exists()
    services.designer_candidats(
        vacance=v, demandes=[d1, d2], exception="INSUFFISANCE", justification="Deux demandes seulement", acteur=s["al"]
    )
    seance = services.creer_seance(
        bailleur=monde_attributions["bailleur"], epci=monde_attributions["epci"], date=dt.date(2025, 3, 1), acteur=None
    )
    services.inscrire_en_seance(seance=seance, vacance=v, acteur=None)
    c1, c2 = Candidature.objects.order_by("rang_propose")
    services.enregistrer_decision(candidature=c1, type_decision="ATTRIBUTION_RANG", rang=1, acteur=None)
    with pytest.raises(ActionRefusee, match="rang 1"):
        services.enregistrer_decision(candidature=c2, type_decision="ATTRIBUTION_RANG", rang=1, acteur=None)
    with pytest.raises(ActionRefusee, match="déjà attribué"):
        services.enregistrer_decision(candidature=c2, type_decision="ATTRIBUTION", acteur=None)
    services.enregistrer_decision(candidature=c2, type_decision="ATTRIBUTION_RANG", rang=2, acteur=None)
    services.enregistrer_reponse(candidature=c2, reponse="ACCEPTATION", date_reponse=dt.date(2025, 3, 2), acteur=None)
    with pytest.raises(ActionRefusee, match="mieux classé"):
        services.signer_bail(candidature=c2, date_bail=dt.date(2025, 3, 20), acteur=None)
    with pytest.raises(ActionRefusee, match="motif du refus"):
        services.enregistrer_reponse(candidature=c1, reponse="REFUS", date_reponse=dt.date(2025, 3, 3), acteur=None)


def test_condition_suspensive_et_remise_pour_un_tour(monde_attributions):
    s = monde_attributions["staff"]
    demandes = [creer_demande(monde_attributions, f"C{i}", date_depot=dt.date(2023, 1, i + 1)) for i in range(3)]
    v = services.declarer_vacance(
        logement=monde_attributions["logement"], date_liberation=dt.date(2025, 2, 1), acteur=s["bailleur"]
    )
    services.orienter_vacance(vacance=v, reservataire=monde_attributions["ville"], acteur=s["bailleur"])
    services.remettre_pour_un_tour(vacance=v, motif="Aucun candidat de la commune", acteur=s["ville"])
    v.refresh_from_db()
    assert v.statut == "REMISE_POUR_UN_TOUR"
    assert (v.reservataire.type, v.reservataire.code, v.reservataire_initial) == (
        "BAILLEUR",
        BAILLEUR_A,
        monde_attributions["ville"],
    )
    services.designer_candidats(vacance=v, demandes=demandes, acteur=s["bailleur"])
    seance = services.creer_seance(
        bailleur=monde_attributions["bailleur"], epci=monde_attributions["epci"], date=dt.date(2025, 3, 1), acteur=None
    )
    services.inscrire_en_seance(seance=seance, vacance=v, acteur=None)
    c = Candidature.objects.order_by("rang_propose").first()
    with pytest.raises(ActionRefusee, match="pièce attendue"):
        services.enregistrer_decision(candidature=c, type_decision="ATTRIBUTION_CONDITION", acteur=None)
    services.enregistrer_decision(
        candidature=c,
        type_decision="ATTRIBUTION_CONDITION",
        condition="Avis d'imposition 2024",
        date_limite_condition=dt.date(2025, 3, 20),
        acteur=None,
    )
    services.enregistrer_reponse(candidature=c, reponse="ACCEPTATION", date_reponse=dt.date(2025, 3, 5), acteur=None)
    with pytest.raises(ActionRefusee, match="condition suspensive"):
        services.signer_bail(candidature=c, date_bail=dt.date(2025, 3, 25), acteur=None)
    services.lever_condition(candidature=c, jour=dt.date(2025, 3, 18), acteur=None)
    services.signer_bail(candidature=c, date_bail=dt.date(2025, 3, 25), acteur=None)
    decision = DecisionCaleol.objects.get(pk=c.decision_id)
    assert decision.reservataire.type == "BAILLEUR"  # charged to the landlord's stock for this round
    assert decision.en_qpv_au_bail is False and decision.date_bail == dt.date(2025, 3, 25)
    assert decision.ressources_mensuelles == Decimal("1500")  # the housing benefit is not counted


def test_le_bail_recalcule_les_objectifs_apres_commit(monde_attributions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        parcours_plateforme(monde_attributions)
    instantane = InstantaneObjectifs.objects.get(epci=monde_attributions["epci"], annee=2025)
    assert instantane.resultat["hors_qpv"]["numerateur"] == 1
    assert instantane.resultat["qpv"]["base"] == 1


def test_deux_agents_en_meme_temps_et_menage_deja_attributaire(monde_attributions):
    s = monde_attributions["staff"]
    v = services.declarer_vacance(
        logement=monde_attributions["logement"], date_liberation=dt.date(2025, 2, 1), acteur=s["bailleur"]
    )
    copie_perimee = Vacance.objects.get(pk=v.pk)
    services.orienter_vacance(vacance=v, reservataire=monde_attributions["al"], acteur=s["bailleur"])
    with pytest.raises(ActionRefusee, match="changé de statut entre-temps"):
        services.orienter_vacance(
            vacance=copie_perimee, reservataire=monde_attributions["ville"], acteur=s["autre_bailleur"]
        )
    v.refresh_from_db()
    assert v.reservataire == monde_attributions["al"]

    # a household allocated another dwelling (and who has not refused it) is no longer offered
    from attributions.vacances.flux import candidats_possibles

    famille = [enfant("Jade", dt.date(2018, 5, 4))]
    demandes = [
        creer_demande(monde_attributions, f"F{i}", date_depot=dt.date(2022, 1, 1 + i), membres=famille)
        for i in range(3)
    ]
    autre = services.declarer_vacance(
        logement=monde_attributions["logement_qpv"], date_liberation=dt.date(2025, 2, 1), acteur=None
    )
    services.orienter_vacance(vacance=autre, reservataire=monde_attributions["ville"], acteur=None)
    services.designer_candidats(vacance=autre, demandes=demandes, acteur=None)
    seance = services.creer_seance(
        bailleur=monde_attributions["bailleur"], epci=monde_attributions["epci"], date=dt.date(2025, 3, 1), acteur=None
    )
    services.inscrire_en_seance(seance=seance, vacance=autre, acteur=None)
    premier, second, _ = Candidature.objects.filter(vacance=autre).order_by("rang_propose")
    services.enregistrer_decision(candidature=premier, type_decision="ATTRIBUTION_RANG", rang=1, acteur=None)
    services.enregistrer_decision(candidature=second, type_decision="ATTRIBUTION_RANG", rang=2, acteur=None)
    jour = dt.date(2025, 3, 5)
    assert list(candidats_possibles(v, jour=jour)) == demandes[1:]  # the first-ranked one is out, the second not
    services.enregistrer_reponse(
        candidature=premier, reponse="REFUS", motif_refus="LOCALISATION", date_reponse=jour, acteur=None
    )
    assert list(candidats_possibles(v, jour=jour)) == demandes  # after a refusal the household is back
