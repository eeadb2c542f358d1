"""The number of queries of every list page and API list is pinned, and does not grow with the rows listed.

For each list (walked from the URL resolver, issue 19 item 2): a user of a role that may read it opens it on a
small data set, then more rows of what the list shows are added, with the related rows a per-row query would
read (landlords, holders, communes, members, households, meetings...), and the page is opened again. Both
counts must be equal (nothing row by row) and equal to the pinned number (an added query is noticed and
explained in the commit that adds it). Rows of another territory (or another landlord) are created at both
sizes and must never appear.

One world per family of pages (allocations, demands, relocation, conference) is built and grown once for all
its lists, to keep the module fast. Each user's first page after the login is opened twice (the first opening
warms the session and the user's scope); the counts are those of the pages opened after it. They are the same
on SQLite and PostgreSQL (no list page opens a savepoint; the server-side cursor PostgreSQL declares for a
form's choices is one query, as SQLite's plain select is), so there is one pin per list.

The three lists found growing with their rows when this module was written (the relocation operations' page and
API, the scoring grids for a platform administrator) were fixed in the apps and are pinned with the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attributions import services as attributions_services
from attributions.tests.factories import DecisionCaleolFactory, LogementFactory
from cil.models import Bailleur, Membership, Objectif, Reservataire
from conference import services as conference_services
from core.models import ExportDiffere, User
from core.roles import Role
from demandes import services as demandes_services
from demandes.models import Demande
from demandes.services_rgpd import enregistrer_consultation
from demandes.tests.factories import DemandeFactory, EpciFactory, GuichetFactory
from observatoire.models import BilanAnnuel
from politique import services as politique_services
from politique.rules import Transition
from relogement import services as relogement_services
from relogement.tests.factories import MenageARelogerFactory
from tests.fixtures.relogement import REPONSES

pytestmark = pytest.mark.django_db


@dataclass
class Liste:
    """One list: its URL name, who opens it, the query string, how many rows it shows and the pinned count."""

    nom: str
    qui: str
    requetes: int | None
    lignes: Callable  # (response) -> the rows listed
    params: dict = field(default_factory=dict)
    args: Callable | None = None  # (world) -> the URL's arguments
    absents: bool = True  # False for a platform administrator, who sees every territory
    autres: list[str] = field(default_factory=list)  # what else must not appear (another landlord's rows)
    # pages served from a stored computation (the objectives' snapshot): the first opening after a write counts
    # and stores it, the count pinned is the one of the page served from the store
    rechauffer: bool = False

    @property
    def cle(self) -> str:
        return f"{self.nom} ({self.qui})"


def _mesurer(client, monde, liste: Liste, connecte: list):
    """The response and the queries of the list's second opening by its user (the first one, right after the
    login, warms the session and the user's scope)."""
    url = reverse(liste.nom, args=liste.args(monde) if liste.args else ())
    if connecte[:1] != [liste.qui]:
        client.force_login(monde["users"][liste.qui])
        client.get(url, liste.params)
        connecte[:] = [liste.qui]
    elif liste.rechauffer:
        client.get(url, liste.params)
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url, liste.params)
    assert reponse.status_code == 200, (url, reponse.status_code)
    return url, reponse, requetes


def _verifier(client, monde, listes: list[Liste], ajouter: Callable, absents: Callable):
    """Open every list small, add rows, open them again: for each, more rows, the same count, the pinned one, and
    nothing of the outsiders. The world is built and grown once for all its lists; every defect is reported."""
    connecte: list = []
    petits = {liste.cle: _mesurer(client, monde, liste, connecte) for liste in listes}
    ajouter(monde)
    defauts = []
    for liste in listes:
        url, petit, requetes_petit = petits[liste.cle]
        _, grand, requetes_grand = _mesurer(client, monde, liste, connecte)
        n_petit, n_grand = len(liste.lignes(petit)), len(liste.lignes(grand))
        if not n_grand > n_petit >= 1:
            defauts.append(f"{liste.cle} : {n_petit} puis {n_grand} lignes, la liste n'a pas grandi")
        for reponse in (petit, grand) if liste.absents else ():
            contenu = reponse.content.decode()
            interdits = [*absents(monde), *liste.autres]
            defauts += [
                f"{liste.cle} : « {a} » d'un autre territoire ou organisation" for a in interdits if a in contenu
            ]
        n, n_grand_requetes = len(requetes_petit), len(requetes_grand)
        if n != n_grand_requetes or (liste.requetes is not None and n_grand_requetes != liste.requetes):
            requetes = "\n    ".join(q["sql"][:200] for q in requetes_grand.captured_queries)
            defauts.append(
                f"{liste.cle} : {n} requêtes puis {n_grand_requetes} avec plus de lignes, {liste.requetes} attendues :"
                f"\n    {requetes}"
            )
    assert not defauts, "\n".join(defauts)


def _page(reponse):
    return list(reponse.context["page"])


def _resultats(reponse):
    return reponse.json()["results"]


# --------------------------------------------------------------------------- allocations, dwellings, vacancies


def _peupler_attributions(m, n: int, tag: str):
    """``n`` landlords of the territory, each with a holder, a dwelling in its own commune (every other one in the
    QPV), an allocation of 2025, a vacancy routed to the holder with two candidates, and a CALEOL session where
    the vacancy is on the agenda (the first session of the world gathers every vacancy of its landlord)."""
    epci = m["epci"]
    communes = [m["communes"][c] for c in ("38185", "38151", "38169")]
    for i in range(n):
        bailleur = Bailleur.objects.create(siren=f"9{tag}{i:07d}"[:9], nom=f"Bailleur {tag}{i}")
        bailleur.epcis.add(epci)
        reservataire = Reservataire.objects.create(type="AUTRE", code=f"R{tag}{i}", nom=f"Réservataire {tag}{i}")
        reservataire.epcis.add(epci)
        commune = communes[i % len(communes)]
        logement = LogementFactory(
            identifiant=f"LOG-{tag}{i}",
            bailleur=bailleur,
            commune=commune,
            epci=epci,
            qpv=m["qpv"] if i % 2 and commune == communes[0] else None,
        )
        DecisionCaleolFactory(logement=logement, reservataire=reservataire, numero_unique=f"038{tag}{i:08d}")
        vacance = attributions_services.declarer_vacance(
            logement=logement, date_liberation=dt.date(2026, 1, 5), acteur=None
        )
        attributions_services.orienter_vacance(vacance=vacance, reservataire=reservataire, acteur=None)
        demandes = [
            DemandeFactory(guichet=m["guichet"], nom=f"Candidat {tag}{i}{j}", typologies=["T3"], communes=[commune])
            for j in range(2)
        ]
        attributions_services.designer_candidats(
            vacance=vacance, demandes=demandes, acteur=None, exception="INSUFFISANCE", justification="Peu de demandes"
        )
        seance = attributions_services.creer_seance(
            bailleur=bailleur, epci=epci, date=dt.date(2026, 2, 10), acteur=None
        )
        attributions_services.inscrire_en_seance(seance=seance, vacance=vacance, acteur=None)
        if "seance" in m:  # the world's session lists one more vacancy of its landlord
            autre = LogementFactory(
                identifiant=f"LOG-{tag}{i}-S", bailleur=m["seance"].bailleur, commune=commune, epci=epci
            )
            vacance = attributions_services.declarer_vacance(
                logement=autre, date_liberation=dt.date(2026, 1, 5), acteur=None
            )
            attributions_services.orienter_vacance(vacance=vacance, reservataire=reservataire, acteur=None)
            demandes = [
                DemandeFactory(
                    guichet=m["guichet"], nom=f"Candidat S{tag}{i}{j}", typologies=["T3"], communes=[commune]
                )
                for j in range(2)
            ]
            attributions_services.designer_candidats(
                vacance=vacance, demandes=demandes, acteur=None, exception="INSUFFISANCE", justification="Peu"
            )
            attributions_services.inscrire_en_seance(seance=m["seance"], vacance=vacance, acteur=None)
        else:
            m["seance"] = seance
        # the rows of the world's landlord (Alpes Habitat), whose staff sees only them
        propre = LogementFactory(identifiant=f"AH-{tag}{i}", bailleur=m["bailleur"], commune=commune, epci=epci)
        DecisionCaleolFactory(logement=propre, reservataire=reservataire, numero_unique=f"039{tag}{i:08d}")
        vacance = attributions_services.declarer_vacance(
            logement=propre, date_liberation=dt.date(2026, 1, 6), acteur=None
        )
        attributions_services.orienter_vacance(vacance=vacance, reservataire=reservataire, acteur=None)
        attributions_services.creer_seance(bailleur=m["bailleur"], epci=epci, date=dt.date(2026, 2, 12), acteur=None)
        # what the territory's other lists show about the same organisations
        BilanAnnuel.objects.create(
            kind="BAILLEUR", epci=epci, annee=2025, bailleur=bailleur, demande_par=m["users"]["epci"]
        )
        BilanAnnuel.objects.create(
            kind="RESERVATAIRE",
            epci=epci,
            annee=2025,
            reservataire=reservataire,
            statut=BilanAnnuel.Statut.ECHEC,
            erreur="Aucun seuil",
        )
        politique_services.creer_cible(
            epci=epci,
            acteur=m["users"]["epci"],
            objectif=Objectif.HORS_QPV,
            taux=Decimal("0.3"),
            bailleur=bailleur,
            date_debut=dt.date(2025, 1, 1),
            source=f"CIA, article {tag}{i}",
        )
        document = politique_services.creer_document(
            epci=epci, acteur=m["users"]["epci"], type="CIA", titre=f"Document {tag}{i}"
        )
        politique_services.changer_statut(
            document.versions.get(), acteur=m["users"]["epci"], action=Transition.SOUMETTRE
        )
        ExportDiffere.objects.create(
            utilisateur=m["users"]["epci"],
            producteur="attributions.liste",
            titre=f"Export {tag}{i}",
            nom_fichier=f"export-{tag}{i}.xlsx",
        )
    # the other territory's rows (and another user's export), at both sizes
    ExportDiffere.objects.create(
        utilisateur=m["users"]["dehors"],
        producteur="attributions.liste",
        titre=f"Export lyonnais {tag}",
        nom_fichier="lyon.xlsx",
    )
    politique_services.creer_document(
        epci=m["autre_epci"], acteur=m["users"]["dehors"], type="CIA", titre=f"Document lyonnais {tag}"
    )
    politique_services.creer_cible(
        epci=m["autre_epci"],
        acteur=m["users"]["dehors"],
        objectif=Objectif.HORS_QPV,
        taux=Decimal("0.3"),
        date_debut=dt.date(2025, 1, 1),
        source=f"Délibération lyonnaise {tag}",
    )
    lyon = m["communes"]["69123"]
    bailleur = Bailleur.objects.create(siren=f"8{tag}{n:07d}"[:9], nom=f"Bailleur lyonnais {tag}")
    bailleur.epcis.add(m["autre_epci"])
    logement = LogementFactory(identifiant=f"LYON-{tag}", bailleur=bailleur, commune=lyon, epci=m["autre_epci"])
    DecisionCaleolFactory(logement=logement, numero_unique=f"069{tag}{n:08d}")
    attributions_services.declarer_vacance(logement=logement, date_liberation=dt.date(2026, 1, 5), acteur=None)
    attributions_services.creer_seance(bailleur=bailleur, epci=m["autre_epci"], date=dt.date(2026, 2, 11), acteur=None)
    BilanAnnuel.objects.create(kind="BAILLEUR", epci=m["autre_epci"], annee=2025, bailleur=bailleur)


@pytest.fixture
def monde_listes_attributions(monde_attributions):
    m = monde_attributions
    # the allocations' landlords also have their staff (the session's landlord manages the session)
    m["users"] = {**m["staff"]}
    _peupler_attributions(m, 1, "1")
    return m


def _absents_attributions(m):
    return ["LYON-", "Bailleur lyonnais", "Export lyonnais", "Document lyonnais", "Délibération lyonnaise"]


ANNEE = {"annee": "2025"}
LISTES_ATTRIBUTIONS = [
    Liste("attributions:liste", "epci", 13, _page, {**ANNEE, "objectif": "hors_qpv", "part": "base"}),
    Liste("attributions:tableau_de_bord", "epci", 23, lambda r: r.context["par_bailleur"], ANNEE, rechauffer=True),
    Liste("attributions:logements", "epci", 5, _page),
    Liste("attributions:vacances", "epci", 5, _page),
    Liste("attributions:seances", "epci", 5, _page),
    Liste("attributions:seance", "epci", 13, lambda r: r.context["vacances"], args=lambda m: [m["seance"].pk]),
    Liste("api-attributions", "epci", 5, _resultats, ANNEE),
    Liste("api-logements", "epci", 5, _resultats),
    Liste("api-vacances", "epci", 8, _resultats),
    Liste("observatoire:etat_liste", "epci", 7, _page, ANNEE),
    Liste("observatoire:bilans", "epci", 9, _page),
    # a landlord's staff: their own rows only, none of the other landlords' (LOG-...)
    Liste(
        "attributions:liste", "bailleur", 14, _page, {**ANNEE, "objectif": "hors_qpv", "part": "base"}, autres=["LOG-"]
    ),
    Liste("attributions:logements", "bailleur", 5, _page, autres=["LOG-"]),
    Liste("attributions:vacances", "bailleur", 5, _page, autres=["LOG-"]),
    Liste("attributions:seances", "bailleur", 7, _page, autres=["Bailleur 1", "Bailleur 2"]),
    Liste("api-attributions", "bailleur", 5, _resultats, ANNEE, autres=["LOG-"]),
    Liste("api-logements", "bailleur", 5, _resultats, autres=["LOG-"]),
    Liste("api-vacances", "bailleur", 6, _resultats, autres=["LOG-"]),
    Liste("politique:documents", "epci", 7, lambda r: r.context["territoires"][0]["documents"]),
    Liste("politique:cibles", "epci", 24, lambda r: r.context["lignes"], ANNEE, rechauffer=True),
    Liste("core:exports", "epci", 4, lambda r: r.context["exports"]),
]


def test_listes_des_attributions(client, monde_listes_attributions):
    _verifier(client, monde_listes_attributions, LISTES_ATTRIBUTIONS, *MONDES["attributions"][1:])


# --------------------------------------------------------------------------- demands: jobs, network, read log, grids


NAISSANCE = dt.date(2015, 1, 1)


def _peupler_demandes(m, n: int, tag: str):
    """``n`` reception points of the territory, each with a visit, a demand due for its renewal notice (with a
    child, DALO every other one) and an appointment, a demand past its renewal deadline, a reading of the
    demand in the read log by a different user, and a draft scoring grid; the other territory's rows."""
    epci, users = m["epci"], m["users"]
    jour = dt.date.today()
    lecteurs = [users["staff"], users["agent"], users["bailleur_user"]]
    for i in range(n):
        guichet = GuichetFactory(epci=epci, commune=m["commune"], nom=f"Guichet {tag}{i}")
        demandes_services.compter_contact(guichet, "VISITE", acteur=users["agent"])
        echue = DemandeFactory(
            guichet=guichet,
            nom=f"Rappel {tag}{i}",
            date_depot=jour - dt.timedelta(days=350),
            dalo=bool(i % 2),
            membres=[{"lien": "ENFANT", "nom": "Enfant", "prenom": f"E{tag}{i}", "date_naissance": NAISSANCE}],
        )
        demandes_services.prendre_rendez_vous(
            echue, guichet=guichet, debut=timezone.now() + dt.timedelta(days=2), objet="DEPOT", acteur=users["agent"]
        )
        a_radier = DemandeFactory(guichet=guichet, nom=f"Radier {tag}{i}", date_depot=jour - dt.timedelta(days=800))
        Demande.objects.filter(pk=a_radier.pk).update(statut="A_RENOUVELER")  # notice sent long ago
        enregistrer_consultation(
            utilisateur=lecteurs[i % len(lecteurs)],
            objet="DEMANDE",
            canal="PAGE",
            demande=echue,
            detail=f"Fiche {tag}{i}",
        )
        demandes_services.creer_brouillon(epci=epci, acteur=users["staff"], nom=f"Grille {tag}{i}")
        # the followed demand's file: one more appointment (at this reception point, by another agent) and its event
        demandes_services.prendre_rendez_vous(
            m["fiche"],
            guichet=guichet,
            debut=timezone.now() + dt.timedelta(days=3 + i),
            objet="ENTRETIEN",
            acteur=lecteurs[i % len(lecteurs)],
        )
        territoire = EpciFactory(siren=f"24{tag}{i:06d}", nom=f"Territoire {tag}{i}")  # another one, no one's
        demandes_services.creer_brouillon(epci=territoire, acteur=None, nom=f"Grille {tag}{i} d'ailleurs")
    etrangere = DemandeFactory(
        guichet=m["guichet_autre"], nom=f"Horsterritoire {tag}", date_depot=jour - dt.timedelta(days=350)
    )
    enregistrer_consultation(utilisateur=users["outsider"], objet="DEMANDE", canal="PAGE", demande=etrangere)
    demandes_services.creer_brouillon(epci=m["autre_epci"], acteur=users["outsider"], nom=f"Grille voironnaise {tag}")


@pytest.fixture
def monde_listes_demandes(monde_demandes):
    m = vars(monde_demandes).copy()
    dpo = User.objects.create_user(username="dpo", password="x")
    Membership.objects.create(user=dpo, role=Role.DPO, epci=monde_demandes.epci)
    m["users"] = {nom: valeur for nom, valeur in m.items() if isinstance(valeur, User)} | {"dpo": dpo}
    m["fiche"] = DemandeFactory(guichet=monde_demandes.guichet, nom="Suivie")
    _peupler_demandes(m, 1, "1")
    return m


def _absents_demandes(m):
    etrangeres = Demande.objects.filter(epci=m["autre_epci"]).values_list("numero_unique", flat=True)
    return ["Horsterritoire", "Grille voironnaise", "Guichet de Voiron", *etrangeres]


def _rendez_vous_et_evenements(reponse):
    return reponse.context["rendez_vous"] + list(reponse.context["evenements"])


LISTES_DEMANDES = [
    Liste("demandes:traitements", "staff", 12, lambda r: r.context["rappels"] + r.context["radiations"]),
    # the closed months' stored figures (demandes.ActiviteGuichet), then the months the night did not count live
    Liste("demandes:reseau", "staff", 13, lambda r: r.context["guichets"]),
    Liste("demandes:journal", "dpo", 7, _page),
    Liste("demandes:grilles", "staff", 5, lambda r: r.context["territoires"][0]["grilles"]),
    Liste("api-demande-list", "staff", 7, _resultats),
    Liste("demandes:fiche", "staff", 21, _rendez_vous_et_evenements, args=lambda m: [m["fiche"].pk]),
    # a platform administrator: the territories run on the platform (reception point or grid), one query of grids
    Liste("demandes:grilles", "admin", 7, lambda r: r.context["territoires"], absents=False),
]


def test_listes_des_demandes(client, monde_listes_demandes):
    _verifier(client, monde_listes_demandes, LISTES_DEMANDES, *MONDES["demandes"][1:])


# --------------------------------------------------------------------------- relocation


def _peupler_relogement(m, n: int, tag: str):
    """``n`` operations of the territory with their partner landlord, building and a household, ``n`` households
    of the world's operation (each with its own officer), each referred to the commission and put on the
    agenda of the world's session with a decision; the other territory's operation, household and referral."""
    monde, staff = m["monde"], m["users"]["staff"]
    for i in range(n):
        bailleur = Bailleur.objects.create(siren=f"7{tag}{i:07d}"[:9], nom=f"Partenaire {tag}{i}")
        bailleur.epcis.add(monde.epci)
        operation = relogement_services.creer_operation(
            epci=monde.epci,
            acteur=staff,
            nom=f"Opération {tag}{i}",
            type="NPNRU",
            qpv=monde.qpv,
            commune=monde.communes["38185"],
            date_lancement=dt.date(2025, 1, 1),
            bailleurs=[bailleur],
            reservataires=[monde.ville],
        )
        batiment = relogement_services.ajouter_batiment(
            operation=operation, acteur=staff, nom=f"Bâtiment {tag}{i}", bailleur=bailleur, nb_logements=10
        )
        MenageARelogerFactory(monde=monde, operation=operation, batiment=batiment, reference=f"O-{tag}{i}")
        # the followed household: one more offer (a dwelling of this landlord, in another commune), refused
        logement = LogementFactory(
            identifiant=f"OFFRE-{tag}{i}",
            bailleur=bailleur,
            commune=monde.communes[("38151", "38169")[i % 2]],
            epci=monde.epci,
        )
        proposition = relogement_services.proposer(
            m["suivi"], acteur=monde.referent, date_proposition=dt.date(2026, 1, 10), logement=logement
        )
        relogement_services.repondre(
            proposition,
            acteur=monde.referent,
            resultat="REFUSEE",
            motif_refus="LOCALISATION",
            date_reponse=dt.date(2026, 1, 20),
        )
        referent = User.objects.create_user(username=f"referent{tag}{i}", password="x", last_name=f"Référent {tag}{i}")
        menage = MenageARelogerFactory(monde=monde, referent=referent, reference=f"M-{tag}{i}")
        saisine = relogement_services.saisir_commission(
            epci=monde.epci,
            acteur=staff,
            organisation="EPCI",
            motif="BLOCAGE",
            expose=f"Blocage {tag}{i}",
            menage=menage,
        )
        relogement_services.inscrire(saisine, seance=m["seance"], acteur=staff)
        relogement_services.decider(saisine, acteur=staff, seance=m["seance"], type="AVIS", texte=f"Avis {tag}{i}")
    lyon = relogement_services.creer_operation(
        epci=monde.autre_epci,
        acteur=None,
        nom=f"Opération lyonnaise {tag}",
        type="NPNRU",
        commune=monde.communes["69123"],
        date_lancement=dt.date(2025, 1, 1),
    )
    batiment = relogement_services.ajouter_batiment(operation=lyon, acteur=None, nom=f"Tour lyonnaise {tag}")
    menage = MenageARelogerFactory(monde=monde, operation=lyon, batiment=batiment, reference=f"LYON-{tag}")
    relogement_services.saisir_commission(
        epci=monde.autre_epci,
        acteur=m["users"]["lyon"],
        organisation="Lyon",
        motif="BLOCAGE",
        expose=f"Exposé lyonnais {tag}",
        menage=menage,
    )


@pytest.fixture
def monde_listes_relogement(monde_relogement):
    lyon = User.objects.create_user(username="lyon", password="x")
    Membership.objects.create(user=lyon, role=Role.EPCI, epci=monde_relogement.autre_epci)
    m = {
        "monde": monde_relogement,
        "users": {"staff": monde_relogement.staff, "lyon": lyon, "partenaire": monde_relogement.partenaire},
    }
    m["seance"] = relogement_services.creer_seance(epci=monde_relogement.epci, acteur=None, date=dt.date(2026, 3, 2))
    m["suivi"] = MenageARelogerFactory(monde=monde_relogement, reference="SUIVI")
    relogement_services.enregistrer_enquete(
        m["suivi"], reponses=REPONSES, date_enquete=dt.date(2026, 1, 5), acteur=monde_relogement.referent
    )
    _peupler_relogement(m, 1, "1")
    return m


def _absents_relogement(m):
    return ["Opération lyonnaise", "Tour lyonnaise", "LYON-", "Exposé lyonnais"]


LISTES_RELOGEMENT = [
    Liste("relogement:operations", "staff", 16, lambda r: r.context["lignes"]),
    Liste(
        "relogement:operation", "staff", 20, lambda r: r.context["menages"], args=lambda m: [m["monde"].operation.pk]
    ),
    Liste("relogement:commission", "staff", 6, lambda r: r.context["saisines"]),
    Liste("relogement:seance", "staff", 6, lambda r: r.context["saisines"], args=lambda m: [m["seance"].pk]),
    Liste("api-relogement-operations", "staff", 12, _resultats),
    Liste("api-relogement-menages", "staff", 6, _resultats),
    Liste("relogement:menage", "staff", 20, lambda r: r.context["propositions"], args=lambda m: [m["suivi"].pk]),
    # a partner landlord's staff (Actis): the world's operation, not the operations it is no partner of (O-...)
    Liste(
        "relogement:operation",
        "partenaire",
        18,
        lambda r: r.context["menages"],
        args=lambda m: [m["monde"].operation.pk],
    ),
    Liste("api-relogement-menages", "partenaire", 6, _resultats, autres=["O-1", "O-2"]),
]


def test_listes_du_relogement(client, monde_listes_relogement):
    _verifier(client, monde_listes_relogement, LISTES_RELOGEMENT, *MONDES["relogement"][1:])


# --------------------------------------------------------------------------- the conference


def _peupler_conference(m, n: int, tag: str):
    """``n`` working groups with a member each, ``n`` members of the plenary (a landlord's, a holder's), ``n``
    convened meetings of the plenary with a voted item (a deliberation) and a document, and ``n`` items with a
    document on the world's open meeting; the other territory's body, meeting and deliberation."""
    monde, staff = m["monde"], m["monde"].staff
    for i in range(n):
        groupe = conference_services.creer_instance(
            epci=monde.epci, type="GROUPE_TRAVAIL", nom=f"Groupe {tag}{i}", acteur=staff, date_regle=dt.date(2020, 1, 1)
        )
        conference_services.designer_membre(
            groupe, acteur=staff, nom=f"Animateur {tag}{i}", debut_mandat=dt.date(2020, 9, 15)
        )
        bailleur = Bailleur.objects.create(siren=f"6{tag}{i:07d}"[:9], nom=f"Bailleur membre {tag}{i}")
        reservataire = Reservataire.objects.create(type="AUTRE", code=f"C{tag}{i}", nom=f"Réservataire membre {tag}{i}")
        bailleur.epcis.add(monde.epci)
        reservataire.epcis.add(monde.epci)
        for organisation in ({"bailleur": bailleur}, {"reservataire": reservataire}):
            conference_services.designer_membre(
                monde.pleniere,
                acteur=staff,
                nom=f"Membre {tag}{i} {len(organisation)}",
                college="PROFESSIONNELS",
                debut_mandat=dt.date(2020, 9, 15),
                **organisation,
            )
        seance = monde.seance(
            date=dt.date.today() + dt.timedelta(days=10 + i), points=[(f"Vote {tag}{i}", "DELIBERATION")]
        )
        point = seance.points.get()
        _document(seance, staff, f"Annexe {tag}{i}", point)
        passee = monde.seance(
            date=dt.date.today() - dt.timedelta(days=10 + i), points=[(f"Passé {tag}{i}", "DELIBERATION")]
        )
        en_exercice = passee.instance.membres.en_exercice(passee.date)
        tous = {membre.pk: ("PRESENT" if membre.titulaire else "ABSENT", None) for membre in en_exercice}
        comptage = conference_services.enregistrer_presences(passee, acteur=staff, presences=tous)
        votants = comptage.presents + comptage.pouvoirs
        conference_services.enregistrer_vote(
            passee.points.get(), acteur=staff, votants=votants, pour=votants, contre=0, abstention=0
        )
        point = conference_services.ajouter_point(
            m["seance"], acteur=staff, titre=f"Point {tag}{i}", type="DELIBERATION", projet_decision="oui"
        )
        _document(m["seance"], staff, f"Pièce {tag}{i}", point)
    monde.seance(
        instance=m["lyon"], date=dt.date.today() + dt.timedelta(days=5), lieu=f"Salle lyonnaise {tag}", convoquer=False
    )


def _document(seance, acteur, titre, point):
    fichier = SimpleUploadedFile(f"{titre}.pdf", b"%PDF-1.7\nannexe", content_type="application/pdf")
    conference_services.deposer_document(seance, acteur=acteur, titre=titre, fichier=fichier, point=point)


@pytest.fixture
def monde_listes_conference(monde_conference):
    m = {"monde": monde_conference, "users": {"staff": monde_conference.staff, "membre": monde_conference.membre_cil}}
    m["seance"] = monde_conference.seance(date=dt.date.today() + dt.timedelta(days=30), convoquer=False)
    m["lyon"] = conference_services.creer_instance(
        epci=monde_conference.autre_epci,
        type="PLENIERE",
        nom="Conférence lyonnaise",
        acteur=monde_conference.staff_autre,
        date_regle=dt.date(2020, 1, 1),
    )
    _peupler_conference(m, 1, "1")
    return m


def _absents_conference(m):
    return ["Conférence lyonnaise", "Salle lyonnaise"]


LISTES_CONFERENCE = [
    Liste(
        "conference:espace", "membre", 13, lambda r: list(r.context["prochaines"]) + list(r.context["deliberations"])
    ),
    Liste("conference:instances", "staff", 5, lambda r: r.context["instances"]),
    Liste(
        "conference:instance",
        "staff",
        16,
        lambda r: r.context["membres"] + list(r.context["seances"]),
        args=lambda m: [m["monde"].pleniere.pk],
    ),
    Liste("conference:seance", "staff", 13, lambda r: r.context["points"], args=lambda m: [m["seance"].pk]),
]


def test_listes_de_la_conference(client, monde_listes_conference):
    _verifier(client, monde_listes_conference, LISTES_CONFERENCE, *MONDES["conference"][1:])


# --------------------------------------------------------------------------- the worlds


# each world: its fixture, the rows added to it, the marks of the other territory's rows
MONDES = {
    "attributions": ("monde_listes_attributions", lambda m: _peupler_attributions(m, 3, "2"), _absents_attributions),
    "demandes": ("monde_listes_demandes", lambda m: _peupler_demandes(m, 3, "2"), _absents_demandes),
    "relogement": ("monde_listes_relogement", lambda m: _peupler_relogement(m, 3, "2"), _absents_relogement),
    "conference": ("monde_listes_conference", lambda m: _peupler_conference(m, 3, "2"), _absents_conference),
}
