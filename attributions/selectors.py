"""The objectives engine: conditional aggregation in SQL, one query per breakdown.

The counting conditions are written once, here, as Q objects: the engine's figures and the
drill-down lists behind them use the same conditions, so a figure always equals its list.
They implement attributions.rules (docs/droit/regles.md, platform decisions); tests check that the SQL
figures equal rules.calcule_objectifs on the same decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from cil.models import Bailleur, CibleLocale, Commune, Epci, Objectif, Reservataire, Secteur
from cil.selectors import SeuilApplique, cibles_locales_pour_annee, seuil_applicable, taux_legaux_pour_annee
from core.db import DureeJours
from core.erreurs import ErreurMetier
from core.pourcentages import texte_pourcentage

from . import rules
from .models import DecisionCaleol

RELOGEMENTS_A = rules.valeurs(rules.RELOGEMENTS_NUMERATEUR_A)


class ObjectifsIndisponibles(ErreurMetier):
    """The objectives cannot be computed (no threshold was ever loaded for the EPCI)."""


def _annee(champ: str, annee: int) -> Q:
    return Q(**{f"{champ}__gte": dt.date(annee, 1, 1), f"{champ}__lt": dt.date(annee + 1, 1, 1)})


def seuil_e4(seuil_q1: Decimal) -> int:
    """The threshold in ten-thousandths of a euro (exact integer, like ressources_annuelles_e4)."""
    return int(Decimal(seuil_q1) * 10000)


def q_premier_quartile(seuil_q1: Decimal, *, inclusif: bool = True) -> Q:
    """12 x R x 10 <= S x UC_tenths, in integers (docs/droit/regles.md, platform decision 5): exact everywhere."""
    lhs = F("ressources_annuelles_e4") * 10
    rhs = Cast(Value(seuil_e4(seuil_q1)), BigIntegerField()) * F("uc_dixiemes")
    return Q(LessThanOrEqual(lhs, rhs)) if inclusif else Q(GreaterThan(rhs, lhs))


def q_attribution(prefixe: str = "") -> Q:
    """rules.est_attribution on the ``type_decision`` of a decision (or a candidate: ``prefixe``)."""
    return Q(**{f"{prefixe}type_decision__in": rules.valeurs(rules.TYPES_ATTRIBUTION)})


def duree_attente(jour: dt.date | None = None):
    """The observed waiting time of an allocation, in days (the one rule: docs/observatoire.md): the date of the
    lease, failing that the date of the decision, minus the filing date of the demand.

    With ``jour``, a lease signed after ``jour`` was not known on that day: the decision date is used instead (a
    past date recomputed gives the figure of that date).
    """
    bail = F("date_bail") if jour is None else Case(When(date_bail__lte=jour, then=F("date_bail")))
    return DureeJours(Coalesce(bail, F("date_decision")), F("date_depot"))


def q_compte_pour_b_c(prefixe: str = "") -> Q:
    """rules.compte_pour_b_c on ``type_decision`` and ``rang``: one allocation per dwelling and commission."""
    return Q(**{f"{prefixe}type_decision__in": rules.valeurs(rules.TYPES_COMPTES_SANS_RANG)}) | Q(
        **{f"{prefixe}type_decision": str(rules.TYPE_CLASSEMENT), f"{prefixe}rang": rules.RANG_COMPTE}
    )


def q_base_hors_qpv(annee: int) -> Q:
    """A: allocations followed by a lease signed in the year, the dwelling outside QPV at the lease."""
    return _annee("date_bail", annee) & q_attribution() & Q(en_qpv_au_bail=False)


def q_num_hors_qpv(annee: int, seuil_q1: Decimal) -> Q:
    return q_base_hors_qpv(annee) & (q_premier_quartile(seuil_q1) | Q(relogement__in=RELOGEMENTS_A))


def q_decision_comptee(annee: int) -> Q:
    """B and C: one allocation per dwelling and commission, in the year of the decision."""
    return _annee("date_decision", annee) & q_compte_pour_b_c()


def q_base_qpv(annee: int) -> Q:
    return q_decision_comptee(annee) & Q(qpv__isnull=False)


def q_num_qpv(annee: int, seuil_q1: Decimal) -> Q:
    return q_base_qpv(annee) & ~q_premier_quartile(seuil_q1)


def q_base_prioritaires(annee: int) -> Q:
    return q_decision_comptee(annee)


def q_prioritaire() -> Q:
    """rules.est_prioritaire on a decision: a favourable DALO decision, failing that L. 441-1 priority."""
    return Q(dalo=True) | Q(prioritaire=True)


def q_num_prioritaires(annee: int) -> Q:
    return q_decision_comptee(annee) & q_prioritaire()


def q_num_mutations(annee: int) -> Q:
    return q_decision_comptee(annee) & Q(mutation=True)


OBJECTIFS = ("hors_qpv", "qpv", "prioritaires", "mutations")


def conditions(annee: int, seuil_q1: Decimal) -> dict[str, dict[str, Q]]:
    """For each objective, the condition of its base and of its numerator."""
    return {
        "hors_qpv": {"base": q_base_hors_qpv(annee), "numerateur": q_num_hors_qpv(annee, seuil_q1)},
        "qpv": {"base": q_base_qpv(annee), "numerateur": q_num_qpv(annee, seuil_q1)},
        "prioritaires": {"base": q_base_prioritaires(annee), "numerateur": q_num_prioritaires(annee)},
        "mutations": {"base": q_decision_comptee(annee), "numerateur": q_num_mutations(annee)},
    }


def attributions_du_menage(numero_unique: str, logement) -> QuerySet:
    """The allocation decisions (rules.est_attribution) of one household (its demand's number) for one dwelling,
    whether imported or recorded in the platform."""
    return DecisionCaleol.objects.filter(q_attribution(), numero_unique=numero_unique, logement=logement)


def decisions_de_l_annee(epci: Epci, annee: int, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else DecisionCaleol.objects.all()
    return qs.filter(epci=epci).filter(_annee("date_decision", annee) | _annee("date_bail", annee))


def _aggregats(annee: int, seuil_q1: Decimal) -> dict:
    conds = conditions(annee, seuil_q1)
    aggregats = {}
    for objectif, parts in conds.items():
        for part, condition in parts.items():
            aggregats[f"{objectif}__{part}"] = Count("pk", filter=condition)
    aggregats["hors_qpv__q1"] = Count("pk", filter=q_base_hors_qpv(annee) & q_premier_quartile(seuil_q1))
    aggregats["hors_qpv__relogement"] = Count("pk", filter=q_base_hors_qpv(annee) & Q(relogement__in=RELOGEMENTS_A))
    aggregats["prioritaires__dalo"] = Count("pk", filter=q_decision_comptee(annee) & Q(dalo=True))
    return aggregats


# The cube: the year's decisions of an EPCI counted once, grouped by landlord, holder (and whether it is still to be
# named) and commune. Every figure of the engine (the EPCI's totals, each holder's objective C, the breakdowns by
# landlord, commune and sector, each local target's scope, and a landlord's or holder's own share) is a sum of its
# rows, so the same rows serve the whole territory and any organisation's share, live or from a snapshot.
CLES_CUBE = ("bailleur_id", "reservataire_id", "reservataire_a_qualifier", "commune_id")
CHIFFRES = tuple(_aggregats(2000, Decimal(0)))  # the counts of a row, in this order after its four keys


@dataclass
class Cube:
    """Rows ``[bailleur_id, reservataire_id, a_qualifier (0/1), commune_id, *counts]`` (counts in CHIFFRES order)."""

    lignes: list[list[int]]

    def restreint(self, *, bailleurs=(), reservataires=()) -> Cube:
        """The rows of a partial view: the decisions of the user's landlords or holders (as decisions_for_user)."""
        bailleurs, reservataires = set(bailleurs), set(reservataires)
        return Cube([ligne for ligne in self.lignes if ligne[0] in bailleurs or ligne[1] in reservataires])

    @staticmethod
    def somme(lignes) -> dict[str, int]:
        colonnes = list(zip(*(ligne[4:] for ligne in lignes), strict=True))
        if not colonnes:
            return dict.fromkeys(CHIFFRES, 0)
        return dict(zip(CHIFFRES, map(sum, colonnes), strict=True))

    def groupes(self, cle) -> dict:
        """The sums of the rows by ``cle(row)`` (a key that is None leaves the row out)."""
        par_cle: dict = {}
        for ligne in self.lignes:
            k = cle(ligne)
            if k is not None:
                par_cle.setdefault(k, []).append(ligne)
        return {k: self.somme(lignes) for k, lignes in par_cle.items()}

    def lignes_de(self, champ: str, pk, secteurs: dict[int, set[int]] | None = None) -> list:
        """The rows of a local target's scope (``_portee``)."""
        if champ == "epci":
            return self.lignes
        if champ == "secteur":
            communes = (secteurs or {}).get(pk, set())
            return [ligne for ligne in self.lignes if ligne[3] in communes]
        position = {"bailleur": 0, "reservataire": 1, "commune": 3}[champ]
        return [ligne for ligne in self.lignes if ligne[position] == pk]


def compte_cube(epci: Epci, annee: int, seuil_q1: Decimal, queryset: QuerySet | None = None) -> Cube:
    """One aggregate query over the year's decisions of the EPCI (``queryset`` restricts them)."""
    base = decisions_de_l_annee(epci, annee, queryset)
    rows = base.values(*CLES_CUBE).annotate(**_aggregats(annee, seuil_q1)).order_by()
    lignes = [
        [row["bailleur_id"], row["reservataire_id"], int(row["reservataire_a_qualifier"]), row["commune_id"]]
        + [row[c] for c in CHIFFRES]
        for row in rows
    ]
    lignes.sort()
    return Cube(lignes)


def secteurs_de(epci: Epci) -> dict[int, tuple[str, set[int]]]:
    """The EPCI's sectors: pk -> (name, its communes)."""
    secteurs: dict[int, tuple[str, set[int]]] = {
        pk: (nom, set()) for pk, nom in Secteur.objects.filter(epci=epci).values_list("pk", "nom")
    }
    for secteur_id, commune_id in Secteur.communes.through.objects.filter(secteur__epci=epci).values_list(
        "secteur_id", "commune_id"
    ):
        secteurs[secteur_id][1].add(commune_id)
    return secteurs


# Objectives of a local target -> keys of the engine's result (and of F2).
CODES_CIBLES = {
    Objectif.HORS_QPV: "hors_qpv",
    Objectif.QPV: "qpv",
    Objectif.PRIORITAIRES: "prioritaires",
    Objectif.MUTATIONS: "mutations",
}


def _portee(locale: CibleLocale) -> tuple[str, int | None]:
    for champ in ("bailleur", "reservataire", "secteur", "commune"):
        pk = getattr(locale, f"{champ}_id")
        if pk is not None:
            return champ, pk
    return "epci", None


def _en_vigueur(locales: list[CibleLocale]) -> list[CibleLocale]:
    """One target per objective and scope: when several were in force during the year, the latest start wins."""
    retenues: dict[tuple, CibleLocale] = {}
    for locale in sorted(locales, key=lambda c: (c.date_debut, c.pk or 0)):
        retenues[(locale.objectif, *_portee(locale))] = locale
    return list(retenues.values())


@dataclass
class Cibles:
    """The legal targets of the year, and the local targets in force beside them (never in their place)."""

    legales: dict[str, Decimal]
    locales: list[CibleLocale]

    def __post_init__(self):
        self.locales = _en_vigueur(self.locales)

    def legale(self, objectif: str) -> Decimal | None:
        return self.legales.get(objectif)

    def locale(
        self, objectif: str, *, bailleur_id=None, reservataire_id=None, secteur_id=None, commune_id=None
    ) -> CibleLocale | None:
        """The local target of a scope: the one the CIL set for it (a landlord's or holder's own commitment),
        else the one set for the whole territory; None when there is neither."""
        scope = {"bailleur": bailleur_id, "reservataire": reservataire_id, "secteur": secteur_id, "commune": commune_id}
        territoire = None
        for locale in self.locales:
            if locale.objectif != objectif:
                continue
            champ, pk = _portee(locale)
            if champ == "epci":
                territoire = locale
            elif scope[champ] is not None and scope[champ] == pk:
                return locale
        return territoire


def _jour(jour) -> str | None:
    return jour.isoformat() if jour else None


def _source_locale(locale: CibleLocale) -> dict:
    version = locale.version
    return {
        "id": locale.pk,
        "source": locale.source_texte,
        "document": str(version.document) if version else (locale.source or None),
        "version_id": locale.version_id,
        "article": locale.article or None,
        "date_debut": _jour(locale.date_debut),
        "date_fin": _jour(locale.date_fin),
    }


def _resultat_cible(base: int, numerateur: int, cible: Decimal) -> dict:
    """A figure against a target, by the exact rule of the legal targets (Platform decision 10)."""
    t = rules.taux(numerateur, base)
    return {
        "cible": float(cible),
        "cible_texte": texte_pourcentage(cible),
        "ecart": float(t - cible) if t is not None else None,
        "manque": rules.manque(numerateur, base, cible),
        "atteint": rules.atteint(numerateur, base, cible),
        "taux_texte": rules.taux_affiche(numerateur, base, cible),
    }


def _indicateur(base: int, numerateur: int, cible: Decimal | None, locale: CibleLocale | None = None) -> dict:
    """A figure against its legal target (``cible``); the local target, when one applies, stands beside it."""
    t = rules.taux(numerateur, base)
    return {
        "base": base,
        "numerateur": numerateur,
        "taux": float(t) if t is not None else None,
        "cible": float(cible) if cible is not None else None,
        "ecart": float(t - cible) if t is not None and cible is not None else None,
        "manque": rules.manque(numerateur, base, cible) if cible is not None else None,
        "atteint": rules.atteint(numerateur, base, cible),
        "taux_texte": rules.taux_affiche(numerateur, base, cible),
        "cible_locale": float(locale.taux) if locale is not None else None,
        "locale": {**_resultat_cible(base, numerateur, locale.taux), **_source_locale(locale)} if locale else None,
    }


def _ligne(row: dict, cibles: Cibles, **scope) -> dict:
    return {
        code: _indicateur(
            row[f"{code}__base"],
            row[f"{code}__numerateur"],
            cibles.legale(objectif),
            cibles.locale(objectif, **scope),
        )
        for objectif, code in CODES_CIBLES.items()
    }


def _perimetre_locale(locale: CibleLocale) -> dict:
    champ, _pk = _portee(locale)
    org = locale.organisation
    nom = str(org) if org else "Tout le territoire"
    perimetre = {"type": champ.upper(), "pk": getattr(org, "pk", None), "nom": nom}
    if champ == "bailleur":
        perimetre["id"] = org.siren
    elif champ == "reservataire":
        perimetre.update(id=org.code, reservataire_type=org.type)
    elif champ == "commune":
        perimetre["id"] = org.code_insee
    elif champ == "secteur":
        perimetre["id"] = str(org.pk)
    else:
        perimetre["id"] = ""
    return perimetre


def _retenues(cibles: Cibles, organisations) -> list[CibleLocale]:
    retenues = []
    for locale in cibles.locales:
        champ, pk = _portee(locale)
        if organisations is not None and champ != "epci" and pk not in organisations.get(champ, ()):
            continue
        if locale.objectif in CODES_CIBLES:
            retenues.append(locale)
    return retenues


def evalue_cibles_locales(cube: Cube, cibles: Cibles, *, organisations=None, secteurs=None) -> list:
    """Each local target in force against the figure of its own scope, beside the legal target (sums of the cube).

    ``organisations``: on a partial view (a landlord's or holder's own decisions), the targets kept besides
    those of the whole territory: ``{"bailleur": {pk, ...}, "reservataire": {pk, ...}}``; None keeps all.
    """
    retenues = _retenues(cibles, organisations)
    if not retenues:
        return []
    resultats = []
    for locale in retenues:
        code = CODES_CIBLES[locale.objectif]
        chiffres = cube.somme(cube.lignes_de(*_portee(locale), secteurs=secteurs))
        n, num = chiffres[f"{code}__base"], chiffres[f"{code}__numerateur"]
        objectif_legal = locale.objectif
        if locale.reservataire_id and locale.reservataire.type in rules.TYPES_RESERVATAIRE_ETAT:
            objectif_legal = Objectif.PRIORITAIRES_ETAT
        legale = cibles.legale(objectif_legal)
        t = rules.taux(num, n)
        resultats.append(
            {
                "objectif": code,
                "objectif_libelle": locale.get_objectif_display(),
                "perimetre": _perimetre_locale(locale),
                "base": n,
                "numerateur": num,
                "taux": float(t) if t is not None else None,
                **_resultat_cible(n, num, locale.taux),
                "cible_legale": float(legale) if legale is not None else None,
                "atteint_legale": rules.atteint(num, n, legale),
                "taux_texte_legale": rules.taux_affiche(num, n, legale),
                **_source_locale(locale),
            }
        )
    ordre = {"hors_qpv": 0, "qpv": 1, "prioritaires": 2, "mutations": 3}
    types = {"EPCI": 0, "BAILLEUR": 1, "RESERVATAIRE": 2, "SECTEUR": 3, "COMMUNE": 4}
    resultats.sort(key=lambda r: (ordre[r["objectif"]], types[r["perimetre"]["type"]], r["perimetre"]["nom"]))
    return resultats


def _nombre(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def seuil_pour(epci: Epci, annee: int) -> SeuilApplique:
    seuil = seuil_applicable(epci, annee)
    if seuil.seuil_q1 is None:
        raise ObjectifsIndisponibles(
            f"Aucun seuil du premier quartile n'est chargé pour {epci.nom} ({epci.siren}) : "
            "chargez les référentiels (import_referentiels) ou saisissez le seuil dans l'administration."
        )
    return seuil


def calcule_objectifs_epci(
    epci: Epci, annee: int, *, queryset: QuerySet | None = None, details: bool = True, organisations=None
) -> dict:
    """F2 for one EPCI and year, plus breakdowns by landlord, commune and sector when ``details``, counted live.

    ``queryset`` restricts the decisions (a landlord's staff sees only their decisions); on such a partial
    view the local targets shown are those of the whole territory and those of ``organisations`` (see
    ``evalue_cibles_locales``). Every figure carries its legal target (``cible``) and, beside it, the local
    target that applies (``cible_locale``, ``locale``); ``cibles_locales`` lists each local target in force
    against the figure of its own scope. The pages read the same figures from a snapshot's cube
    (``services.cube_a_jour``, then ``objectifs_du_cube``).
    """
    seuil = seuil_pour(epci, annee)
    cube = compte_cube(epci, annee, seuil.seuil_q1, queryset)
    if queryset is not None and organisations is None:
        organisations = {}
    return objectifs_du_cube(
        epci, annee, seuil, cube, details=details, organisations=organisations if queryset is not None else None
    )


def _figures_du_total(total: dict, cibles: Cibles) -> dict:
    """The four figures of a cube's total (objectives A, B, C and the transfers) against the legal targets and,
    when ``cibles`` holds some, the local targets of the whole territory: a breakdown's line (``_ligne``) with
    the total's own details."""
    figures = _ligne(total, cibles)
    figures["hors_qpv"].update(premier_quartile=total["hors_qpv__q1"], relogement=total["hors_qpv__relogement"])
    figures["prioritaires"]["dalo"] = total["prioritaires__dalo"]
    return figures


def figures_de_l_annee(annee: int, seuil: SeuilApplique, cube: Cube) -> dict:
    """A year's four figures from its cube against the legal targets alone, as the comparison of years shows
    them: no local target, no holder, no breakdown (none of their queries). The same figures, by the same
    function, as ``objectifs_du_cube``'s; the cube restricted beforehand for a partial view."""
    cibles = Cibles(legales=taux_legaux_pour_annee(annee), locales=[])
    return {"annee": annee, "provisoire": seuil.provisoire, **_figures_du_total(cube.somme(cube.lignes), cibles)}


def objectifs_du_cube(
    epci: Epci, annee: int, seuil: SeuilApplique, cube: Cube, *, details: bool = True, organisations=None
) -> dict:
    """The engine's result from the cube's rows: names, legal and local targets are read now (a few small queries).

    ``organisations`` None: the whole territory; a dict (a partial view, the cube already restricted to the user's
    organisations): the local targets kept are the territory's and those of these organisations.
    """
    cibles = Cibles(legales=taux_legaux_pour_annee(annee), locales=cibles_locales_pour_annee(epci, annee))
    cible_etat = cibles.legales.get(Objectif.PRIORITAIRES_ETAT, Decimal("1"))
    figures = _figures_du_total(cube.somme(cube.lignes), cibles)
    # By reservation holder. A decision whose holder is still to be named (reservataire_a_qualifier) counts in the
    # territory's totals but in no holder's objective C: its group is reported apart, as "réservataire à qualifier".
    groupes = cube.groupes(lambda ligne: (ligne[1], ligne[2]))
    noms = {
        r.pk: r
        for r in Reservataire.objects.filter(pk__in=[pk for (pk, _q), g in groupes.items() if g["prioritaires__base"]])
    }
    reservataires = []
    a_qualifier = {"base": 0, "numerateur": 0, "dalo": 0}
    for (reservataire_id, qualifier), groupe in groupes.items():
        if not groupe["prioritaires__base"]:
            continue
        if qualifier:
            a_qualifier["base"] += groupe["prioritaires__base"]
            a_qualifier["numerateur"] += groupe["prioritaires__numerateur"]
            a_qualifier["dalo"] += groupe["prioritaires__dalo"]
            continue
        reservataire = noms[reservataire_id]
        etat = reservataire.type in rules.TYPES_RESERVATAIRE_ETAT
        cible = cible_etat if etat else cibles.legale(Objectif.PRIORITAIRES)
        locale = cibles.locale(Objectif.PRIORITAIRES, reservataire_id=reservataire.pk)
        reservataires.append(
            {
                "type": reservataire.type,
                "id": reservataire.code,
                "nom": reservataire.nom,
                "pk": reservataire.pk,
                **_indicateur(groupe["prioritaires__base"], groupe["prioritaires__numerateur"], cible, locale),
                "dalo": groupe["prioritaires__dalo"],
            }
        )
    reservataires.sort(key=lambda r: (r["type"], r["id"]))
    secteurs = None
    if details or any(_portee(c)[0] == "secteur" for c in cibles.locales):
        secteurs = secteurs_de(epci)

    resultat = {
        "epci": epci.siren,
        "epci_nom": epci.nom,
        "annee": annee,
        "seuil_q1": _nombre(seuil.seuil_q1),
        "annee_seuil": seuil.annee_seuil,
        "arrete_seuil": seuil.arrete,
        "provisoire": seuil.provisoire,
        "hors_qpv": figures["hors_qpv"],
        "qpv": figures["qpv"],
        "reservataires": reservataires,
        "reservataires_a_qualifier": a_qualifier,
        "prioritaires": figures["prioritaires"],
        "mutations": figures["mutations"],
        "cibles_locales": evalue_cibles_locales(
            cube, cibles, organisations=organisations, secteurs={pk: c for pk, (_n, c) in (secteurs or {}).items()}
        ),
    }
    if details:
        par_bailleur = cube.groupes(lambda ligne: ligne[0])
        resultat["bailleurs"] = [
            {"id": siren, "nom": nom, "pk": pk, **_ligne(par_bailleur[pk], cibles, bailleur_id=pk)}
            for pk, siren, nom in Bailleur.objects.filter(pk__in=par_bailleur)
            .order_by("nom", "pk")
            .values_list("pk", "siren", "nom")
        ]
        par_commune = cube.groupes(lambda ligne: ligne[3])
        resultat["communes"] = [
            {"id": code, "nom": nom, "pk": pk, **_ligne(par_commune[pk], cibles, commune_id=pk)}
            for pk, code, nom in Commune.objects.filter(pk__in=par_commune)
            .order_by("nom", "pk")
            .values_list("pk", "code_insee", "nom")
        ]
        resultat["secteurs"] = []
        for pk, (nom, communes) in (secteurs or {}).items():
            presentes = [par_commune[c] for c in communes if c in par_commune]
            if presentes:  # a sector's figure is the sum of its communes' (a commune may be in several sectors)
                somme = {cle: sum(c[cle] for c in presentes) for cle in CHIFFRES}
                resultat["secteurs"].append({"id": pk, "nom": nom, "pk": pk, **_ligne(somme, cibles, secteur_id=pk)})
        resultat["secteurs"].sort(key=lambda s: (s["nom"], s["pk"]))
    return resultat


def decisions_a_qualifier(epci: Epci, queryset: QuerySet | None = None) -> QuerySet:
    """The allocations of the territory whose reservation holder is still to be named (national code COLTER or
    AUTRES of the SNE), oldest lease first: the list "réservataire à qualifier" of the objectives page."""
    qs = queryset if queryset is not None else DecisionCaleol.objects.all()
    return (
        qs.filter(epci=epci, reservataire_a_qualifier=True)
        .select_related("reservataire", "logement", "bailleur", "commune")
        .order_by("date_bail", "date_decision", "pk")
    )


def liste_decisions(epci: Epci, annee: int, objectif: str, part: str, queryset: QuerySet | None = None) -> QuerySet:
    """The decisions behind one figure: ``objectif`` in OBJECTIFS, ``part`` 'base' or 'numerateur'."""
    if objectif not in OBJECTIFS or part not in ("base", "numerateur"):
        raise ValueError("objectif ou part inconnu")
    seuil = seuil_pour(epci, annee)
    condition = conditions(annee, seuil.seuil_q1)[objectif][part]
    return decisions_de_l_annee(epci, annee, queryset).filter(condition)


CLES_CIBLE_LOCALE_F2 = ("cible", "base", "numerateur", "taux", "atteint", "cible_legale", "source", "article",
                        "date_debut", "date_fin")  # fmt: skip


def f2(resultat: dict) -> dict:
    """The keys of docs/formats.md, F2 (guaranteed), and the local targets beside the legal ones when there are some.

    ``cible`` is the legal target. Where a local target applies, the figure gets ``cible_locale`` (the
    fraction) beside it, and ``cibles_locales`` lists each local target in force with its scope, its result
    and its source. Without local targets the output is exactly the historical F2.
    """

    def ind(d):
        sortie = {k: d[k] for k in ("base", "numerateur", "taux", "cible")}
        if d.get("cible_locale") is not None:
            sortie["cible_locale"] = d["cible_locale"]
        return sortie

    sortie = {
        "epci": resultat["epci"],
        "annee": resultat["annee"],
        "seuil_q1": resultat["seuil_q1"],
        "provisoire": resultat["provisoire"],
        "hors_qpv": ind(resultat["hors_qpv"]),
        "qpv": ind(resultat["qpv"]),
        "reservataires": [{"type": r["type"], "id": r["id"], **ind(r)} for r in resultat["reservataires"]],
    }
    if resultat.get("cibles_locales"):
        sortie["cibles_locales"] = [
            {
                "objectif": c["objectif"],
                "perimetre": {k: v for k, v in c["perimetre"].items() if k != "pk"},
                **{k: c[k] for k in CLES_CIBLE_LOCALE_F2},
            }
            for c in resultat["cibles_locales"]
        ]
    return sortie


# --- Simulation of next year's first-quartile threshold from the platform's demands ---------------------


@dataclass(frozen=True)
class SimulationSeuil:
    """The first-quartile threshold the platform's demands would give (docs/droit/regles.md §2.1): the highest
    resources per consumption unit within the quarter of active demands with the lowest resources."""

    annee_cible: int
    date_reference: dt.date
    nb_demandes: int
    seuil_simule: Decimal | None
    seuil_en_vigueur: Decimal | None


def _moins_14_ans(jour: dt.date) -> dt.date:
    """The latest birth date of a person aged 14 or more on ``jour`` (29 February -> 28 February)."""
    try:
        return jour.replace(year=jour.year - rules.AGE_SEUIL_UC)
    except ValueError:
        return jour.replace(year=jour.year - rules.AGE_SEUIL_UC, day=28)


def simule_seuil(epci: Epci, annee: int, *, jour: dt.date | None = None) -> SimulationSeuil:
    """Demands active on 31 December of ``annee`` (or on ``jour`` if earlier), their resources per UC, and
    the value at the first quartile (rank ceil(n/4) in ascending order), all computed in SQL."""
    from django.db.models import DecimalField, ExpressionWrapper, IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from demandes.models import Demande, MembreMenage, Ressource
    from demandes.selectors import q_en_cours

    reference = dt.date(annee, 12, 31)
    if jour is not None and jour < reference:
        reference = jour
    limite_14 = _moins_14_ans(reference)
    actives = Demande.objects.filter(q_en_cours(reference), epci=epci)

    def compte(condition: Q):
        return Coalesce(
            Subquery(
                MembreMenage.objects.filter(condition, demande=OuterRef("pk"))
                .order_by()
                .values("demande")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    ressources = Coalesce(
        Subquery(
            Ressource.objects.filter(demande=OuterRef("pk"))
            .exclude(nature__in=Ressource.NATURES_EXCLUES)
            .order_by()
            .values("demande")
            .annotate(total=Sum("montant_mensuel"))
            .values("total"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    qs = actives.annotate(
        n14=compte(Q(date_naissance__lte=limite_14)),
        nm14=compte(Q(date_naissance__gt=limite_14, date_naissance__lte=reference)),
        mensuel=ressources,
    ).annotate(
        ruc=ExpressionWrapper(
            F("mensuel")
            * 120
            / (
                Value(rules.DIXIEMES_DEMANDEUR)
                + F("n14") * rules.DIXIEMES_14_ANS_ET_PLUS
                + F("nm14") * rules.DIXIEMES_MOINS_14_ANS
            ),
            output_field=DecimalField(max_digits=14, decimal_places=4),
        )
    )
    nb = actives.count()
    seuil_simule = None
    if nb:
        rang = -(-nb // 4) - 1  # ceil(n/4) - 1, 0-based
        valeur = qs.order_by("ruc", "pk").values_list("ruc", flat=True)[rang]
        seuil_simule = Decimal(valeur).quantize(Decimal("0.01"))
    en_vigueur = seuil_applicable(epci, annee + 1)
    return SimulationSeuil(
        annee_cible=annee + 1,
        date_reference=reference,
        nb_demandes=nb,
        seuil_simule=seuil_simule,
        seuil_en_vigueur=en_vigueur.seuil_q1 if not en_vigueur.provisoire else None,
    )
