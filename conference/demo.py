"""Demo conference on the demo territory (``seed(territory, *, stdout)``, called by ``seed_demo`` through
``settings.DEMO_SEEDERS``): the plenary in its three colleges with the State (49 titulars in office, co-chaired by
the préfet and the EPCI president) and a few substitutes, the coordination commission, the commission for specific
cases and a working group; two past plenary meetings (1 December 2020: the CIA validated and an opinion on the
PPGDID, "en exercice 49, présents 36, pouvoirs 7, votants 43 : pour 43, contre 0, abstention 0"; June 2026: the
2025 balance sheet) and one upcoming meeting, convened with its agenda and a document.

Everything goes through the services (journal, numbering, checks); the past convocations are recorded with an
in-memory e-mail backend, so the demo sends nothing. People are made up; organisations are those of the demo
territory (cil.demo) and national associations named by their function. Idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from cil.models import Reservataire

from . import pdf, services
from .models import College, Instance, PointOrdreDuJour, Seance

NOM_PLENIERE = "Conférence intercommunale du logement"
DEBUT_MANDATS = dt.date(2020, 9, 15)  # after the 2020 municipal elections
SEANCE_CIA = dt.date(2020, 12, 1)
SEANCE_BILAN = dt.date(2026, 6, 23)
ANNEE_BILAN = 2025  # the demo's last full year (attributions.demo, observatoire.demo)
LIEU = "Hôtel de la Métropole, salle du conseil, Grenoble"
SOURCE_REGLE = (
    "Règlement intérieur de la conférence adopté en séance du 15 septembre 2020 (démonstration) : art. 6, quorum de "
    "plus de la moitié des membres en exercice présents, seconde convocation sans condition de quorum ; art. 7, un "
    "pouvoir au plus par membre ; art. 8, majorité des suffrages exprimés, sans voix prépondérante."
)

PRENOMS = [
    "Anne", "Bruno", "Camille", "Denis", "Élise", "Fabrice", "Gaëlle", "Hervé", "Isabelle", "Jérôme", "Karima",
    "Laurent", "Maud", "Nicolas", "Odile", "Pascal", "Rachida", "Sébastien", "Thérèse", "Ugo", "Valérie", "Yann",
    "Zoé", "Alain", "Béatrice", "Cédric", "Delphine", "Étienne", "Fanny", "Gilles",
]  # fmt: skip
NOMS = [
    "Arnaud", "Bonnet", "Chevalier", "Dumas", "Esnault", "Fabre", "Gauthier", "Hamel", "Imbert", "Jacquet",
    "Klein", "Leroy", "Marchand", "Noël", "Olivier", "Paris", "Quintin", "Renaud", "Savoie", "Thibault",
    "Vidal", "Weber", "Yilmaz", "Zeller", "Aubert", "Brun", "Collin", "Dupré", "Étienne", "Ferrand",
]  # fmt: skip

PROFESSIONNELS_AUTRES = [
    ("Direction territoriale", "Association régionale des organismes HLM (AURA HLM)"),
    ("Direction", "Un Toit Pour Tous – Développement (organisme agréé, L. 365-2 CCH)"),
    ("Direction", "Agence immobilière à vocation sociale de l'Isère (organisme agréé)"),
    ("Coordination", "Service intégré d'accueil et d'orientation (SIAO) de l'Isère"),
]
USAGERS = [
    ("Présidence départementale", "Confédération nationale du logement (CNL)"),
    ("Présidence départementale", "Consommation, logement et cadre de vie (CLCV)"),
    ("Représentation", "Confédération syndicale des familles (CSF)"),
    ("Représentation", "Association Force ouvrière consommateurs (AFOC)"),
    ("Délégation régionale", "Fondation pour le logement des défavorisés"),
    ("Bénévole", "Secours catholique – Caritas France"),
    ("Direction", "Association d'insertion par le logement (démonstration)"),
    ("Présidence", "Droit au logement Isère"),
    ("Représentation", "Conseil régional des personnes accueillies ou accompagnées (CRPA)"),
    ("Direction", "Fédération des acteurs de la solidarité Auvergne-Rhône-Alpes"),
    ("Représentation", "APF France handicap, délégation de l'Isère"),
    ("Représentation", "Union départementale des associations familiales (UDAF)"),
]
# the co-chairs, made up
PREFETE = "Hélène Marchal"
PRESIDENT = "Bruno Lacombe"
NB_MAIRES = 22


def _personnes(territory):
    """An endless, deterministic supply of made-up names."""
    rng = territory.random("conference")
    vus = set()
    while True:
        nom = f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}"
        if nom not in vus:
            vus.add(nom)
            yield nom


def _composition(territory) -> list[dict]:
    """The 49 titulars of the plenary: 2 for the State, 25 local authorities, 10 professionals, 12 users and
    associations."""
    epci = territory.epci
    communes = sorted(territory.communes.values(), key=lambda c: (-(c.population or 0), c.code_insee))[:NB_MAIRES]
    lignes = [
        {"nom": PREFETE, "college": College.ETAT, "qualite": "Préfète de l'Isère", "organisation": "État",
         "copresidence": "PREFET"},
        {"college": College.ETAT, "qualite": "Direction départementale de l'emploi, du travail et des solidarités",
         "organisation": "DDETS de l'Isère"},
        {"nom": PRESIDENT, "college": College.COLLECTIVITES, "qualite": f"Président de {epci.nom}",
         "copresidence": "PRESIDENT_EPCI"},
        {"college": College.COLLECTIVITES, "qualite": "Vice-présidence chargée de l'habitat et du logement",
         "organisation": epci.nom},
    ]  # fmt: skip
    lignes += [{"college": College.COLLECTIVITES, "qualite": f"Maire de {commune.nom}"} for commune in communes]
    lignes.append(
        {
            "college": College.COLLECTIVITES,
            "qualite": "Vice-présidence chargée du logement",
            "reservataire": "DEPARTEMENT",
        }
    )
    lignes += [
        {"college": College.PROFESSIONNELS, "qualite": "Direction générale", "bailleur": b} for b in territory.bailleurs
    ]
    lignes.append({"college": College.PROFESSIONNELS, "qualite": "Direction régionale", "reservataire": "AL"})
    lignes += [{"college": College.PROFESSIONNELS, "qualite": q, "organisation": o} for q, o in PROFESSIONNELS_AUTRES]
    lignes += [{"college": College.USAGERS, "qualite": q, "organisation": o} for q, o in USAGERS]
    return lignes


def _pleniere(territory, staff) -> Instance:
    epci = territory.epci
    existante = Instance.objects.filter(epci=epci, type=Instance.Type.PLENIERE).first()
    if existante is not None:
        return existante
    pleniere = services.creer_instance(
        epci=epci,
        type=Instance.Type.PLENIERE,
        nom=NOM_PLENIERE,
        description="Coprésidée par la préfète et le président de la métropole ; trois collèges (L. 441-1-5 CCH).",
        acteur=staff,
        date_regle=DEBUT_MANDATS,
        source_regle=SOURCE_REGLE,
    )
    organisations = {
        "DEPARTEMENT": territory.reservataire(Reservataire.Type.DEPARTEMENT, "38"),
        "AL": territory.reservataire(Reservataire.Type.ACTION_LOGEMENT, ""),
    }
    noms = _personnes(territory)
    titulaires = []
    for rang, ligne in enumerate(_composition(territory)):
        ligne = dict(ligne)
        if "reservataire" in ligne:
            ligne["reservataire"] = organisations[ligne["reservataire"]]
        nom = ligne.pop("nom", None) or next(noms)
        titulaires.append(
            services.designer_membre(
                pleniere,
                acteur=staff,
                nom=nom,
                debut_mandat=DEBUT_MANDATS,
                email=f"membre{rang + 1:02d}@demo.cil.example.org",
                **ligne,
            )
        )
    # the demo's CIL member account sits for the tenants' union CNL (it replaces the first user of college 3)
    membre = territory.account("membre").user
    cnl = next(t for t in titulaires if t.organisation.startswith("Confédération nationale du logement"))
    services.mettre_fin_au_mandat(cnl, acteur=staff, fin_mandat=dt.date(2023, 3, 31))
    services.designer_membre(
        pleniere,
        acteur=staff,
        nom=f"{membre.first_name} {membre.last_name}",
        college=College.USAGERS,
        qualite="Présidence départementale",
        organisation=cnl.organisation,
        debut_mandat=dt.date(2023, 4, 1),
        email=membre.email,
    )
    # substitutes for a few seats
    for titulaire in titulaires[3:13:2] + titulaires[30:36:2]:
        services.designer_membre(
            pleniere,
            acteur=staff,
            nom=next(noms),
            college=titulaire.college,
            titulaire=False,
            suppleant_de=titulaire,
            qualite="Suppléant(e)",
            organisation=titulaire.organisation,
            bailleur=titulaire.bailleur,
            reservataire=titulaire.reservataire,
            debut_mandat=DEBUT_MANDATS,
            email=f"suppleant{titulaire.pk}@demo.cil.example.org",
        )
    return pleniere


def _autres_instances(territory, staff, pleniere) -> None:
    epci = territory.epci
    titulaires = list(pleniere.membres.titulaires().en_exercice(timezone.localdate()).order_by("pk"))
    for type_, nom, description, choisis in [
        (Instance.Type.COORDINATION, "Commission de coordination de la CIA",
         "Examine les dossiers des ménages relevant des engagements de la CIA.", titulaires[2:4] + titulaires[26:32]),
        (Instance.Type.CAS_SPECIFIQUES, "Commission des cas spécifiques ou bloqués",
         "Situations complexes ou bloquées signalées par les guichets, bailleurs et réservataires.",
         titulaires[3:4] + titulaires[26:29] + titulaires[38:40]),
        (Instance.Type.GROUPE_TRAVAIL, "Groupe de travail « cotation et information des demandeurs »",
         "Prépare la révision de la grille de cotation et du PPGDID.", titulaires[3:5] + titulaires[27:29]),
    ]:  # fmt: skip
        if Instance.objects.filter(epci=epci, nom=nom).exists():
            continue
        instance = services.creer_instance(
            epci=epci,
            type=type_,
            nom=nom,
            description=description,
            acteur=staff,
            date_regle=DEBUT_MANDATS,
            source_regle=SOURCE_REGLE,
        )
        for t in choisis:
            services.designer_membre(
                instance,
                acteur=staff,
                nom=t.nom,
                qualite=t.qualite,
                organisation=t.organisation,
                bailleur=t.bailleur,
                reservataire=t.reservataire,
                debut_mandat=dt.date(2021, 1, 15),
                email=t.email,
            )


def _tenir(seance, staff, *, presents: int, pouvoirs: int, votes: list[tuple[int, int, int]], compte_rendu: str):
    """Convene (in memory), record the attendance (the first ``presents`` titulars present, the next ``pouvoirs``
    represented by the first ones, the others excused), record the votes and close the meeting."""
    services.convoquer(seance, acteur=staff, connexion=get_connection("django.core.mail.backends.locmem.EmailBackend"))
    # history: the convocation went out two weeks before the meeting (the journal keeps when the demo recorded it)
    envoi = dt.datetime.combine(seance.date - dt.timedelta(days=14), dt.time(9), tzinfo=timezone.get_current_timezone())
    Seance.objects.filter(pk=seance.pk).update(convoquee_le=envoi)
    titulaires = list(seance.instance.membres.titulaires().en_exercice(seance.date).order_by("pk"))
    saisie = {}
    for i, membre in enumerate(titulaires):
        if i < presents:
            saisie[membre.pk] = ("PRESENT", None)
        elif i < presents + pouvoirs:
            saisie[membre.pk] = ("REPRESENTE", titulaires[i - presents].pk)
        else:
            saisie[membre.pk] = ("EXCUSE", None)
    services.enregistrer_presences(seance, acteur=staff, presences=saisie)
    votes_par_point = iter(votes)
    for point in seance.points.filter(avec_vote=True).order_by("rang"):
        pour, contre, abstention = next(votes_par_point)
        services.enregistrer_vote(
            point, acteur=staff, votants=pour + contre + abstention, pour=pour, contre=contre, abstention=abstention
        )
    services.enregistrer_compte_rendu(seance, acteur=staff, compte_rendu=compte_rendu, clore=True)


def _seance(pleniere, staff, date, heure, points, *, documents=()) -> Seance | None:
    if Seance.objects.filter(instance=pleniere, date=date).exists():
        return None
    seance = services.creer_seance(pleniere, acteur=staff, date=date, heure=heure, lieu=LIEU)
    for point in points:
        services.ajouter_point(seance, acteur=staff, **point)
    for titre, html in documents:
        contenu = pdf.rend_pdf(html)
        fichier = ContentFile(contenu, name=f"{titre.lower().replace(' ', '-')}.pdf")
        services.deposer_document(seance, acteur=staff, titre=titre, fichier=fichier)
    return seance


def _note(titre: str, paragraphes: list[str]) -> str:
    return render_to_string("conference/print/note.html", {"titre": titre, "paragraphes": paragraphes})


def _prochaine_date(aujourd_hui: dt.date) -> dt.date:
    """A Tuesday three to four weeks ahead."""
    date = aujourd_hui + dt.timedelta(days=21)
    return date + dt.timedelta(days=(1 - date.weekday()) % 7)


def seed(territory, *, stdout=None) -> None:
    from demandes.models import GrilleCotation

    staff = territory.account("epci").user
    pleniere = _pleniere(territory, staff)
    _autres_instances(territory, staff, pleniere)
    T = PointOrdreDuJour.Type

    cia = _seance(
        pleniere,
        staff,
        SEANCE_CIA,
        dt.time(14, 30),
        [
            {"titre": "Validation de la convention intercommunale d'attribution (CIA)", "type": T.POLITIQUE,
             "expose": "Le projet de CIA fixe les engagements annuels des bailleurs et des réservataires (objectifs "
                       "hors QPV, en QPV, ménages prioritaires) et les modalités de relogement.",
             "projet_decision": "La conférence intercommunale du logement valide la convention intercommunale "
                                "d'attribution et la transmet pour signature aux bailleurs et aux réservataires."},
            {"titre": "Avis sur le projet de plan partenarial de gestion de la demande (PPGDID)", "type": T.POLITIQUE,
             "projet_decision": "La conférence intercommunale du logement émet un avis favorable sur le projet de "
                                "plan partenarial de gestion de la demande et d'information des demandeurs."},
        ],
    )  # fmt: skip
    if cia is not None:
        _tenir(
            cia,
            staff,
            presents=36,
            pouvoirs=7,
            votes=[(43, 0, 0), (43, 0, 0)],
            compte_rendu="La préfète et le président de la métropole ouvrent la séance. Le projet de CIA et le projet "
            "de PPGDID sont présentés par les services de la métropole ; les associations de locataires saluent "
            "l'objectif de 25 % d'attributions hors QPV au premier quartile. Les deux délibérations sont adoptées à "
            "l'unanimité des suffrages exprimés.",
        )

    bilan = _seance(
        pleniere,
        staff,
        SEANCE_BILAN,
        dt.time(9, 30),
        [
            {"titre": f"Bilan annuel {ANNEE_BILAN} des attributions et des objectifs légaux", "type": T.BILAN,
             "annee_bilan": ANNEE_BILAN, "avec_vote": True,
             "projet_decision": f"La conférence prend acte du bilan annuel {ANNEE_BILAN} des attributions et émet "
                                "un avis favorable sur les actions correctrices proposées hors QPV."},
            {"titre": "Point d'information sur la révision de la grille de cotation", "type": T.INFORMATION},
        ],
    )  # fmt: skip
    if bilan is not None:
        _tenir(
            bilan,
            staff,
            presents=31,
            pouvoirs=5,
            votes=[(33, 0, 3)],
            compte_rendu=f"Présentation du bilan {ANNEE_BILAN} par l'observatoire : objectif hors QPV en deçà de la "
            "cible, objectif en QPV atteint. Le groupe de travail présente l'avancement de la révision de la grille.",
        )

    aujourd_hui = timezone.localdate()
    if not pleniere.seances.filter(date__gte=aujourd_hui).exclude(statut=Seance.Statut.ANNULEE).exists():
        grille = GrilleCotation.objects.filter(epci=territory.epci, statut=GrilleCotation.Statut.BROUILLON).first()
        points = [
            {"titre": f"Objectifs légaux {aujourd_hui.year} : point d'étape", "type": T.INFORMATION},
            {"titre": "Calendrier de révision du document-cadre d'orientations", "type": T.DELIBERATION,
             "projet_decision": "La conférence adopte le calendrier de révision du document-cadre d'orientations."},
        ]  # fmt: skip
        if grille is not None:
            points.insert(
                1,
                {"titre": f"Adoption de la grille de cotation « {grille.nom} »", "type": T.GRILLE, "grille": grille,
                 "projet_decision": "La conférence adopte la grille de cotation présentée, applicable au "
                                    "premier jour du mois suivant sa publication."},
            )  # fmt: skip
        prochaine = _seance(
            pleniere,
            staff,
            _prochaine_date(aujourd_hui),
            dt.time(14, 30),
            points,
            documents=[
                (
                    "Note de présentation",
                    _note(
                        "Note de présentation de la séance",
                        [
                            "Cette note présente les points inscrits à l'ordre du jour de la prochaine séance "
                            "plénière de la conférence intercommunale du logement.",
                            "Document de démonstration : les chiffres définitifs sont dans les tableaux de bord "
                            "de la plateforme.",
                        ],
                    ),
                )
            ],
        )
        if prochaine is not None:
            services.convoquer(
                prochaine, acteur=staff, connexion=get_connection("django.core.mail.backends.locmem.EmailBackend")
            )
    if stdout is not None:
        en_exercice = pleniere.membres.titulaires().en_exercice(aujourd_hui).count()
        stdout.write(
            f"Conférence : {en_exercice} membres titulaires en exercice, "
            f"{pleniere.seances.count()} séances plénières, délibérations de 2020 et {SEANCE_BILAN.year}.\n"
        )
