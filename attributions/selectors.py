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

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from cil.models import CibleLocale, Epci, Objectif, Reservataire, Secteur
from cil.selectors import SeuilApplique, cibles_locales_pour_annee, seuil_applicable, taux_legaux_pour_annee
from core.erreurs import ErreurMetier

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


def q_num_prioritaires(annee: int) -> Q:
    return q_decision_comptee(annee) & (Q(dalo=True) | Q(prioritaire=True))


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


@dataclass
class Cibles:
    legales: dict[str, Decimal]
    locales: list[CibleLocale]

    def pour(self, objectif: str, *, bailleur_id=None, reservataire_id=None, secteur_id=None) -> Decimal | None:
        """The target in force: the legal minimum, or the strictest applicable local target."""
        cible = self.legales.get(objectif)
        for locale in self.locales:
            if locale.objectif != objectif:
                continue
            generale = not (locale.bailleur_id or locale.reservataire_id or locale.secteur_id)
            specifique = (
                (bailleur_id is not None and locale.bailleur_id == bailleur_id)
                or (reservataire_id is not None and locale.reservataire_id == reservataire_id)
                or (secteur_id is not None and locale.secteur_id == secteur_id)
            )
            if generale or specifique:
                cible = locale.taux if cible is None else max(cible, locale.taux)
        return cible


def _indicateur(base: int, numerateur: int, cible: Decimal | None) -> dict:
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
    }


def _ligne(row: dict, cibles: Cibles, **scope) -> dict:
    cible_c = cibles.pour(Objectif.PRIORITAIRES, **scope)
    return {
        "hors_qpv": _indicateur(
            row["hors_qpv__base"], row["hors_qpv__numerateur"], cibles.pour(Objectif.HORS_QPV, **scope)
        ),
        "qpv": _indicateur(row["qpv__base"], row["qpv__numerateur"], cibles.pour(Objectif.QPV, **scope)),
        "prioritaires": _indicateur(row["prioritaires__base"], row["prioritaires__numerateur"], cible_c),
        "mutations": _indicateur(
            row["mutations__base"], row["mutations__numerateur"], cibles.pour(Objectif.MUTATIONS, **scope)
        ),
    }


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


def calcule_objectifs_epci(epci: Epci, annee: int, *, queryset: QuerySet | None = None, details: bool = True) -> dict:
    """F2 for one EPCI and year, plus breakdowns by landlord, commune and sector when ``details``.

    ``queryset`` restricts the decisions (a landlord's staff sees only their decisions).
    """
    seuil = seuil_pour(epci, annee)
    cibles = Cibles(legales=taux_legaux_pour_annee(annee), locales=cibles_locales_pour_annee(epci, annee))
    base = decisions_de_l_annee(epci, annee, queryset)
    aggregats = _aggregats(annee, seuil.seuil_q1)
    cible_etat = cibles.legales.get(Objectif.PRIORITAIRES_ETAT, Decimal("1"))

    # One scan of the year's decisions, grouped by reservation holder: the EPCI's totals are the sums of
    # these few groups (one row per holder), so the whole F2 costs a single aggregate query.
    groupes = list(base.values("reservataire_id").annotate(**aggregats).order_by())
    total = {cle: sum(g[cle] for g in groupes) for cle in aggregats}
    noms = {
        r.pk: r
        for r in Reservataire.objects.filter(pk__in=[g["reservataire_id"] for g in groupes if g["prioritaires__base"]])
    }
    reservataires = []
    for groupe in groupes:
        if not groupe["prioritaires__base"]:
            continue
        reservataire = noms[groupe["reservataire_id"]]
        if reservataire.type in rules.TYPES_RESERVATAIRE_ETAT:
            cible = cible_etat
        else:
            cible = cibles.pour(Objectif.PRIORITAIRES, reservataire_id=reservataire.pk)
        reservataires.append(
            {
                "type": reservataire.type,
                "id": reservataire.code,
                "nom": reservataire.nom,
                "pk": reservataire.pk,
                **_indicateur(groupe["prioritaires__base"], groupe["prioritaires__numerateur"], cible),
                "dalo": groupe["prioritaires__dalo"],
            }
        )
    reservataires.sort(key=lambda r: (r["type"], r["id"]))

    resultat = {
        "epci": epci.siren,
        "epci_nom": epci.nom,
        "annee": annee,
        "seuil_q1": _nombre(seuil.seuil_q1),
        "annee_seuil": seuil.annee_seuil,
        "arrete_seuil": seuil.arrete,
        "provisoire": seuil.provisoire,
        "hors_qpv": {
            **_indicateur(total["hors_qpv__base"], total["hors_qpv__numerateur"], cibles.pour(Objectif.HORS_QPV)),
            "premier_quartile": total["hors_qpv__q1"],
            "relogement": total["hors_qpv__relogement"],
        },
        "qpv": _indicateur(total["qpv__base"], total["qpv__numerateur"], cibles.pour(Objectif.QPV)),
        "reservataires": reservataires,
        "prioritaires": {
            **_indicateur(
                total["prioritaires__base"], total["prioritaires__numerateur"], cibles.pour(Objectif.PRIORITAIRES)
            ),
            "dalo": total["prioritaires__dalo"],
        },
        "mutations": _indicateur(
            total["mutations__base"], total["mutations__numerateur"], cibles.pour(Objectif.MUTATIONS)
        ),
    }
    if details:
        resultat["bailleurs"] = [
            {
                "id": row["bailleur__siren"],
                "nom": row["bailleur__nom"],
                "pk": row["bailleur_id"],
                **_ligne(row, cibles, bailleur_id=row["bailleur_id"]),
            }
            for row in base.values("bailleur_id", "bailleur__siren", "bailleur__nom")
            .annotate(**aggregats)
            .order_by("bailleur__nom")
        ]
        resultat["communes"] = [
            {
                "id": row["commune__code_insee"],
                "nom": row["commune__nom"],
                "pk": row["commune_id"],
                **_ligne(row, cibles),
            }
            for row in base.values("commune_id", "commune__code_insee", "commune__nom")
            .annotate(**aggregats)
            .order_by("commune__nom")
        ]
        secteurs = {s.pk: s for s in Secteur.objects.filter(epci=epci)}
        resultat["secteurs"] = [
            {
                "id": row["commune__secteurs"],
                "nom": secteurs[row["commune__secteurs"]].nom,
                "pk": row["commune__secteurs"],
                **_ligne(row, cibles, secteur_id=row["commune__secteurs"]),
            }
            for row in base.filter(commune__secteurs__epci=epci)
            .values("commune__secteurs")
            .annotate(**aggregats)
            .order_by("commune__secteurs")
            if row["commune__secteurs"] in secteurs
        ]
        resultat["secteurs"].sort(key=lambda s: s["nom"])
    return resultat


def liste_decisions(epci: Epci, annee: int, objectif: str, part: str, queryset: QuerySet | None = None) -> QuerySet:
    """The decisions behind one figure: ``objectif`` in OBJECTIFS, ``part`` 'base' or 'numerateur'."""
    if objectif not in OBJECTIFS or part not in ("base", "numerateur"):
        raise ValueError("objectif ou part inconnu")
    seuil = seuil_pour(epci, annee)
    condition = conditions(annee, seuil.seuil_q1)[objectif][part]
    return decisions_de_l_annee(epci, annee, queryset).filter(condition)


def f2(resultat: dict) -> dict:
    """Exactly the keys of docs/formats.md, F2 (more keys are allowed, these are guaranteed)."""

    def ind(d):
        return {k: d[k] for k in ("base", "numerateur", "taux", "cible")}

    return {
        "epci": resultat["epci"],
        "annee": resultat["annee"],
        "seuil_q1": resultat["seuil_q1"],
        "provisoire": resultat["provisoire"],
        "hors_qpv": ind(resultat["hors_qpv"]),
        "qpv": ind(resultat["qpv"]),
        "reservataires": [{"type": r["type"], "id": r["id"], **ind(r)} for r in resultat["reservataires"]],
    }


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

    reference = dt.date(annee, 12, 31)
    if jour is not None and jour < reference:
        reference = jour
    limite_14 = _moins_14_ans(reference)
    actives = Demande.objects.filter(epci=epci, date_depot__lte=reference).filter(
        Q(date_radiation__isnull=True) | Q(date_radiation__gt=reference)
    )

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
