"""Demo policy documents of the demonstration territory (``seed_demo``): a CIA adopted in December 2020 and in
force, with three orientations, their strategic objectives and twelve numbered actions (milestones, statuses,
indicators measured live), a PPGDID in force, and local targets set by the CIA (42,5 % of priority households
for one landlord, beside the legal 25 %).

The wording follows the kind of text CIL adopt; the documents, dates and figures are made up for the demo.
Deterministic and idempotent: when the CIA already exists, nothing is done.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cil.models import CibleLocale, Objectif, Reservataire

from . import indicateurs, rules, services
from .models import DocumentPolitique

D = dt.date
TITRE_CIA = "Convention intercommunale d'attribution de Grenoble-Alpes-Métropole"
TITRE_PPGDID = "Plan partenarial de gestion de la demande et d'information des demandeurs 2019-2025"

# (number, title, [(number, title, [action, ...]), ...]); an action is
# (title, pilot, partners, status, progress, [(milestone, due, done or None)], [(label, kind, scope, target)])
CIA = [
    (
        1,
        "Favoriser la mixité sociale et l'équilibre territorial des attributions",
        [
            (
                1,
                "Atteindre les objectifs d'attribution hors QPV et en QPV",
                [
                    ("Suivre chaque année les attributions hors QPV au premier quartile", "Métropole",
                     "Bailleurs, réservataires", "EN_COURS", "Tableau de bord partagé en commission de coordination.",
                     [("Tableau de bord partagé", D(2021, 6, 30), D(2021, 6, 15)),
                      ("Bilan annuel présenté en CIL", D(2022, 3, 31), D(2022, 3, 24))],
                     [("Part des attributions hors QPV au 1er quartile", "OBJECTIF_A", None, "27")]),
                    ("Réserver les attributions en QPV aux ménages des quartiles 2 à 4", "Bailleurs",
                     "Métropole, communes", "EN_COURS", "",
                     [("Charte de peuplement des QPV", D(2022, 6, 30), D(2022, 9, 12))],
                     [("Part des attributions en QPV aux quartiles 2 à 4", "OBJECTIF_B", None, "50")]),
                    ("Mobiliser les logements à bas loyer hors QPV", "Bailleurs", "Métropole, État", "EN_COURS",
                     "Inventaire du parc à bas loyer réalisé ; fléchage en cours.",
                     [("Inventaire du parc à bas loyer", D(2021, 12, 31), D(2022, 2, 1)),
                      ("Fléchage vers les ménages du 1er quartile", D(2023, 12, 31), None)],
                     []),
                ],
            ),
            (
                2,
                "Accompagner le relogement des ménages du renouvellement urbain",
                [
                    ("Charte intercommunale de relogement NPNRU", "Métropole", "Bailleurs, ANRU, État", "REALISEE",
                     "Charte signée le 1er juillet 2021.",
                     [("Signature de la charte", D(2021, 7, 1), D(2021, 7, 1))],
                     []),
                ],
            ),
        ],
    ),
    (
        2,
        "Garantir l'accès au logement des publics prioritaires",
        [
            (
                1,
                "Consacrer au moins 25 % des attributions de chaque réservataire aux ménages prioritaires",
                [
                    ("Labelliser les ménages prioritaires selon des critères communs", "État (DDETS)",
                     "Métropole, SIAO, bailleurs", "REALISEE", "Grille commune en service depuis 2021.",
                     [("Grille commune de priorités", D(2021, 9, 30), D(2021, 9, 20))],
                     [("Part des attributions aux ménages DALO ou prioritaires", "OBJECTIF_C", None, "25")]),
                    ("Atteindre 42,5 % d'attributions aux ménages prioritaires dans le parc d'Actis", "Actis",
                     "État, Métropole", "EN_COURS", "Commission de coordination trimestrielle.",
                     [("Plan d'action du bailleur", D(2022, 6, 30), D(2022, 6, 28))],
                     [("Part des attributions d'Actis aux ménages prioritaires", "OBJECTIF_C", "actis", "42.5")]),
                ],
            ),
            (
                2,
                "Réduire les délais d'attente des ménages en difficulté",
                [
                    ("Examiner en commission les demandes en délai anormalement long", "Métropole",
                     "Bailleurs, réservataires", "EN_COURS", "",
                     [("Liste trimestrielle des demandes en délai anormal", D(2022, 3, 31), D(2022, 4, 11))],
                     [("Délai médian d'attente à Grenoble (mois)", "DELAI_MEDIAN", "grenoble", "24")]),
                ],
            ),
        ],
    ),
    (
        3,
        "Organiser la gestion partagée de la demande et la cotation",
        [
            (
                1,
                "Rendre les attributions plus lisibles pour les demandeurs",
                [
                    ("Cotation avant le 1er septembre 2021 ; conventions de gestion en flux avant le 24 novembre 2021",
                     "Métropole", "Bailleurs, réservataires", "EN_COURS",
                     "Cotation en service ; deux conventions de réservation en flux restent à signer.",
                     [("Grille de cotation adoptée", D(2021, 9, 1), D(2021, 8, 30)),
                      ("Conventions de réservation en flux signées", D(2021, 11, 24), None)],
                     []),
                    ("Publier les délais d'attente par commune et typologie", "Métropole", "Bailleurs",
                     "REALISEE", "Pages publiques en ligne.",
                     [("Mise en ligne", D(2022, 1, 31), D(2022, 1, 20))],
                     []),
                    ("Mettre en place la commission de coordination de la CIA", "Métropole", "Membres de la CIA",
                     "REALISEE", "",
                     [("Première séance", D(2021, 10, 15), D(2021, 10, 14))],
                     []),
                ],
            ),
            (
                2,
                "Favoriser les parcours résidentiels dans le parc social",
                [
                    ("Bourse d'échange de logements entre locataires", "Bailleurs", "Métropole", "REPORTEE",
                     "Reportée dans l'attente d'un outil commun.",
                     [("Ouverture de la bourse d'échange", D(2023, 6, 30), None)],
                     [("Part des mutations dans les attributions", "MUTATIONS", None, "30")]),
                    ("Critères communs de priorité pour les mutations", "Bailleurs", "Métropole", "A_ENGAGER", "",
                     [("Critères adoptés", D(2027, 6, 30), None)],
                     []),
                ],
            ),
        ],
    ),
]  # fmt: skip

PPGDID = [
    (
        1,
        "Accueillir et informer tous les demandeurs",
        [
            (
                1,
                "Un service d'information et d'accueil dans chaque secteur",
                [
                    ("Labelliser les guichets d'accueil (niveaux 1 à 3)", "Métropole", "Communes, bailleurs",
                     "REALISEE", "", [("Charte du réseau d'accueil", D(2020, 6, 30), D(2020, 6, 18))], []),
                    ("Recevoir tout demandeur qui le souhaite dans un délai d'un mois", "Guichets enregistreurs",
                     "Métropole", "EN_COURS", "",
                     [("Suivi du délai de rendez-vous", D(2021, 12, 31), D(2022, 1, 15))],
                     [("Rendez-vous tenus dans le mois (relevé du réseau)", "SAISIE", None, "90")]),
                ],
            ),
        ],
    ),
]  # fmt: skip


def _contenu(version, plan, *, acteur, territoire) -> None:
    portees = {"actis": {"bailleur": territoire.bailleurs[0]}, "grenoble": {"commune": territoire.communes["38185"]}}
    for num_o, titre_o, objectifs in plan:
        orientation = services.ajouter_orientation(version, acteur=acteur, numero=num_o, intitule=titre_o)
        for num_obj, titre_obj, actions in objectifs:
            objectif = services.ajouter_objectif(orientation, acteur=acteur, numero=num_obj, intitule=titre_obj)
            for titre, pilote, partenaires, _statut, _avancement, jalons, mesures in actions:
                action = services.ajouter_action(
                    objectif, acteur=acteur, intitule=titre, pilote=pilote, partenaires=partenaires
                )
                for libelle, echeance, _fait in jalons:
                    services.ajouter_jalon(action, acteur=acteur, libelle=libelle, echeance=echeance)
                for libelle, nature, portee, cible in mesures:
                    unite = indicateurs.NATURES[nature].unite
                    valeur = Decimal(cible) / 100 if unite == "taux" else Decimal(cible)
                    services.ajouter_indicateur(action, acteur=acteur, libelle=libelle, nature=nature,
                                                valeur_cible=valeur, **portees.get(portee, {}))  # fmt: skip


def _suivi(version, plan, *, acteur, aujourd_hui) -> None:
    actions = iter(version.actions.order_by("numero"))
    for _num_o, _titre_o, objectifs in plan:
        for _num_obj, _titre_obj, lignes in objectifs:
            for _titre, _pilote, _partenaires, statut, avancement, jalons, mesures in lignes:
                action = next(actions)
                services.enregistrer_avancement(action, acteur=acteur, statut=statut, commentaire=avancement)
                for jalon, (_libelle, _echeance, fait) in zip(action.jalons.order_by("echeance", "pk"), jalons,
                                                               strict=True):  # fmt: skip
                    if fait is not None:
                        services.marquer_jalon(jalon, acteur=acteur, date_realisation=fait, aujourd_hui=aujourd_hui)
                for indicateur, (_l, nature, _p, _c) in zip(action.indicateurs.order_by("pk"), mesures, strict=True):
                    if nature == indicateurs.SAISIE:
                        services.saisir_valeur(indicateur, acteur=acteur, valeur=Decimal("87"), date=D(2025, 12, 31),
                                               source="Relevé du réseau d'accueil 2025")  # fmt: skip


def _adopter(version, *, acteur, adoption, deliberation, approbation, vigueur, aujourd_hui):
    T = rules.Transition
    services.changer_statut(version, acteur=acteur, action=T.SOUMETTRE, date=adoption - dt.timedelta(days=21))
    services.changer_statut(version, acteur=acteur, action=T.ADOPTER, date=adoption,
                            deliberation_reference=deliberation, aujourd_hui=aujourd_hui)  # fmt: skip
    if approbation is not None:
        services.changer_statut(version, acteur=acteur, action=T.APPROUVER, date=approbation, aujourd_hui=aujourd_hui)
    services.changer_statut(version, acteur=acteur, action=T.METTRE_EN_VIGUEUR, date=vigueur, aujourd_hui=aujourd_hui)
    services.publier(version, acteur=acteur)


def seed(territory, *, stdout=None):
    epci = territory.epci
    if DocumentPolitique.objects.filter(epci=epci, titre=TITRE_CIA).exists():
        return  # idempotent: the demo keeps the documents it created the first time
    acteur = territory.account("epci").user
    aujourd_hui = D(2026, 11, 30)  # fixed, for determinism (the demo's data end in 2026)

    cia = services.creer_document(
        epci=epci,
        acteur=acteur,
        type=rules.TypeDocument.CIA_DOCUMENT_CADRE,
        titre=TITRE_CIA,
        description="Convention valant document-cadre d'orientations en matière d'attributions, signée par la "
        "Métropole, l'État, les bailleurs sociaux et les réservataires.",
    )
    version = cia.versions.get()
    services.modifier_version(version, acteur=acteur, intitule="Convention initiale", date_echeance=D(2026, 12, 31),
                              date_signature=D(2021, 2, 10),
                              resume="Orientations d'attribution, engagements des bailleurs et des réservataires, "
                                     "modalités de relogement et de coopération.")  # fmt: skip
    _contenu(version, CIA, acteur=acteur, territoire=territory)
    deliberation = "Délibération de la conférence n° 2020-12-01"
    _adopter(version, acteur=acteur, adoption=D(2020, 12, 1), deliberation=deliberation,
             approbation=D(2021, 2, 22), vigueur=D(2021, 3, 1), aujourd_hui=aujourd_hui)  # fmt: skip
    _suivi(version, CIA, acteur=acteur, aujourd_hui=aujourd_hui)

    actis = territory.bailleurs[0]
    source = {"version": version, "date_debut": D(2021, 3, 1)}
    services.creer_cible(epci=epci, acteur=acteur, objectif=Objectif.PRIORITAIRES, taux=Decimal("0.425"),
                         bailleur=actis, article="Article 5.2 : engagements d'Actis", **source)  # fmt: skip
    services.creer_cible(epci=epci, acteur=acteur, objectif=Objectif.HORS_QPV, taux=Decimal("0.27"),
                         article="Article 3.1 : objectif hors QPV porté à 27 %", **source)  # fmt: skip
    ville = territory.reservataire(Reservataire.Type.COMMUNE, "38185")
    services.creer_cible(epci=epci, acteur=acteur, objectif=Objectif.PRIORITAIRES, taux=Decimal("0.30"),
                         reservataire=ville, article="Article 5.3 : engagements des communes", **source)  # fmt: skip
    services.creer_cible(epci=epci, acteur=acteur, objectif=Objectif.MUTATIONS, taux=Decimal("0.30"),
                         article="Article 6 : parcours résidentiels", **source)  # fmt: skip

    ppgdid = services.creer_document(epci=epci, acteur=acteur, type=rules.TypeDocument.PPGDID, titre=TITRE_PPGDID)
    version_p = ppgdid.versions.get()
    services.modifier_version(version_p, acteur=acteur, intitule="Plan initial", date_echeance=D(2025, 12, 31))
    _contenu(version_p, PPGDID, acteur=acteur, territoire=territory)
    _adopter(version_p, acteur=acteur, adoption=D(2019, 11, 28), deliberation="Délibération du conseil n° 2019-11-28",
             approbation=None, vigueur=D(2020, 1, 1), aujourd_hui=aujourd_hui)  # fmt: skip
    _suivi(version_p, PPGDID, acteur=acteur, aujourd_hui=aujourd_hui)
    if stdout is not None:
        nb = CibleLocale.objects.filter(epci=epci).count()
        stdout.write(f"Documents de la CIL : CIA en vigueur ({version.actions.count()} actions), PPGDID, {nb} cibles "
                     "locales.\n")  # fmt: skip
