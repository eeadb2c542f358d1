"""Demo relocation data: one NPNRU operation on a QPV of Grenoble-Alpes-Métropole, with ~30 households at
every stage (``seed(territory, *, stdout)``, called by ``seed_demo`` through ``settings.DEMO_SEEDERS``).

Everything goes through the services (transition log, objective A link), with fixed dates and the seeder's own
random generator: deterministic. Idempotent: nothing is added when the operation already has households.
Names and addresses are made up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from attributions.models import Logement
from cil.demo import (
    DEMO_PASSWORD,
    INSEE_ECHIROLLES,
    INSEE_GRENOBLE,
    SIREN_ACTIS,
    SIREN_GRENOBLE_HABITAT,
    SIREN_SDH,
    DemoAccount,
)
from cil.models import Membership, Qpv, Reservataire
from core.affichage import pluriel
from core.roles import Role

from . import services
from .models import Batiment, Operation, PropositionRelogement, QuestionEnquete, Questionnaire, TypeOperation
from .models import Relogement as RelogementModel

NOM_OPERATION = "NPNRU Villeneuve – Arlequin"
NOM_QUESTIONNAIRE = "Enquête sociale commune de relogement"
DEBUT = dt.date(2025, 1, 13)

MOBILITE = ["Rester dans le quartier", "Quitter le quartier", "Indifférent"]
QUESTIONS = [
    ("composition", "Composition du ménage et personnes à charge", QuestionEnquete.Type.TEXTE_LONG, [], True),
    ("anciennete", "Ancienneté dans le quartier (années)", QuestionEnquete.Type.NOMBRE, [], False),
    ("emploi", "Situation professionnelle des adultes", QuestionEnquete.Type.TEXTE, [], False),
    ("sante", "Problèmes de santé ou handicap à prendre en compte", QuestionEnquete.Type.TEXTE_LONG, [], False),
    ("dette", "Dette locative", QuestionEnquete.Type.OUI_NON, [], False),
    ("accompagnement", "Accompagnement social en cours", QuestionEnquete.Type.OUI_NON, [], False),
    ("mobilite", "Souhait de mobilité", QuestionEnquete.Type.CHOIX, MOBILITE, True),
    ("ecoles", "Scolarisation des enfants (établissements)", QuestionEnquete.Type.TEXTE, [], False),
    ("attentes", "Attentes et inquiétudes exprimées", QuestionEnquete.Type.TEXTE_LONG, [], False),
]  # fmt: skip

NOMS = [
    "Benali", "Martin", "Nguyen", "Diallo", "Rossi", "Bernard", "Haddad", "Petit", "Traoré", "Moreau", "Garcia",
    "Lefebvre", "Mansouri", "Fontaine", "Keita", "Roux", "Da Silva", "Girard", "Bouzid", "Lambert", "Camara",
    "Faure", "Chérif", "Mercier", "Ndiaye", "Blanc", "Amrani", "Guerin", "Sow", "Perrin",
]  # fmt: skip

# (final stage, how many households) in order; each household goes through the services up to its stage
ETAPES = [
    ("A_ENQUETER", 5),
    ("ENQUETE", 4),
    ("EN_RECHERCHE", 4),
    ("PROPOSITION", 4),
    ("RELOGE_TEMPORAIRE", 2),
    ("RELOGE_DEFINITIF", 8),
    ("SUIVI_FAIT", 2),
    ("SORTI", 1),
]

# Dwellings used for the relocations: (suffix, commune INSEE, landlord SIREN, typology, in the QPV, first let)
LOGEMENTS = [
    ("001", "38169", SIREN_ACTIS, "T3", False, dt.date(2024, 9, 1)),
    ("002", "38421", SIREN_GRENOBLE_HABITAT, "T4", False, dt.date(2023, 6, 1)),
    ("003", INSEE_GRENOBLE, SIREN_SDH, "T2", False, dt.date(1998, 3, 1)),
    ("004", INSEE_ECHIROLLES, SIREN_ACTIS, "T3", False, dt.date(2022, 1, 15)),
    ("005", INSEE_GRENOBLE, SIREN_ACTIS, "T3", True, dt.date(1972, 9, 1)),
    ("006", "38229", SIREN_GRENOBLE_HABITAT, "T5", False, dt.date(2025, 2, 1)),
    ("007", INSEE_GRENOBLE, SIREN_GRENOBLE_HABITAT, "T2", False, dt.date(2005, 5, 1)),
    ("008", "38382", SIREN_SDH, "T4", False, dt.date(2021, 10, 1)),
    ("009", INSEE_ECHIROLLES, SIREN_SDH, "T3", False, dt.date(1985, 1, 1)),
    ("010", INSEE_GRENOBLE, SIREN_ACTIS, "T4", True, dt.date(1973, 1, 1)),
    ("011", "38169", SIREN_ACTIS, "T2", False, dt.date(2024, 3, 1)),
    ("012", "38421", SIREN_GRENOBLE_HABITAT, "T3", False, dt.date(2010, 6, 1)),
    ("013", "38158", SIREN_SDH, "T3", False, dt.date(2024, 11, 1)),
    ("014", INSEE_GRENOBLE, SIREN_ACTIS, "T5", False, dt.date(1990, 1, 1)),
]


def _qpv(territory) -> Qpv:
    qs = Qpv.objects.filter(epci=territory.epci, carte=Qpv.Carte.CARTE_2024).order_by("code")
    return qs.filter(nom__icontains="Villeneuve").first() or qs.first()


def _referent(territory, username: str, first: str, last: str, siren: str):
    User = get_user_model()
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.cil.example.org",
            "is_active": True,
        },
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    bailleur = territory.bailleur(siren)
    Membership.objects.get_or_create(user=user, role=Role.BAILLEUR, epci=territory.epci, bailleur=bailleur)
    if not any(a.username == username for a in territory.accounts):
        territory.accounts.append(
            DemoAccount(username, DEMO_PASSWORD, Role.BAILLEUR, "Référent relogement", f"{bailleur.nom}", user)
        )
    return user


def _questionnaire() -> Questionnaire:
    questionnaire = Questionnaire.objects.filter(nom=NOM_QUESTIONNAIRE).order_by("-version").first()
    if questionnaire is None:
        questionnaire = Questionnaire.objects.create(nom=NOM_QUESTIONNAIRE, version=1, actif=True)
        for ordre, (code, libelle, type_, choix, obligatoire) in enumerate(QUESTIONS, start=1):
            QuestionEnquete.objects.create(
                questionnaire=questionnaire,
                ordre=ordre,
                code=code,
                libelle=libelle,
                type=type_,
                choix=choix,
                obligatoire=obligatoire,
            )
    return questionnaire


def _logements(territory, qpv) -> list[Logement]:
    result = []
    for suffixe, insee, siren, typologie, en_qpv, premiere in LOGEMENTS:
        logement, _ = Logement.objects.update_or_create(
            identifiant=f"DEMO-RELOG-{suffixe}",
            defaults={
                "bailleur": territory.bailleur(siren),
                "commune": territory.communes[insee],
                "epci": territory.epci,
                "qpv": qpv if en_qpv else None,
                "carte_2024_connue": True,
                "typologie": typologie,
                "adresse": f"{int(suffixe) * 3} rue de la Démonstration",
                "date_premiere_location": premiere,
                "date_conventionnement": premiere,
                "loyer": Decimal(300 + 60 * int(typologie[1])),
                "financement": "PLUS",
            },
        )
        result.append(logement)
    return result


def _operation(territory, qpv) -> Operation:
    operation, _ = Operation.objects.update_or_create(
        epci=territory.epci,
        nom=NOM_OPERATION,
        defaults={
            "type": TypeOperation.NPNRU,
            "qpv": qpv,
            "commune": territory.communes[INSEE_GRENOBLE],
            "description": "Démolition de trois montées de l'Arlequin (convention ANRU de démonstration).",
            "date_lancement": dt.date(2024, 10, 1),
            "date_fin_relogements": dt.date(2027, 6, 30),
            "date_demolition": dt.date(2027, 10, 1),
            "tolerance_rac": Decimal("0.05"),
        },
    )
    operation.bailleurs.set([territory.bailleur(s) for s in (SIREN_ACTIS, SIREN_GRENOBLE_HABITAT, SIREN_SDH)])
    operation.reservataires.set(
        [
            territory.reservataire(Reservataire.Type.ETAT),
            territory.reservataire(Reservataire.Type.ACTION_LOGEMENT),
            territory.reservataire(Reservataire.Type.COMMUNE, INSEE_GRENOBLE),
        ]
    )
    for nom, n in (("Arlequin 50", 60), ("Arlequin 60", 48), ("Arlequin 70", 72)):
        Batiment.objects.update_or_create(
            operation=operation,
            nom=nom,
            defaults={"adresse": f"{nom[-2:]} galerie de l'Arlequin, 38100 Grenoble", "nb_logements": n,
                      "bailleur": territory.bailleur(SIREN_ACTIS), "date_liberation": dt.date(2027, 3, 31)},
        )  # fmt: skip
    return operation


def _reponses(rng) -> dict:
    return {
        "composition": f"{rng.randint(1, 3)} adulte(s), {rng.randint(0, 4)} enfant(s)",
        "anciennete": str(rng.randint(2, 35)),
        "emploi": rng.choice(["Salarié en CDI", "Intérim", "Retraité", "Sans activité", "Demandeur d'emploi"]),
        "dette": rng.random() < 0.2,
        "accompagnement": rng.random() < 0.3,
        "mobilite": rng.choice(["Rester dans le quartier", "Quitter le quartier", "Indifférent"]),
        "attentes": "Rester proche des écoles et des transports.",
    }


def _commission(territory, operation, epci_user) -> None:
    """Two referrals to the commission for specific cases, one examined at a held session."""
    bloques = list(operation.menages.filter(statut__in=["EN_RECHERCHE", "PROPOSITION"]).order_by("reference")[:2])
    if len(bloques) < 2 or epci_user is None:
        return
    seance = services.creer_seance(
        epci=territory.epci,
        acteur=epci_user,
        date=dt.date(2025, 9, 18),
        lieu="Forum de la Métropole",
        ordre_du_jour="Situations bloquées du relogement de l'Arlequin.",
    )
    premiere = services.saisir_commission(
        epci=territory.epci,
        acteur=bloques[0].referent,
        organisation=f"{bloques[0].referent.memberships.first().organisation}",
        motif="GRANDE_FAMILLE",
        expose="Famille de sept personnes : aucun T6 disponible chez les partenaires depuis six mois.",
        menage=bloques[0],
        date_saisine=dt.date(2025, 9, 1),
    )
    services.inscrire(premiere, seance=seance, acteur=epci_user)
    services.enregistrer_diagnostic(
        premiere,
        acteur=bloques[0].referent,
        date=dt.date(2025, 9, 10),
        contenu="Ménage stable, forte attache aux écoles du quartier ; besoin d'un grand logement.",
        preconisations="Mobiliser le contingent de l'État et étudier deux logements contigus.",
    )
    services.decider(
        premiere,
        acteur=epci_user,
        seance=seance,
        type="PROPOSITION",
        texte="Recherche prioritaire d'un T6 ou de deux logements contigus chez tous les bailleurs partenaires.",
        responsable_suivi="Actis",
        echeance=dt.date(2025, 12, 31),
    )
    services.tenir_seance(
        seance,
        acteur=epci_user,
        membres_presents="Métropole (présidence), Actis, Grenoble Habitat, SDH, Ville de Grenoble, État (DDETS)",
        compte_rendu="Un dossier examiné ; décision de recherche prioritaire, point d'étape à la prochaine séance.",
    )
    services.saisir_commission(
        epci=territory.epci,
        acteur=bloques[1].referent,
        organisation=f"{bloques[1].referent.memberships.first().organisation}",
        motif="REFUS_REPETES",
        expose="Deux refus pour motif de localisation ; le ménage souhaite rester à proximité de son emploi.",
        menage=bloques[1],
        date_saisine=dt.date(2025, 10, 6),
    )


def _situations_bloquees(territory, epci_user) -> None:
    """Blocked priority households past the abnormally long delay (listed by the demands' demo): two recognised
    DALO, one flagged by the reception desk and decided by the commission, one flagged by a landlord."""
    from demandes.models import Demande
    from demandes.services import enregistrer_dalo

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["agent", "bailleur"])}
    if epci_user is None or len(users) < 2:
        return
    prioritaires = list(
        Demande.objects.filter(epci=territory.epci, delai_depasse__isnull=False, priorites__fin_le__isnull=True)
        .exclude(relogements__isnull=False)
        .distinct()
        .order_by("delai_depasse__echeance", "pk")[:4]
    )
    if len(prioritaires) < 2:
        return
    today = timezone.localdate()
    for demande in prioritaires[:2]:
        enregistrer_dalo(
            demande,
            date_decision=demande.delai_depasse.echeance + dt.timedelta(days=45),
            commission="Commission de médiation de l'Isère",
            acteur=users["agent"],
        )
    seance = services.creer_seance(
        epci=territory.epci,
        acteur=epci_user,
        date=today - dt.timedelta(days=7),
        lieu="Forum de la Métropole",
        ordre_du_jour="Demandes prioritaires en délai anormalement long signalées par les guichets et les bailleurs.",
    )
    premiere = services.saisir_commission(
        epci=territory.epci,
        acteur=users["agent"],
        organisation=territory.guichets[0].nom,
        motif="BLOCAGE",
        expose="Ménage reconnu DALO, sans proposition depuis l'échéance du délai : la typologie demandée est rare "
        "sur les communes souhaitées.",
        demande=prioritaires[0],
        date_saisine=today - dt.timedelta(days=30),
    )
    services.inscrire(premiere, seance=seance, acteur=epci_user)
    services.enregistrer_diagnostic(
        premiere,
        acteur=epci_user,
        date=today - dt.timedelta(days=14),
        contenu="Ménage stable, ressources régulières ; aucune dette locative. Besoin d'un logement proche des écoles.",
        preconisations="Élargir les communes souhaitées avec le ménage ; mobiliser le contingent de l'État.",
    )
    services.decider(
        premiere,
        acteur=epci_user,
        seance=seance,
        type="PROPOSITION",
        texte="Recherche prioritaire chez tous les bailleurs ; proposition attendue sous trois mois.",
        responsable_suivi="Actis",
        echeance=today + dt.timedelta(days=90),
    )
    services.saisir_commission(
        epci=territory.epci,
        acteur=users["bailleur"],
        organisation=f"{users['bailleur'].memberships.first().organisation}",
        motif="REFUS_REPETES",
        expose="Deux propositions refusées pour l'étage ; le ménage demande un rez-de-chaussée.",
        demande=prioritaires[1],
        date_saisine=today - dt.timedelta(days=3),
    )


@transaction.atomic
def seed(territory, *, stdout=None) -> int:
    """Create the demo operation and its households; returns how many households were created."""
    qpv = _qpv(territory)
    operation = _operation(territory, qpv)
    # the referents' accounts are brought back (and listed) on every run, the households only once
    referents = [
        _referent(territory, "referent", "Nadia", "Benhamou", SIREN_ACTIS),
        _referent(territory, "referent2", "Thomas", "Vidal", SIREN_GRENOBLE_HABITAT),
    ]
    if operation.menages.exists():
        if stdout is not None:
            n = operation.menages.count()
            stdout.write(f"Relogement : l'opération « {operation.nom} » existe déjà ({n} ménage{pluriel(n)}).")
        return 0
    rng = territory.random("relogement")
    questionnaire = _questionnaire()
    logements = _logements(territory, qpv)
    epci_user = get_user_model().objects.filter(username="epci").first()
    batiments = list(operation.batiments.order_by("nom"))
    stages = [stage for stage, n in ETAPES for _ in range(n)]
    libres = list(logements)
    # households that have a social-housing demand (when the demands' demo ran first): one in three
    from demandes.models import Demande

    demandes = list(Demande.objects.filter(epci=territory.epci, statut="ACTIVE").order_by("numero_unique")[:10])
    annees = set()
    for index, stage in enumerate(stages):
        referent = referents[index % 2]
        nb_adultes = rng.randint(1, 3)
        enfants = rng.choice([0, 0, 1, 2, 3, 4])
        ressources = Decimal(rng.randrange(700, 3600, 10))
        loyer = Decimal(rng.randrange(280, 520, 5))
        menage = services.creer_menage(
            operation=operation,
            acteur=epci_user,
            referent=referent,
            reference=f"ARL-{index + 1:03d}",
            nom=f"Ménage {NOMS[index]}",
            batiment=batiments[index % len(batiments)],
            adresse_actuelle=f"{batiments[index % len(batiments)].nom}, étage {rng.randint(0, 14)}",
            typologie_actuelle=rng.choice(["T2", "T3", "T4", "T5"]),
            nb_personnes_14_plus=nb_adultes,
            nb_enfants_moins_14=enfants,
            ressources_mensuelles=ressources,
            loyer_avant=loyer,
            charges_avant=Decimal(rng.randrange(60, 160, 5)),
            apl_avant=Decimal(rng.randrange(0, 260, 5)) if ressources < 2000 else Decimal(0),
        )
        if index % 3 == 0 and demandes:
            services.lier_demande(menage, demande=demandes.pop(0), acteur=epci_user)
        if stage == "A_ENQUETER":
            continue
        jour = DEBUT + dt.timedelta(days=7 * index)
        services.enregistrer_enquete(
            menage, reponses=_reponses(rng), date_enquete=jour, acteur=referent, questionnaire=questionnaire
        )
        if stage == "ENQUETE":
            continue
        if stage == "SORTI":
            services.sortir(menage, acteur=referent, motif="Achat d'un logement dans le parc privé")
            continue
        services.enregistrer_souhaits(
            menage,
            acteur=referent,
            communes=[territory.communes[INSEE_GRENOBLE], territory.communes[INSEE_ECHIROLLES]],
            typologie=menage.typologie_actuelle,
            hors_qpv=rng.random() < 0.5,
        )
        if stage == "EN_RECHERCHE":
            continue
        # a first offer, refused one time in two
        premier = logements[index % len(logements)]
        p1 = services.proposer(menage, acteur=referent, date_proposition=jour + dt.timedelta(days=30), logement=premier)
        if stage == "PROPOSITION":
            continue
        if index % 2 == 0:
            services.repondre(
                p1,
                acteur=referent,
                resultat=PropositionRelogement.Resultat.REFUSEE,
                date_reponse=jour + dt.timedelta(days=40),
                motif_refus=rng.choice(PropositionRelogement.MotifRefus.values),
            )
        cible = libres.pop(0) if libres else premier
        p2 = services.proposer(menage, acteur=referent, date_proposition=jour + dt.timedelta(days=60), logement=cible)
        date_bail = jour + dt.timedelta(days=90)
        apl = Decimal(rng.randrange(0, 240, 5)) if ressources < 2000 else Decimal(0)
        if stage == "RELOGE_TEMPORAIRE":
            services.enregistrer_relogement(
                menage,
                acteur=referent,
                type=RelogementModel.Type.TEMPORAIRE,
                proposition=p2,
                date_bail=date_bail,
                loyer=Decimal(cible.loyer),
                charges=Decimal(110),
                apl=apl,
                recalculer=False,
            )
            continue
        services.enregistrer_relogement(
            menage,
            acteur=referent,
            type=RelogementModel.Type.DEFINITIF,
            proposition=p2,
            date_bail=date_bail,
            date_emmenagement=date_bail + dt.timedelta(days=10),
            loyer=Decimal(cible.loyer),
            charges=Decimal(rng.randrange(80, 170, 5)),
            apl=apl,
            recalculer=False,
        )
        annees.add(date_bail.year)
        if stage == "SUIVI_FAIT":
            services.enregistrer_suivi(
                menage,
                acteur=referent,
                date_realisation=date_bail + dt.timedelta(days=200),
                satisfaction="SATISFAIT",
                commentaire="Ménage bien installé, enfants scolarisés à proximité.",
            )
    _commission(territory, operation, epci_user)
    _situations_bloquees(territory, epci_user)
    services.recalculer_objectifs(territory.epci.pk, annees, None)
    if stdout is not None:
        stdout.write(f"Relogement : opération « {operation.nom} », {len(stages)} ménage{pluriel(len(stages))}.")
    return len(stages)
