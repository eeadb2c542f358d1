"""The figures of the yearly balance sheets, gathered once for the PDF and the exports; the PDF's charts and
sentences are placed by ``observatoire.document``.

Every objective figure comes from the engine (``attributions.selectors.calcule_objectifs_epci``), so a
balance sheet shows exactly the dashboard's figures. The breakdowns of the flow reports (docs/droit/regles.md §5:
by reservation holder, typology, financing, QPV, commune, construction period) and the waiting times
are conditional aggregations in SQL on the same counted allocations (``q_decision_comptee``).

Statistical secrecy: the platform's one rule (Platform decision 11), the rule in force for the territory on the day
the balance sheet is made (``cil.selectors.regle_secret``, stated in the method section): counts of 1 to seuil - 1
that describe households in a small geographic cell (commune, sector) are masked, with secondary suppression; the
legal objectives of the EPCI, of each landlord and of each reservation holder are never masked.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, Case, CharField, Count, F, FloatField, Q, Value, When
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify

from attributions.models import DecisionCaleol, LotImport, Typologie
from attributions.selectors import (
    ObjectifsIndisponibles,
    calcule_objectifs_epci,
    decisions_de_l_annee,
    duree_attente,
    q_decision_comptee,
)
from cil.models import Bailleur, CibleLocale, Epci, Reservataire, SeuilQuartile, TauxLegal
from cil.secret import sous_le_seuil
from cil.selectors import Regle, classement_au, regle_secret
from core.db import cle_fr, ordre_fr
from core.durees import en_mois

from . import formats
from .tables import Colonne, Tableau, Taux, masque, secret_tableau

CIL = "CIL"
BAILLEUR = "BAILLEUR"
RESERVATAIRE = "RESERVATAIRE"

LIBELLES_OBJECTIFS = {
    "hors_qpv": "A. Attributions hors QPV suivies d'un bail : 1er quartile ou relogés",
    "qpv": "B. Attributions en QPV : demandeurs des quartiles 2 à 4",
    "prioritaires": "C. Attributions aux ménages DALO ou prioritaires (tous réservataires)",
    "mutations": "Mutations (part des attributions)",
}
LIBELLES_COURTS = {
    "hors_qpv": "A. Hors QPV : 1er quartile ou relogés",
    "qpv": "B. En QPV : quartiles 2 à 4",
    "prioritaires": "C. DALO ou prioritaires",
    "mutations": "Mutations",
}

# Hook for the priority criteria of L. 441-1 (a to j). F1 decisions carry only the DALO and
# "prioritaire" flags. When the demands app exposes the criteria recognised for the households of
# the year's allocations, set this to a callable ``(epci, annee, decisions_queryset) -> list[tuple[str, int]]``
# (label of the criterion, number of allocations) and the balance sheet prints the table.
FOURNISSEUR_CRITERES = None


# --- SQL helpers ------------------------------------------------------------------------------


class Mediane(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont(0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def periode_construction():
    d = "logement__date_premiere_location"
    return Case(
        When(**{f"{d}__isnull": True}, then=Value("Non renseignée")),
        When(**{f"{d}__lt": dt.date(1970, 1, 1)}, then=Value("Avant 1970")),
        When(**{f"{d}__lt": dt.date(1990, 1, 1)}, then=Value("1970 à 1989")),
        When(**{f"{d}__lt": dt.date(2010, 1, 1)}, then=Value("1990 à 2009")),
        When(**{f"{d}__lt": dt.date(2020, 1, 1)}, then=Value("2010 à 2019")),
        default=Value("2020 et après"),
        output_field=CharField(),
    )


ORDRE_PERIODES = ["Avant 1970", "1970 à 1989", "1990 à 2009", "2010 à 2019", "2020 et après", "Non renseignée"]


# --- Data of one balance sheet ----------------------------------------------------------------


@dataclass
class Section:
    code: str
    titre: str
    paragraphes: list[str] = field(default_factory=list)
    graphiques: list[SafeString] = field(default_factory=list)
    tableaux: list[Tableau] = field(default_factory=list)

    @property
    def debut_long(self) -> bool:
        """The section opens on a long table: it starts on a new page (no lone rows at a page's foot)."""
        return not self.graphiques and bool(self.tableaux) and not self.tableaux[0].court

    @property
    def mise_en_page(self) -> list[dict]:
        """Each table with whether it starts a new page (a long table that does not open its section)."""
        return [
            {"tableau": t, "nouvelle_page": not t.court and (i > 0 or bool(self.graphiques))}
            for i, t in enumerate(self.tableaux)
        ]


@dataclass
class Bilan:
    kind: str
    epci: Epci
    annee: int
    titre: str
    sous_titre: str
    perimetre: str
    resultat: dict
    precedent: dict | None
    synthese: list[dict]
    sections: list[Section]
    methode: dict
    genere_le: dt.datetime
    auteur: str = ""
    bailleur: Bailleur | None = None
    reservataire: Reservataire | None = None
    historique: dict[int, dict | None] = field(default_factory=dict)

    @property
    def tableaux(self) -> list[Tableau]:
        return [t for s in self.sections for t in s.tableaux]

    @property
    def nom_fichier(self) -> str:
        suffixe = {CIL: "cil", BAILLEUR: "bailleur", RESERVATAIRE: "reservataire"}[self.kind]
        org = ""
        if self.bailleur:
            org = f"-{self.bailleur.siren}"
        elif self.reservataire:
            org = "-" + slugify(f"{self.reservataire.type} {self.reservataire.code}")
        return f"bilan-{suffixe}-{self.epci.siren}{org}-{self.annee}"


def _decisions(kind: str, bailleur: Bailleur | None, reservataire: Reservataire | None):
    if kind == BAILLEUR:
        return DecisionCaleol.objects.filter(bailleur=bailleur)
    if kind == RESERVATAIRE:
        return DecisionCaleol.objects.filter(reservataire=reservataire)
    return None


def _objectifs_ou_rien(epci, annee, queryset, details=False) -> dict | None:
    try:
        return calcule_objectifs_epci(epci, annee, queryset=queryset, details=details)
    except ObjectifsIndisponibles:
        return None


def _etat(ind: dict) -> str:
    if ind.get("taux") is None:
        return "aucune attribution comptée"
    if ind.get("cible") is None:
        return "pas de cible"
    if ind["atteint"]:
        return "atteint"
    return f"non atteint : il manque {ind['manque']}"


def _synthese(resultat: dict, precedent: dict | None, annee: int) -> list[dict]:
    lignes = []
    for code in ("hors_qpv", "qpv", "prioritaires", "mutations"):
        ind = resultat[code]
        avant = precedent[code] if precedent else None
        lignes.append(
            {
                "code": code,
                "libelle": LIBELLES_OBJECTIFS[code],
                "base": ind["base"],
                "numerateur": ind["numerateur"],
                "taux": ind["taux"],
                "cible": ind["cible"],
                "ecart": ind["ecart"],
                "manque": ind["manque"],
                "etat": _etat(ind),
                "taux_precedent": avant["taux"] if avant else None,
                "base_precedente": avant["base"] if avant else None,
                "numerateur_precedent": avant["numerateur"] if avant else None,
                "cible_precedente": avant["cible"] if avant else None,
                "evolution": (ind["taux"] - avant["taux"])
                if avant and ind["taux"] is not None and avant["taux"] is not None
                else None,
                "annee_precedente": annee - 1,
                "taux_texte": ind["taux_texte"],
                "numerateur_texte": formats.nombre(ind["numerateur"]),
                "base_texte": formats.nombre(ind["base"]),
                "cible_texte": formats.pourcentage(ind["cible"]),
                "locale": ind.get("locale"),
                "taux_precedent_texte": (
                    (avant.get("taux_texte") or formats.pourcentage(avant["taux"])) if avant else "–"
                ),
            }
        )
    return lignes


def _taux(ind: dict) -> Taux:
    """An indicator's rate as a table cell, printed like the dashboard's (never rounded across its target)."""
    return Taux(ind["numerateur"], ind["base"], ind["cible"])


def _tableau_synthese(synthese: list[dict], annee: int) -> Tableau:
    return Tableau(
        code="synthese",
        titre=f"Synthèse des objectifs {annee}",
        colonnes=[
            Colonne("Objectif", "texte"),
            Colonne("Attributions comptées", "nombre", str(annee)),
            Colonne("Remplissant l'objectif", "nombre", str(annee)),
            Colonne("Taux", "taux", str(annee)),
            Colonne("Cible", "taux", str(annee)),
            Colonne("Écart", "pt", str(annee)),
            Colonne("Manque", "nombre", str(annee)),
            Colonne("Taux", "taux", str(annee - 1)),
            Colonne("Évolution", "pt", str(annee - 1)),
        ],
        lignes=[
            [
                s["libelle"],
                s["base"],
                s["numerateur"],
                Taux(s["numerateur"], s["base"], s["cible"]),
                s["cible"],
                s["ecart"],
                s["manque"],
                Taux(s["numerateur_precedent"], s["base_precedente"], s["cible_precedente"])
                if s["base_precedente"] is not None
                else None,
                s["evolution"],
            ]
            for s in synthese
        ],
        note="Manque : nombre d'attributions supplémentaires remplissant l'objectif qu'il aurait fallu pour atteindre "
        "la cible sur la même base.",
    )


TITRES_NUMERATEURS = {
    "hors_qpv": "Q1 ou relogés",
    "qpv": "Q2 à Q4",
    "prioritaires": "Nombre",
    "mutations": "Nombre",
}


def _colonnes_objectifs() -> list[Colonne]:
    cols = []
    for code, groupe in (
        ("hors_qpv", "A. Hors QPV (baux)"),
        ("qpv", "B. En QPV"),
        ("prioritaires", "C. DALO ou prioritaires"),
        ("mutations", "Mutations"),
    ):
        cols += [
            Colonne("Attrib.", "nombre", groupe),
            Colonne(
                "1er quartile ou relogés" if code == "hors_qpv" else ("Q2 à Q4" if code == "qpv" else "Nombre"),
                "nombre",
                groupe,
            ),
            Colonne("Taux", "taux", groupe),
        ]
    return cols


def _cellules_objectifs(ligne: dict, *, secret: int | None) -> list:
    cells = []
    for code in ("hors_qpv", "qpv", "prioritaires", "mutations"):
        ind = ligne[code]
        base, num, taux = ind["base"], ind["numerateur"], _taux(ind)
        if secret and (sous_le_seuil(num, secret) or sous_le_seuil(base - num, secret)):
            num = masque(1, secret)
            taux = num
        cells += [base, num, taux]
    return cells


def _tableau_objectifs(code: str, titre: str, lignes: list[dict], *, secret: int | None, note: str = "") -> Tableau:
    cellules = [[ligne["nom"], *_cellules_objectifs(ligne, secret=secret)] for ligne in lignes]
    if secret:
        # The territory's totals are printed in the synthesis: a numerator masked alone in its column
        # would be the total minus the others.
        numerateurs = (2, 5, 8, 11)
        cellules = secret_tableau(
            cellules, secret, colonnes_totalisees=numerateurs, liees={n: (n + 1,) for n in numerateurs}
        )
    return Tableau(
        code=code,
        titre=titre,
        colonnes=[Colonne("Nom", "texte"), *_colonnes_objectifs()],
        lignes=cellules,
        note=note,
    )


def _tableau_reservataires(resultat: dict, titre: str) -> Tableau:
    return Tableau(
        code="reservataires",
        titre=titre,
        colonnes=[
            Colonne("Réservataire", "texte"),
            Colonne("Attributions comptées", "nombre"),
            Colonne("DALO", "nombre"),
            Colonne("DALO ou prioritaires", "nombre"),
            Colonne("Taux", "taux"),
            Colonne("Cible", "taux"),
            Colonne("Écart", "pt"),
            Colonne("Manque", "nombre"),
        ],
        lignes=[
            [r["nom"], r["base"], r["dalo"], r["numerateur"], _taux(r), r["cible"], r["ecart"], r["manque"]]
            for r in resultat["reservataires"]
        ],
        total=[
            "Ensemble",
            resultat["prioritaires"]["base"],
            resultat["prioritaires"]["dalo"],
            resultat["prioritaires"]["numerateur"],
            _taux(resultat["prioritaires"]),
            resultat["prioritaires"]["cible"],
            resultat["prioritaires"]["ecart"],
            resultat["prioritaires"]["manque"],
        ],
        note="Le contingent de l'État doit aller en totalité à des ménages DALO ou prioritaires (cible 100\u00a0%).",
    )


def _etat_locale(c: dict) -> str:
    if c["atteint"] is None:
        return "aucune attribution comptée"
    return "atteinte" if c["atteint"] else f"non atteinte : il manque {c['manque']}"


def section_cibles_locales(resultat: dict, annee: int) -> Section | None:
    """Each local target in force, against the figure of its scope, beside the legal target, with its source."""
    cibles = resultat.get("cibles_locales") or []
    if not cibles:
        return None
    return Section(
        code="cibles_locales",
        titre="Cibles locales",
        tableaux=[
            Tableau(
                code="cibles_locales",
                titre=f"Cibles locales en vigueur en {annee}",
                colonnes=[
                    Colonne("Objectif", "texte"),
                    Colonne("Périmètre", "texte"),
                    Colonne("Attributions comptées", "nombre"),
                    Colonne("Remplissant l'objectif", "nombre"),
                    Colonne("Taux", "texte"),
                    Colonne("Cible légale", "taux"),
                    Colonne("Cible locale", "texte"),
                    Colonne("Cible locale atteinte", "texte"),
                    Colonne("Source", "texte"),
                ],
                lignes=[
                    [
                        c["objectif_libelle"],
                        c["perimetre"]["nom"],
                        c["base"],
                        c["numerateur"],
                        c["taux_texte"],
                        c["cible_legale"],
                        c["cible_texte"],
                        _etat_locale(c),
                        c["source"],
                    ]
                    for c in cibles
                ],
                note="Taux lu contre la cible locale : il n'est jamais arrondi au-delà de cette cible.",
            )
        ],
    )


def cible_mutations_du_bailleur(resultat: dict, bailleur_pk: int) -> dict | None:
    """The local transfer target that applies to a landlord, against its own figure: its own commitment when the
    CIL set one for it, else the territory's (evaluated on the landlord's decisions); None without any."""
    cibles = [c for c in resultat.get("cibles_locales") or [] if c["objectif"] == "mutations"]
    propre = [c for c in cibles if c["perimetre"]["type"] == "BAILLEUR" and c["perimetre"]["pk"] == bailleur_pk]
    if propre:
        return propre[0]
    locale = resultat["mutations"].get("locale")
    if locale is None:
        return None
    return {**locale, "perimetre": {"type": "EPCI", "nom": "Tout le territoire"}}


def section_mutations_bailleur(resultat: dict, bailleur: Bailleur) -> Section:
    """A landlord's share of transfers (tenants already in the social stock) against the legal reference and the
    local target that applies to it (docs/droit/regles.md, platform decision 7; docs/adr/0005)."""
    mut = resultat["mutations"]
    locale = cible_mutations_du_bailleur(resultat, bailleur.pk)
    return Section(
        code="mutations",
        titre="Mutations",
        tableaux=[
            Tableau(
                code="mutations_bailleur",
                titre=f"Part des mutations dans les attributions de {bailleur.nom}",
                colonnes=[
                    Colonne("Attributions comptées", "nombre"),
                    Colonne("Mutations", "nombre"),
                    Colonne("Taux", "taux"),
                    Colonne("Cible locale", "texte"),
                    Colonne("Périmètre de la cible", "texte"),
                    Colonne("Cible locale atteinte", "texte"),
                ],
                lignes=[
                    [
                        mut["base"],
                        mut["numerateur"],
                        _taux(mut),
                        locale["cible_texte"] if locale else "aucune",
                        locale["perimetre"]["nom"] if locale else "–",
                        _etat_locale(locale) if locale else "–",
                    ]
                ],
                note="Mutations : attributions à des demandeurs déjà locataires du parc social, échanges entre "
                "locataires compris. La loi ne fixe pas de cible ; la cible locale est celle que la CIL a fixée "
                "pour le bailleur, à défaut celle du territoire.",
            )
        ],
    )


# --- Breakdowns of the counted allocations (flow reports) --------------------------------------


DIMENSIONS = {
    "reservataire": ("Réservataire", "reservataire__nom"),
    "bailleur": ("Bailleur", "bailleur__nom"),
    "typologie": ("Typologie", "typologie"),
    "financement": ("Financement", "logement__financement"),
    "qpv": ("Localisation", None),
    "commune": ("Commune", "commune__nom"),
    "periode": ("Période de mise en location", None),
}


def _expression(dimension: str):
    if dimension == "qpv":
        return Case(When(qpv__isnull=False, then=Value("En QPV")), default=Value("Hors QPV"), output_field=CharField())
    if dimension == "periode":
        return periode_construction()
    return F(DIMENSIONS[dimension][1])


def repartition(comptees, dimension: str, *, secret: int | None = None, titre: str = "") -> Tableau:
    """Counted allocations of the year broken down by one dimension, one SQL query."""
    rows = (
        comptees.annotate(groupe=_expression(dimension))
        .values("groupe")
        .annotate(
            attributions=Count("pk"),
            en_qpv=Count("pk", filter=Q(qpv__isnull=False)),
            baux=Count("pk", filter=Q(date_bail__isnull=False)),
            n_dalo=Count("pk", filter=Q(dalo=True)),
            prioritaires=Count("pk", filter=Q(dalo=False, prioritaire=True)),
            mutations=Count("pk", filter=Q(mutation=True)),
            relogements=Count("pk", filter=~Q(relogement="")),
        )
    )
    rows = list(rows)
    if dimension == "typologie":
        ordre = {v: i for i, v in enumerate(Typologie.values)}
        libelles = dict(Typologie.choices)
        rows.sort(key=lambda r: ordre.get(r["groupe"], 99))
        for r in rows:
            r["groupe"] = libelles.get(r["groupe"], r["groupe"])
    elif dimension == "periode":
        rows.sort(key=lambda r: ORDRE_PERIODES.index(r["groupe"]))
    elif dimension == "financement":
        from attributions.models import Logement

        libelles = dict(Logement.Financement.choices)
        for r in rows:
            r["groupe"] = libelles.get(r["groupe"], "Non renseigné") if r["groupe"] else "Non renseigné"
        rows.sort(key=lambda r: r["groupe"])
    else:
        rows.sort(key=lambda r: cle_fr(r["groupe"]))

    lignes = []
    for r in rows:
        criteres = [r["n_dalo"], r["prioritaires"], r["attributions"] - r["n_dalo"] - r["prioritaires"]]
        autres = [r["mutations"], r["relogements"]]
        if secret:
            criteres = [masque(v, secret) for v in criteres]
            autres = [masque(v, secret) for v in autres]
        lignes.append([r["groupe"] or "Non renseigné", r["attributions"], r["en_qpv"], r["baux"], *criteres, *autres])
    if secret:
        lignes = secret_tableau(lignes, secret, groupes_ligne=((4, 5, 6),), colonnes_totalisees=(4, 5, 6, 7, 8))
    total = None
    if rows:
        somme = {k: sum(r[k] for r in rows) for k in rows[0] if k != "groupe"}
        total = [
            "Ensemble",
            somme["attributions"],
            somme["en_qpv"],
            somme["baux"],
            somme["n_dalo"],
            somme["prioritaires"],
            somme["attributions"] - somme["n_dalo"] - somme["prioritaires"],
            somme["mutations"],
            somme["relogements"],
        ]
    return Tableau(
        code=f"repartition_{dimension}",
        titre=titre or f"Attributions par {DIMENSIONS[dimension][0].lower()}",
        colonnes=[
            Colonne(DIMENSIONS[dimension][0], "texte"),
            Colonne("Attributions", "nombre"),
            Colonne("dont en QPV", "nombre"),
            Colonne("dont suivies d'un bail", "nombre"),
            Colonne("DALO", "nombre", "Ménages"),
            Colonne("Autres prioritaires", "nombre", "Ménages"),
            Colonne("Non prioritaires", "nombre", "Ménages"),
            Colonne("Mutations", "nombre", "Sortis du flux"),
            Colonne("Relogements", "nombre", "Sortis du flux"),
        ],
        lignes=lignes,
        total=total,
    )


def delais_attente(comptees, dimension: str, *, secret: int, titre: str) -> Tableau:
    """Mean and median waiting time (months) of the year's counted allocations, by typology or commune.

    Computed in SQL on PostgreSQL (AVG and percentile_cont); on SQLite, the demo database, the median
    is computed in Python from the list of durations.
    """
    champ = "typologie" if dimension == "typologie" else "commune__nom"
    groupes: list[tuple[str, int, float | None, float | None]] = []
    if connection.vendor == "postgresql":
        from django.db.models import Avg

        rows = (
            comptees.annotate(duree=duree_attente())
            .values(champ)
            .annotate(n=Count("pk"), moyenne=Avg("duree"), mediane=Mediane("duree"))
            .order_by(champ)
        )
        groupes = [(r[champ], r["n"], r["moyenne"], r["mediane"]) for r in rows]
        ensemble = comptees.annotate(duree=duree_attente()).aggregate(
            n=Count("pk"), moyenne=Avg("duree"), mediane=Mediane("duree")
        )
        ensemble_t = (ensemble["n"], ensemble["moyenne"], ensemble["mediane"])
    else:
        durees: dict[str, list[int]] = defaultdict(list)
        for groupe, duree in comptees.annotate(duree=duree_attente()).values_list(champ, "duree"):
            durees[groupe].append(duree)
        groupes = [(g, len(d), statistics.fmean(d), statistics.median(d)) for g, d in durees.items()]
        tout = [x for d in durees.values() for x in d]
        ensemble_t = (len(tout), statistics.fmean(tout) if tout else None, statistics.median(tout) if tout else None)

    if dimension == "typologie":
        ordre = {v: i for i, v in enumerate(Typologie.values)}
        libelles = dict(Typologie.choices)
        groupes.sort(key=lambda g: ordre.get(g[0], 99))
        groupes = [(libelles.get(g[0], g[0]), *g[1:]) for g in groupes]
    else:
        groupes.sort(key=lambda g: cle_fr(g[0]))

    def mois(jours):
        return en_mois(jours)

    lignes = []
    for label, n, moyenne, mediane in groupes:
        if sous_le_seuil(n, secret):
            lignes.append([label or "Non renseigné", masque(n, secret), masque(n, secret), masque(n, secret)])
        else:
            lignes.append([label or "Non renseigné", n, mois(moyenne), mois(mediane)])
    lignes = secret_tableau(lignes, secret, colonnes_totalisees=(1,), liees={1: (2, 3)})
    n, moyenne, mediane = ensemble_t
    return Tableau(
        code=f"delais_{dimension}",
        titre=titre,
        colonnes=[
            Colonne("Typologie" if dimension == "typologie" else "Commune", "texte"),
            Colonne("Attributions", "nombre"),
            Colonne("Délai moyen (mois)", "mois"),
            Colonne("Délai médian (mois)", "mois"),
        ],
        lignes=lignes,
        total=["Ensemble", n, mois(moyenne), mois(mediane)] if n else None,
        note="Délai entre le dépôt de la demande et la signature du bail (à défaut, la décision de la commission).",
    )


def _criteres(epci, annee, comptees, secret) -> Section:
    agg = comptees.aggregate(
        n=Count("pk"),
        n_dalo=Count("pk", filter=Q(dalo=True)),
        n_prioritaires=Count("pk", filter=Q(dalo=False, prioritaire=True)),
    )
    total = {"n": agg["n"], "dalo": agg["n_dalo"], "prioritaires": agg["n_prioritaires"]}
    tableau = Tableau(
        code="prioritaires_categorie",
        titre="Ménages DALO et autres ménages prioritaires",
        colonnes=[Colonne("Catégorie", "texte"), Colonne("Attributions", "nombre"), Colonne("Part", "taux")],
        lignes=[
            ["Ménages reconnus DALO", total["dalo"], total["dalo"] / total["n"] if total["n"] else None],
            [
                "Autres ménages prioritaires (L. 441-1)",
                total["prioritaires"],
                total["prioritaires"] / total["n"] if total["n"] else None,
            ],
            [
                "Ménages non prioritaires",
                total["n"] - total["dalo"] - total["prioritaires"],
                (total["n"] - total["dalo"] - total["prioritaires"]) / total["n"] if total["n"] else None,
            ],
        ],
        total=["Ensemble", total["n"], 1.0 if total["n"] else None],
    )
    section = Section(
        code="prioritaires",
        titre="Publics prioritaires",
        tableaux=[tableau],
    )
    if FOURNISSEUR_CRITERES is not None:
        par_critere = FOURNISSEUR_CRITERES(epci, annee, comptees)
        section.tableaux.append(
            Tableau(
                code="prioritaires_critere",
                titre="Ménages prioritaires par critère (L. 441-1)",
                colonnes=[Colonne("Critère", "texte"), Colonne("Attributions", "nombre")],
                lignes=[[label, masque(n, secret)] for label, n in par_critere],
            )
        )
    return section


def _methode(epci: Epci, annee: int, resultat: dict, decisions_annee, regle: Regle) -> dict:
    seuils = list(SeuilQuartile.objects.filter(epci=epci).order_by("-annee")[:4])
    fin, debut = dt.date(annee, 12, 31), dt.date(annee, 1, 1)
    taux = list(TauxLegal.objects.filter(date_debut__lte=fin).exclude(date_fin__lt=debut).order_by("objectif"))
    cibles = list(
        CibleLocale.objects.filter(epci=epci, date_debut__lte=fin)
        .exclude(date_fin__lt=debut)
        .select_related("bailleur", "reservataire", "secteur", "commune", "version__document")
    )
    lots = list(
        LotImport.objects.filter(pk__in=decisions_annee.exclude(lot__isnull=True).values("lot_id")).order_by(
            "importe_le"
        )[:30]
    )
    saisies = decisions_annee.filter(source=DecisionCaleol.Source.PLATEFORME).count()
    return {
        "seuil_q1": resultat["seuil_q1"],
        "seuil_q1_texte": formats.euros(resultat["seuil_q1"]),
        "annee_seuil": resultat["annee_seuil"],
        "arrete_seuil": resultat["arrete_seuil"],
        "provisoire": resultat["provisoire"],
        "seuils": [
            {
                "annee": s.annee,
                "seuil_q1": formats.euros(s.seuil_q1),
                "arrete": s.arrete,
                "date_effet": s.date_effet,
                "utilise": s.annee == resultat["annee_seuil"],
            }
            for s in seuils
        ],
        "taux_legaux": [
            {"objectif": t.get_objectif_display(), "taux": formats.pourcentage(t.taux), "source": t.source}
            for t in taux
        ],
        "cibles_locales": [
            {
                "objectif": c.get_objectif_display(),
                "taux": c.taux_texte,
                "perimetre": str(c.organisation or "Tout le territoire"),
                "source": c.source_texte,
            }
            for c in cibles
        ],
        "lots": [
            {"nom": lot.nom_fichier, "date": timezone.localtime(lot.importe_le), "lignes": lot.nb_lignes}
            for lot in lots
        ],
        "saisies": saisies,
        "secret": regle.seuil,
        "regle_secret": regle.texte,
    }


def _section_flux(annee: int, bailleur: Bailleur | None, reservataire: Reservataire | None) -> Section:
    """Flow owed and delivered per agreement (R. 441-5: gestion en flux), from attributions.vacances.flux."""
    from attributions.vacances import flux

    section = Section(code="flux", titre="Flux dû et flux livré")
    if bailleur is not None:
        blocs = [(bailleur, b) for b in flux.rapport_flux(bailleur, annee)]
    else:
        bailleurs = Bailleur.objects.filter(
            pk__in=flux.conventions_de_l_annee(annee).filter(reservataire=reservataire).values("bailleur")
        ).order_by(ordre_fr("nom"))
        blocs = [(b, bloc) for b in bailleurs for bloc in flux.rapport_flux(b, annee, reservataires={reservataire.pk})]
    for org, bloc in blocs:
        prefixe = f"{org.nom} – " if reservataire is not None else ""
        section.tableaux.append(
            Tableau(
                code=f"flux_{org.pk}_{len(section.tableaux)}",
                titre=f"{prefixe}{bloc.perimetre} : base {bloc.base} ({bloc.mis_en_location} mis en location, "
                f"{bloc.deduits} déduits)",
                colonnes=[
                    Colonne("Réservataire", "texte"),
                    Colonne("Part du flux", "taux"),
                    Colonne("Dû", "decimal"),
                    Colonne("Livré", "nombre"),
                    Colonne("Écart", "decimal"),
                ],
                lignes=[
                    [
                        str(ligne["reservataire"]),
                        float(ligne["part"]),
                        float(ligne["du"]),
                        ligne["livre"],
                        float(ligne["ecart"]),
                    ]
                    for ligne in bloc.lignes
                ],
                note=" ".join(bloc.alertes),
            )
        )
    return section


def section_quartiers(epci: Epci, annee: int) -> Section | None:
    """The neighbourhoods' classes of the last classification on data up to 31 December of the year
    (docs/quartiers.md), or None when the territory has none."""
    classement = classement_au(epci, dt.date(annee, 12, 31))
    if classement is None:
        return None
    resultats = classement.resultats.select_related("quartier__commune").order_by(ordre_fr("quartier__nom"))
    tableau = Tableau(
        code="quartiers",
        titre="Classe de chaque quartier",
        colonnes=[
            Colonne("Quartier", "texte"),
            Colonne("Type", "texte"),
            Colonne("Commune", "texte"),
            Colonne("Score (sur 100)", "decimal"),
            Colonne("Classe", "texte"),
        ],
        lignes=[
            [
                r.quartier.nom,
                r.quartier.get_type_display(),
                r.quartier.commune.nom,
                None if r.score is None else float(r.score),
                r.classe_libelle or "non classé",
            ]
            for r in resultats
        ],
        note=(
            f"Classement du {timezone.localtime(classement.calcule_le):%d/%m/%Y}, données du "
            f"{classement.periode_debut:%d/%m/%Y} au {classement.jour:%d/%m/%Y}, version "
            f"{classement.referentiel.version} du référentiel des quartiers."
        ),
    )
    return Section(code="quartiers", titre="Référentiel des quartiers", tableaux=[tableau])


# --- Entry point ------------------------------------------------------------------------------


def bilan(
    epci: Epci,
    annee: int,
    *,
    kind: str = CIL,
    bailleur: Bailleur | None = None,
    reservataire: Reservataire | None = None,
    auteur: str = "",
) -> Bilan:
    """Everything a balance sheet shows. Raises ObjectifsIndisponibles when no threshold is loaded."""
    if kind == BAILLEUR and bailleur is None:
        raise ValueError("Le bilan d'un bailleur nécessite un bailleur.")
    if kind == RESERVATAIRE and reservataire is None:
        raise ValueError("Le bilan d'un réservataire nécessite un réservataire.")
    regle = regle_secret(epci, timezone.localdate())
    secret = regle.seuil
    queryset = _decisions(kind, bailleur, reservataire)
    organisations = {
        "bailleur": {bailleur.pk} if bailleur is not None else set(),
        "reservataire": {reservataire.pk} if reservataire is not None else set(),
    }
    resultat = calcule_objectifs_epci(
        epci, annee, queryset=queryset, details=(kind == CIL), organisations=organisations
    )
    precedent = _objectifs_ou_rien(epci, annee - 1, queryset)
    historique = {annee: resultat}
    historique[annee - 1] = precedent
    historique[annee - 2] = _objectifs_ou_rien(epci, annee - 2, queryset)
    decisions_annee = decisions_de_l_annee(epci, annee, queryset)
    comptees = decisions_annee.filter(q_decision_comptee(annee))
    synthese = _synthese(resultat, precedent, annee)

    sections: list[Section] = []
    synth = Section(
        code="synthese",
        titre="Synthèse des objectifs",
        tableaux=[_tableau_synthese(synthese, annee)],
    )
    sections.append(synth)
    locales = section_cibles_locales(resultat, annee)
    if locales is not None:
        sections.append(locales)

    if kind == CIL:
        perimetre = "Toutes les attributions du territoire"
        titre = f"Bilan annuel des attributions {annee}"
        sous_titre = f"Conférence intercommunale du logement – {epci.nom}"
        sections.append(
            Section(
                code="bailleurs",
                titre="Objectifs par bailleur",
                tableaux=[
                    _tableau_objectifs(
                        "objectifs_bailleurs", "Objectifs par bailleur", resultat["bailleurs"], secret=None
                    )
                ],
            )
        )
        sections.append(
            Section(
                code="reservataires",
                titre="Objectif C par réservataire",
                tableaux=[_tableau_reservataires(resultat, "Objectif C par réservataire")],
            )
        )
        note_secret = (
            f"Effectifs inférieurs à {secret} masqués (« < {secret} »), ainsi que les cases et taux qui "
            "permettraient de les retrouver."
        )
        sections.append(
            Section(
                code="communes",
                titre="Objectifs par commune",
                tableaux=[
                    _tableau_objectifs(
                        "objectifs_communes",
                        "Objectifs par commune",
                        sorted(resultat["communes"], key=lambda c: cle_fr(c["nom"])),
                        secret=secret,
                        note=note_secret,
                    )
                ],
            )
        )
        sections.append(
            Section(
                code="secteurs",
                titre="Objectifs par secteur",
                tableaux=[
                    _tableau_objectifs(
                        "objectifs_secteurs",
                        "Objectifs par secteur",
                        resultat["secteurs"],
                        secret=secret,
                        note=note_secret,
                    )
                ],
            )
        )
        mut = resultat["mutations"]
        sections.append(
            Section(
                code="mutations",
                titre="Mutations",
                tableaux=[
                    Tableau(
                        code="mutations_bailleurs",
                        titre="Mutations par bailleur",
                        colonnes=[
                            Colonne("Bailleur", "texte"),
                            Colonne("Attributions", "nombre"),
                            Colonne("Mutations", "nombre"),
                            Colonne("Taux", "taux"),
                            Colonne("Cible", "taux"),
                            Colonne("Cible locale", "taux"),
                        ],
                        lignes=[
                            [
                                b["nom"],
                                b["mutations"]["base"],
                                b["mutations"]["numerateur"],
                                _taux(b["mutations"]),
                                b["mutations"]["cible"],
                                b["mutations"]["cible_locale"],
                            ]
                            for b in resultat["bailleurs"]
                        ],
                        total=[
                            "Ensemble",
                            mut["base"],
                            mut["numerateur"],
                            _taux(mut),
                            mut["cible"],
                            mut["cible_locale"],
                        ],
                    )
                ],
            )
        )
        prio = _criteres(epci, annee, comptees, secret)
        prio.tableaux.append(
            repartition(comptees, "commune", secret=secret, titre="Attributions par commune et catégorie de ménage")
        )
        sections.append(prio)
    else:
        org = bailleur if kind == BAILLEUR else reservataire
        perimetre = (
            f"Attributions {'du bailleur' if kind == BAILLEUR else 'du réservataire'} {org.nom} sur le territoire"
        )
        titre = f"Bilan annuel {annee} des attributions en flux"
        sous_titre = f"{org.nom} – {epci.nom}"
        if kind == BAILLEUR:
            sections.append(
                Section(
                    code="reservataires",
                    titre="Attributions par réservataire",
                    tableaux=[
                        repartition(comptees, "reservataire", titre="Attributions par réservataire"),
                        _tableau_reservataires(resultat, "Objectif C par réservataire"),
                    ],
                )
            )
        else:
            sections.append(
                Section(
                    code="bailleurs",
                    titre="Attributions par bailleur",
                    tableaux=[repartition(comptees, "bailleur", titre="Attributions par bailleur")],
                )
            )
        sections.append(
            Section(
                code="caracteristiques",
                titre="Caractéristiques des logements attribués",
                tableaux=[
                    repartition(comptees, "typologie"),
                    repartition(comptees, "financement"),
                    repartition(comptees, "qpv", titre="Attributions en QPV et hors QPV"),
                    repartition(comptees, "periode", titre="Attributions par période de première mise en location"),
                    repartition(comptees, "commune", secret=secret),
                ],
            )
        )
        if kind == BAILLEUR:
            sections.append(section_mutations_bailleur(resultat, bailleur))
        sections.append(_section_flux(annee, bailleur, reservataire))
        sections.append(_criteres(epci, annee, comptees, secret))

    quartiers = section_quartiers(epci, annee)
    if quartiers is not None:
        sections.append(quartiers)

    delais_typo = delais_attente(comptees, "typologie", secret=secret, titre="Délais d'attente par typologie")
    delais_commune = delais_attente(comptees, "commune", secret=secret, titre="Délais d'attente par commune")
    sections.append(
        Section(
            code="delais",
            titre="Délais d'attente",
            tableaux=[delais_typo, delais_commune],
        )
    )
    return Bilan(
        kind=kind,
        epci=epci,
        annee=annee,
        titre=titre,
        sous_titre=sous_titre,
        perimetre=perimetre,
        resultat=resultat,
        precedent=precedent,
        synthese=synthese,
        sections=sections,
        methode=_methode(epci, annee, resultat, decisions_annee, regle),
        genere_le=timezone.localtime(),
        auteur=auteur,
        bailleur=bailleur,
        reservataire=reservataire,
        historique=historique,
    )
