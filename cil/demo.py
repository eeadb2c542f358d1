"""A demonstration territory on the real Grenoble-Alpes-Métropole, and one account per role (``seed_demo``).

The EPCI, its communes and its QPV come from the shipped reference data (``import_referentiels``). The landlords
carry the names of organisations active in the area but DEMO SIRENs (valid Luhn key, prefix 99990): nothing here
describes those organisations' real data. Neighbourhoods of watch, sectors, reception points, addresses, opening
hours and people are made up for the demonstration; phone numbers are in the range ARCEP reserves for fiction.

Everything is deterministic and idempotent: running it twice leaves the same state.

Extension point: after the territory is built, ``seed_demo`` calls, in order, every function named (dotted path)
in ``settings.DEMO_SEEDERS``, as ``seed(territory, *, stdout)``. A seeder gets its random numbers from
``territory.random("its name")`` so that its data does not depend on the other seeders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string

from core.erreurs import ErreurMetier
from core.roles import Role

from .models import (
    Bailleur,
    Commune,
    Epci,
    Guichet,
    Membership,
    Qpv,
    Quartier,
    Reservataire,
    Secteur,
)
from .services import groupe_personnel_epci

DEMO_SEED = 2026
DEMO_PASSWORD = "demo-cil-2026"
SIREN_EPCI = "200040715"  # Grenoble-Alpes-Métropole
INSEE_GRENOBLE = "38185"
INSEE_ECHIROLLES = "38151"

# Demo SIRENs: 9 digits with a valid Luhn key (cil.validators.validate_siren); not the landlords' real SIRENs.
SIREN_ACTIS = "999900012"
SIREN_GRENOBLE_HABITAT = "999900020"
SIREN_SDH = "999900038"
SIREN_ALPES_ISERE_HABITAT = "999900046"
SIREN_CDC_HABITAT = "999900053"

BAILLEURS = [
    (SIREN_ACTIS, "Actis"),
    (SIREN_GRENOBLE_HABITAT, "Grenoble Habitat"),
    (SIREN_SDH, "Société Dauphinoise pour l'Habitat"),
    (SIREN_ALPES_ISERE_HABITAT, "Alpes Isère Habitat"),
    (SIREN_CDC_HABITAT, "CDC Habitat"),
]

# (name, commune) of the watch neighbourhoods (quartiers de veille active)
QUARTIERS_VEILLE = [
    ("Les Granges", INSEE_ECHIROLLES),
    ("Centre ancien de Vizille", "38562"),
]

# Sectors: every commune of the EPCI in exactly one (a commune missing here goes to "Autres communes").
SECTEURS = [
    ("Grenoble", [INSEE_GRENOBLE]),
    (
        "Sud (Échirolles, Le Pont-de-Claix…)",
        [
            INSEE_ECHIROLLES,
            "38317",  # Le Pont-de-Claix
            "38158",  # Eybens
            "38111",  # Claix
            "38068",  # Champagnier
            "38057",  # Bresson
            "38524",  # Varces-Allières-et-Risset
            "38436",  # Saint-Paul-de-Varces
            "38545",  # Vif
            "38187",  # Le Gua
            "38235",  # Miribel-Lanchâtre
            "38388",  # Saint-Georges-de-Commiers
            "38277",  # Notre-Dame-de-Commiers
        ],
    ),
    (
        "Nord-Ouest (Fontaine, Saint-Égrève, Sassenage…)",
        [
            "38169",  # Fontaine
            "38485",  # Seyssinet-Pariset
            "38486",  # Seyssins
            "38474",  # Sassenage
            "38382",  # Saint-Égrève
            "38423",  # Saint-Martin-le-Vinoux
            "38170",  # Fontanil-Cornillon
            "38281",  # Noyarey
            "38540",  # Veurey-Voroize
            "38325",  # Proveysieux
            "38328",  # Quaix-en-Chartreuse
            "38471",  # Le Sappey-en-Chartreuse
            "38258",  # Mont-Saint-Martin
            "38472",  # Sarcenas
        ],
    ),
    (
        "Est (Saint-Martin-d'Hères, Meylan…)",
        [
            "38421",  # Saint-Martin-d'Hères
            "38229",  # Meylan
            "38516",  # La Tronche
            "38126",  # Corenc
            "38179",  # Gières
            "38309",  # Poisat
            "38271",  # Murianette
            "38150",  # Domène
            "38533",  # Venon
        ],
    ),
    (
        "Sud-Est / Vizille",
        [
            "38562",  # Vizille
            "38059",  # Brié-et-Angonnes
            "38188",  # Herbeys
            "38528",  # Vaulnaveys-le-Bas
            "38529",  # Vaulnaveys-le-Haut
            "38252",  # Montchaboud
            "38279",  # Notre-Dame-de-Mésage
            "38445",  # Saint-Pierre-de-Mésage
            "38478",  # Séchilienne
            "38364",  # Saint-Barthélemy-de-Séchilienne
            "38200",  # Jarrie
            "38071",  # Champ-sur-Drac
        ],
    ),
]
SECTEUR_RESTE = "Autres communes"

HORAIRES_MAIRIE = "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h."

# (name, level, registers demands, address, commune, opening hours, phone, landlord SIREN or None)
GUICHETS = [
    (
        "Accueil logement de la Ville de Grenoble",
        Guichet.Niveau.NIVEAU_3,
        True,
        "11 boulevard Jean Pain, 38000 Grenoble",
        INSEE_GRENOBLE,
        HORAIRES_MAIRIE + " Entretiens approfondis sur rendez-vous.",
        "04 65 71 00 01",
        None,
    ),
    (
        "Service habitat de la Ville d'Échirolles",
        Guichet.Niveau.NIVEAU_2,
        True,
        "1 place des Cinq Fontaines, 38130 Échirolles",
        INSEE_ECHIROLLES,
        "Lundi, mardi, jeudi et vendredi, de 8 h 30 à 12 h ; mercredi de 13 h 30 à 17 h.",
        "04 65 71 00 02",
        None,
    ),
    (
        "Agence Actis – Villeneuve",
        Guichet.Niveau.NIVEAU_2,
        True,
        "20 galerie de l'Arlequin, 38100 Grenoble",
        INSEE_GRENOBLE,
        "Du lundi au vendredi, de 9 h à 12 h 30 ; l'après-midi sur rendez-vous.",
        "04 65 71 00 03",
        SIREN_ACTIS,
    ),
    (
        "Point information logement de Saint-Martin-d'Hères",
        Guichet.Niveau.NIVEAU_1,
        False,
        "111 avenue Ambroise Croizat, 38400 Saint-Martin-d'Hères",
        "38421",
        "Mardi et jeudi, de 9 h à 12 h.",
        "04 65 71 00 04",
        None,
    ),
    (
        "Maison de l'habitat de Fontaine",
        Guichet.Niveau.NIVEAU_1,
        False,
        "89 mail Marcel Cachin, 38600 Fontaine",
        "38169",
        "Lundi et mercredi, de 13 h 30 à 17 h.",
        "04 65 71 00 05",
        None,
    ),
    (
        "Espace habitat du Sud-Est – Vizille",
        Guichet.Niveau.NIVEAU_2,
        True,
        "Place du Château, 38220 Vizille",
        "38562",
        "Mercredi et vendredi, de 9 h à 12 h et de 14 h à 16 h 30.",
        "04 65 71 00 06",
        None,
    ),
]

# username -> (role, first name, last name); the organisation is chosen in _accounts()
COMPTES = {
    "agent": (Role.AGENT_ACCUEIL, "Camille", "Martin"),
    "bailleur": (Role.BAILLEUR, "Julien", "Bernard"),
    "reservataire": (Role.RESERVATAIRE, "Sophie", "Girard"),
    "epci": (Role.EPCI, "Claire", "Rousseau"),
    "membre": (Role.MEMBRE_CIL, "Paul", "Lefèvre"),
    "admin": (Role.ADMINISTRATEUR, "Alice", "Durand"),
    "dpo": (Role.DPO, "Nadia", "Benali"),
}


class DemoError(ErreurMetier):
    """The demo cannot be built; the message is in French."""


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    role_label: str
    organisation: str
    user: object = field(repr=False)


@dataclass
class DemoTerritory:
    epci: Epci
    communes: dict[str, Commune]
    quartiers: list[Quartier]
    secteurs: list[Secteur]
    bailleurs: list[Bailleur]
    reservataires: list[Reservataire]
    guichets: list[Guichet]
    accounts: list[DemoAccount] = field(default_factory=list)
    seed: int = DEMO_SEED

    def random(self, name: str) -> random.Random:
        """A random generator of its own for each seeder, fixed by the demo seed and the seeder's name."""
        return random.Random(f"{self.seed}:{name}")

    def reservataire(self, type_: str, code: str = "") -> Reservataire:
        return next(r for r in self.reservataires if r.type == type_ and r.code == code)

    def bailleur(self, siren: str) -> Bailleur:
        return next(b for b in self.bailleurs if b.siren == siren)

    def account(self, username: str) -> DemoAccount:
        return next(a for a in self.accounts if a.username == username)


def _missing_reference_data(detail: str) -> DemoError:
    return DemoError(
        f"{detail} Chargez d'abord les données de référence : « python manage.py import_referentiels » "
        f"(ou « python manage.py import_referentiels --epci {SIREN_EPCI} » pour ce seul territoire)."
    )


@transaction.atomic
def build_demo_territory() -> DemoTerritory:
    """Create or bring back the demo territory and accounts on Grenoble-Alpes-Métropole (idempotent)."""
    epci = Epci.objects.filter(siren=SIREN_EPCI).first()
    if epci is None:
        raise _missing_reference_data(f"L'EPCI Grenoble-Alpes-Métropole (SIREN {SIREN_EPCI}) est absent de la base.")
    communes = {
        c.code_insee: c
        for c in Commune.objects.filter(perimetres__epci=epci, perimetres__millesime=2025).order_by("code_insee")
    }
    needed = {INSEE_GRENOBLE, INSEE_ECHIROLLES} | {insee for _, insee in QUARTIERS_VEILLE}
    needed |= {g[4] for g in GUICHETS}
    if not needed <= communes.keys():
        raise _missing_reference_data(
            f"Communes de Grenoble-Alpes-Métropole absentes : {', '.join(sorted(needed - communes.keys()))}."
        )

    quartiers = _quartiers(epci, communes)
    secteurs = _secteurs(epci, communes, quartiers)
    bailleurs = _bailleurs(epci)
    reservataires = _reservataires(epci, communes, bailleurs)
    guichets = _guichets(epci, communes, bailleurs)
    territory = DemoTerritory(
        epci=epci,
        communes=communes,
        quartiers=quartiers,
        secteurs=secteurs,
        bailleurs=bailleurs,
        reservataires=reservataires,
        guichets=guichets,
    )
    territory.accounts = _accounts(territory)
    return territory


def _quartiers(epci: Epci, communes: dict[str, Commune]) -> list[Quartier]:
    quartiers = []
    qpvs = Qpv.objects.filter(epci=epci, carte=Qpv.Carte.CARTE_2024).prefetch_related("communes").order_by("code")
    for qpv in qpvs:
        commune = min((c for c in qpv.communes.all() if c.code_insee in communes), key=lambda c: c.code_insee)
        quartier, _ = Quartier.objects.update_or_create(
            epci=epci, type=Quartier.Type.QPV, qpv=qpv, defaults={"nom": qpv.nom, "commune": commune}
        )
        quartiers.append(quartier)
    for nom, insee in QUARTIERS_VEILLE:
        quartier, _ = Quartier.objects.update_or_create(
            epci=epci, type=Quartier.Type.VEILLE, nom=nom, defaults={"commune": communes[insee], "qpv": None}
        )
        quartiers.append(quartier)
    return quartiers


def _secteurs(epci: Epci, communes: dict[str, Commune], quartiers: list[Quartier]) -> list[Secteur]:
    groups = [(nom, [i for i in insees if i in communes]) for nom, insees in SECTEURS]
    placed = {insee for _, insees in groups for insee in insees}
    reste = sorted(communes.keys() - placed)
    if reste:
        groups.append((SECTEUR_RESTE, reste))
    secteurs = []
    for nom, insees in groups:
        secteur, _ = Secteur.objects.get_or_create(epci=epci, nom=nom)
        secteur.communes.set([communes[i] for i in insees])
        secteur.quartiers.set([q for q in quartiers if q.commune.code_insee in insees])
        secteurs.append(secteur)
    return secteurs


def _bailleurs(epci: Epci) -> list[Bailleur]:
    bailleurs = []
    for siren, nom in BAILLEURS:
        bailleur, _ = Bailleur.objects.update_or_create(siren=siren, defaults={"nom": nom})
        bailleur.epcis.add(epci)
        bailleurs.append(bailleur)
    return bailleurs


def _reservataires(epci: Epci, communes: dict[str, Commune], bailleurs: list[Bailleur]) -> list[Reservataire]:
    T = Reservataire.Type
    rows = [
        (T.ETAT, "", "État (contingent préfectoral)", None, None),
        (T.ETAT_AGENTS, "", "État (agents de l'État)", None, None),
        (T.ACTION_LOGEMENT, "", "Action Logement Services", None, None),
        (T.COMMUNE, INSEE_GRENOBLE, "Ville de Grenoble", communes[INSEE_GRENOBLE], None),
        (T.COMMUNE, INSEE_ECHIROLLES, "Ville d'Échirolles", communes[INSEE_ECHIROLLES], None),
        (T.EPCI, epci.siren, epci.nom, None, None),
        (T.DEPARTEMENT, "38", "Département de l'Isère", None, None),
    ]
    rows += [(T.BAILLEUR, b.siren, f"{b.nom} (stock non réservé)", None, b) for b in bailleurs]
    reservataires = []
    for type_, code, nom, commune, bailleur in rows:
        reservataire, _ = Reservataire.objects.update_or_create(
            type=type_, code=code, defaults={"nom": nom, "commune": commune, "bailleur": bailleur}
        )
        reservataire.epcis.add(epci)
        reservataires.append(reservataire)
    return reservataires


def _guichets(epci: Epci, communes: dict[str, Commune], bailleurs: list[Bailleur]) -> list[Guichet]:
    by_siren = {b.siren: b for b in bailleurs}
    guichets = []
    for nom, niveau, enregistreur, adresse, insee, horaires, telephone, siren in GUICHETS:
        guichet, _ = Guichet.objects.update_or_create(
            epci=epci,
            nom=nom,
            defaults={
                "niveau": niveau,
                "enregistreur": enregistreur,
                "adresse": adresse,
                "commune": communes[insee],
                "horaires": horaires,
                "telephone": telephone,
                "bailleur": by_siren.get(siren) if siren else None,
            },
        )
        guichets.append(guichet)
    return guichets


def _accounts(territory: DemoTerritory) -> list[DemoAccount]:
    User = get_user_model()
    epci = territory.epci
    organisations = {
        "agent": {"guichet": territory.guichets[0]},
        "bailleur": {"bailleur": territory.bailleur(SIREN_ACTIS)},
        "reservataire": {"reservataire": territory.reservataire(Reservataire.Type.COMMUNE, INSEE_GRENOBLE)},
    }
    groupe = groupe_personnel_epci()
    accounts = []
    for username, (role, first_name, last_name) in COMPTES.items():
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.cil.example.org",
                "is_active": True,
                "is_staff": username in ("epci", "admin"),
                "is_superuser": username == "admin",
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if username == "epci":
            user.groups.add(groupe)
        org = organisations.get(username, {})
        membership, _ = Membership.objects.update_or_create(
            user=user,
            epci=epci,
            role=role,
            defaults={
                "bailleur": org.get("bailleur"),
                "reservataire": org.get("reservataire"),
                "guichet": org.get("guichet"),
                "date_debut": None,
                "date_fin": None,
            },
        )
        accounts.append(
            DemoAccount(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                role_label=Role(role).label,
                organisation=str(membership.organisation),
                user=user,
            )
        )
    return accounts


def run_demo_seeders(territory: DemoTerritory, *, stdout: TextIO | None = None) -> list[str]:
    """Call every ``settings.DEMO_SEEDERS`` function in order, each in its own transaction; return their paths."""
    paths = list(getattr(settings, "DEMO_SEEDERS", []))
    for path in paths:
        seeder = import_string(path)
        if stdout is not None:
            stdout.write(f"Données de démonstration : {path}\n")
        with transaction.atomic():
            seeder(territory, stdout=stdout)
    return paths


def seed_demo(*, stdout: TextIO | None = None) -> DemoTerritory:
    """Build the demo territory, then run the seeders of the other apps (``settings.DEMO_SEEDERS``)."""
    territory = build_demo_territory()
    run_demo_seeders(territory, stdout=stdout)
    return territory


def accounts_table(accounts: list[DemoAccount]) -> list[str]:
    """The demo accounts as a plain-text table (French headers)."""
    headers = ("Identifiant", "Mot de passe", "Rôle", "Organisation")
    rows = [(a.username, a.password, a.role_label, a.organisation) for a in accounts]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line("-" * w for w in widths), *(line(r) for r in rows)]
