"""Read side of the relocation app: the indicators of docs/droit/regles.md, S.9, per operation and per EPCI, in SQL.

The counting conditions implement ``rules.indicateurs`` (the specification, tested from tables of cases);
tests check that the SQL figures equal the pure rules on the same households.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from core.db import Quotient, nombre_de

from . import rules
from .models import MenageAReloger, PropositionRelogement, Relogement, Statut

MONTANT = DecimalField(max_digits=14, decimal_places=4)
RELOGES = [Statut.RELOGE_DEFINITIF, Statut.SUIVI_FAIT]


def avec_relogement_definitif(qs: QuerySet) -> QuerySet:
    """Annotate each household with its definitive relocation's frozen values and its number of offers."""
    definitif = Relogement.objects.filter(menage=OuterRef("pk"), type=Relogement.Type.DEFINITIF)
    return qs.annotate(
        def_date_bail=Subquery(definitif.values("date_bail")[:1]),
        def_en_qpv=Subquery(definitif.values("en_qpv")[:1]),
        def_neuf=Subquery(definitif.values("neuf_ou_recent")[:1]),
        def_parc=Subquery(definitif.values("parc")[:1]),
        def_typo=Subquery(definitif.values("logement__typologie")[:1]),
        def_rac=Subquery(
            definitif.annotate(r=ExpressionWrapper(F("loyer") + F("charges") - F("apl"), output_field=MONTANT)).values(
                "r"
            )[:1],
            output_field=MONTANT,
        ),
        nb_propositions=nombre_de(PropositionRelogement.objects.all(), "menage"),
    )


def _rac_avant():
    return ExpressionWrapper(F("loyer_avant") + F("charges_avant") - F("apl_avant"), output_field=MONTANT)


def indicateurs(menages: QuerySet, *, tolerance_rac: Decimal = Decimal(0)) -> rules.Indicateurs:
    """The indicators of a set of households (five queries, whatever the number of households)."""
    return indicateurs_par(menages, None, tolerance_rac=tolerance_rac).get(None) or _resultat({}, {}, {}, 0, [])


def indicateurs_par(
    menages: QuerySet, cle: str | None, *, tolerance_rac: Decimal | str = Decimal(0)
) -> dict[object, rules.Indicateurs]:
    """The indicators of each group of households (``cle``: a field path such as ``operation_id``; None: all
    households as one group, keyed None), in the same five queries whatever the number of groups and households:
    a list of operations or territories never counts row by row. ``tolerance_rac``: a rate, or the field path of
    each household's rate (its operation's). Groups without any household are absent from the result."""
    qs = avec_relogement_definitif(menages.order_by()).annotate(rac_av=_rac_avant())
    reloge = Q(statut__in=RELOGES, def_date_bail__isnull=False)
    avec_rac = reloge & Q(def_rac__isnull=False)
    ressources = Q(ressources_mensuelles__gt=0)
    typos = reloge & Q(def_typo__isnull=False) & ~Q(typologie_actuelle="")
    if isinstance(tolerance_rac, str):  # each household's own rate (its operation's)
        plafond_rac = ExpressionWrapper(F("rac_av") * (1 + F(tolerance_rac)), output_field=MONTANT)
    else:
        plafond_rac = F("rac_av") * (1 + Decimal(tolerance_rac))
    cles = [cle] if cle else []
    mesures = {
        "nb_menages": Count("pk"),
        "nb_reloges_definitifs": Count("pk", filter=reloge),
        "nb_reloges_temporaires": Count("pk", filter=Q(statut=Statut.RELOGE_TEMPORAIRE)),
        "nb_sortis": Count("pk", filter=Q(statut=Statut.SORTI)),
        "nb_hors_qpv": Count("pk", filter=reloge & Q(def_en_qpv=False)),
        "nb_neuf_ou_recent": Count("pk", filter=reloge & Q(def_neuf=True)),
        "nb_avec_rac": Count("pk", filter=avec_rac),
        "nb_typologie_plus_grande": Count("pk", filter=typos & Q(def_typo__gt=F("typologie_actuelle"))),
        "nb_typologie_identique": Count("pk", filter=typos & Q(def_typo=F("typologie_actuelle"))),
        "nb_typologie_plus_petite": Count("pk", filter=typos & Q(def_typo__lt=F("typologie_actuelle"))),
        "nb_rac_maitrise": Count("pk", filter=avec_rac & Q(def_rac__lte=plafond_rac)),
        "rac_avant_moyen": Avg("rac_av", filter=avec_rac, output_field=MONTANT),
        "rac_apres_moyen": Avg("def_rac", filter=avec_rac, output_field=MONTANT),
        "taux_effort_avant_moyen": Avg(
            Quotient(F("rac_av"), F("ressources_mensuelles"), output_field=MONTANT),
            filter=avec_rac & ressources,
        ),
        "taux_effort_apres_moyen": Avg(
            Quotient(F("def_rac"), F("ressources_mensuelles"), output_field=MONTANT),
            filter=avec_rac & ressources,
        ),
    }
    if cle:
        lignes = {ligne[cle]: ligne for ligne in qs.values(cle).annotate(**mesures)}
    else:
        ligne = qs.aggregate(**mesures)
        lignes = {None: ligne} if ligne["nb_menages"] else {}

    def par_groupe(requete: QuerySet, *champs: str) -> list[tuple]:
        """Rows (group, *values), the group None when there is no key."""
        rangs = requete.values_list(*cles, *champs)
        return [tuple(r) if cle else (None, *r) for r in rangs]

    par_statut: dict[object, dict] = {}
    for groupe, statut, n in par_groupe(qs.values(*cles, "statut").annotate(n=Count("pk")), "statut", "n"):
        par_statut.setdefault(groupe, {})[statut] = n
    reloges = qs.filter(reloge)
    par_parc: dict[object, dict] = {}
    for groupe, parc, n in par_groupe(reloges.values(*cles, "def_parc").annotate(n=Count("pk")), "def_parc", "n"):
        par_parc.setdefault(groupe, {})[parc] = n
    propositions = PropositionRelogement.objects.filter(menage__in=reloges.values("pk")).order_by()
    if cle:
        par_menage = f"menage__{cle}"
        nb_propositions = dict(
            propositions.values_list(par_menage).annotate(n=Count("pk")).values_list(par_menage, "n")
        )
    else:
        nb_propositions = {None: propositions.count()}
    delais: dict[object, list[int]] = {}
    for groupe, enquete, bail in par_groupe(
        reloges.filter(date_enquete__isnull=False), "date_enquete", "def_date_bail"
    ):
        delais.setdefault(groupe, []).append((bail - enquete).days)
    return {
        groupe: _resultat(
            ligne,
            par_statut.get(groupe, {}),
            par_parc.get(groupe, {}),
            nb_propositions.get(groupe, 0),
            delais.get(groupe, []),
        )
        for groupe, ligne in lignes.items()
    }


def _resultat(
    agg: dict, par_statut: dict, par_parc: dict, nb_propositions: int, delais: list[int]
) -> rules.Indicateurs:
    """One group's indicators from its aggregate row, its counts by status and stock, offers and delays (days)."""
    import statistics

    result = rules.Indicateurs(
        nb_menages=agg.get("nb_menages", 0),
        nb_reloges_definitifs=agg.get("nb_reloges_definitifs", 0),
        nb_reloges_temporaires=agg.get("nb_reloges_temporaires", 0),
        nb_sortis=agg.get("nb_sortis", 0),
        nb_hors_qpv=agg.get("nb_hors_qpv", 0),
        nb_neuf_ou_recent=agg.get("nb_neuf_ou_recent", 0),
        nb_avec_rac=agg.get("nb_avec_rac", 0),
        nb_rac_maitrise=agg.get("nb_rac_maitrise", 0),
        nb_typologie_plus_grande=agg.get("nb_typologie_plus_grande", 0),
        nb_typologie_identique=agg.get("nb_typologie_identique", 0),
        nb_typologie_plus_petite=agg.get("nb_typologie_plus_petite", 0),
        nb_propositions=nb_propositions,
    )
    for nom in ("rac_avant_moyen", "rac_apres_moyen", "taux_effort_avant_moyen", "taux_effort_apres_moyen"):
        valeur = agg.get(nom)
        setattr(result, nom, None if valeur is None else Decimal(str(valeur)))
    result.par_statut = par_statut
    result.par_parc = par_parc
    if result.nb_reloges_definitifs:
        result.propositions_par_menage = Decimal(result.nb_propositions) / result.nb_reloges_definitifs
    if delais:
        result.delai_moyen_jours = Decimal(sum(delais)) / len(delais)
        result.delai_median_jours = Decimal(str(statistics.median(sorted(delais))))
    return result


def cas(menages: QuerySet) -> list[rules.Cas]:
    """The households as the pure rules take them (for the tests comparing SQL and rules, and small lists)."""
    result = []
    for m in avec_relogement_definitif(menages.order_by()):
        result.append(
            rules.Cas(
                statut=m.statut,
                nb_propositions=m.nb_propositions,
                date_enquete=m.date_enquete,
                ressources_mensuelles=m.ressources_mensuelles,
                rac_avant=m.rac_avant,
                date_bail=m.def_date_bail,
                en_qpv=m.def_en_qpv,
                neuf_ou_recent=m.def_neuf,
                rac_apres=m.def_rac,
                parc=m.def_parc,
                typologie_avant=m.typologie_actuelle,
                typologie_apres=m.def_typo or "",
            )
        )
    return result


def indicateurs_operation(operation) -> rules.Indicateurs:
    return indicateurs(MenageAReloger.objects.filter(operation=operation), tolerance_rac=operation.tolerance_rac)


def indicateurs_operations(operations) -> dict[int, rules.Indicateurs]:
    """The indicators of each operation (by id), each with its own tolerance, in five queries."""
    ids = [op.pk for op in operations]
    par_op = indicateurs_par(
        MenageAReloger.objects.filter(operation_id__in=ids), "operation_id", tolerance_rac="operation__tolerance_rac"
    )
    return {pk: par_op.get(pk) or _resultat({}, {}, {}, 0, []) for pk in ids}


def indicateurs_epci(epci, operations=None) -> rules.Indicateurs:
    qs = MenageAReloger.objects.filter(operation__epci=epci)
    if operations is not None:
        qs = qs.filter(operation__in=operations)
    return indicateurs(qs)


def indicateurs_epcis(epcis) -> dict[int, rules.Indicateurs]:
    """The indicators of each territory (by id), in five queries."""
    ids = [e.pk for e in epcis]
    par_epci = indicateurs_par(MenageAReloger.objects.filter(operation__epci_id__in=ids), "operation__epci_id")
    return {pk: par_epci.get(pk) or _resultat({}, {}, {}, 0, []) for pk in ids}


def suivis_a_faire(menages: QuerySet, today: dt.date) -> QuerySet:
    """Follow-up surveys due (or late) and not done yet."""
    return menages.filter(
        statut=Statut.RELOGE_DEFINITIF, suivi__date_realisation__isnull=True, suivi__date_echeance__lte=today
    )


def conservation_mois(epci_id: int | None, jour: dt.date) -> int:
    """The retention period in force for a territory: its own parameters, else the national row (loaded
    with its source by the migration relogement 0004); none in force is an error, never a value in the code."""
    from .models import ParametresRelogement

    qs = ParametresRelogement.objects.filter(date_debut__lte=jour).order_by("-date_debut")
    parametres = (qs.filter(epci_id=epci_id).first() if epci_id else None) or qs.filter(epci__isnull=True).first()
    if parametres is None:
        raise rules.ParametresManquants(
            f"Aucune durée de conservation du relogement n'est en vigueur le {jour:%d/%m/%Y}, ni pour ce territoire "
            "ni au niveau national : saisissez-la, avec sa source, dans l'administration (Paramètres du relogement)."
        )
    return parametres.conservation_mois


# --- Blocked situations: demands past the abnormally long delay ----------------------------------------


def _compte_par_demande(qs: QuerySet, champ: str = "demande") -> Subquery:
    compte = qs.order_by().values(champ).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(compte), Value(0))


def demandes_en_delai_depasse(demandes: QuerySet) -> QuerySet:
    """The demands of ``demands`` (already scoped) listed by the nightly detection as past the abnormally long
    delay and still active, with what the ordinary path gave them so far and their priority status, in SQL:
    designations (``Candidature``), offers (designations the commission allocated), refusals (the demand's
    ``REFUS`` events), CALEOL decisions (imported or recorded, by unique number), DALO, active L. 441-1
    criteria, and the last referral to the commission for specific cases (its id and status)."""
    from attributions.models import Candidature, DecisionCaleol
    from attributions.rules import TYPES_ATTRIBUTION, valeurs
    from demandes.models import CriterePriorite, DecisionDalo, Evenement

    from .models import Saisine

    candidatures = Candidature.objects.filter(demande=OuterRef("pk"))
    derniere = Saisine.objects.filter(demande=OuterRef("pk")).order_by("-date_saisine", "-id")
    return (
        demandes.actives()
        .filter(delai_depasse__isnull=False)
        .select_related("delai_depasse", "guichet")
        .annotate(
            nb_designations=_compte_par_demande(candidatures),
            nb_offres=_compte_par_demande(candidatures.filter(type_decision__in=valeurs(TYPES_ATTRIBUTION))),
            nb_refus=_compte_par_demande(Evenement.objects.filter(demande=OuterRef("pk"), type=Evenement.Type.REFUS)),
            nb_decisions_caleol=_compte_par_demande(
                DecisionCaleol.objects.filter(numero_unique=OuterRef("numero_unique")), "numero_unique"
            ),
            dalo=Exists(DecisionDalo.objects.filter(demande=OuterRef("pk"), prioritaire_urgent=True)),
            nb_criteres=_compte_par_demande(
                CriterePriorite.objects.filter(demande=OuterRef("pk"), fin_le__isnull=True)
            ),
            saisine_id=Subquery(derniere.values("pk")[:1]),
            saisine_statut=Subquery(derniere.values("statut")[:1]),
        )
        .order_by("delai_depasse__echeance", "pk")
    )


def comptes_blocages(demandes: QuerySet, saisines: QuerySet) -> dict:
    """The counts of the page (and of the observatory): demands past the delay, referrals by status."""
    par_statut = dict(saisines.order_by().values_list("statut").annotate(n=Count("pk")))
    from .models import Saisine

    return {
        "depassees": demandes.actives().filter(delai_depasse__isnull=False).count(),
        "saisines": [(label, par_statut.get(code, 0)) for code, label in Saisine.Statut.choices],
        "saisines_total": sum(par_statut.values()),
    }
