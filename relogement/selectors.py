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
    DurationField,
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

from core.db import Quotient

from . import rules
from .models import MenageAReloger, PropositionRelogement, Relogement, Statut

MONTANT = DecimalField(max_digits=14, decimal_places=4)
RELOGES = [Statut.RELOGE_DEFINITIF, Statut.SUIVI_FAIT]


def avec_relogement_definitif(qs: QuerySet) -> QuerySet:
    """Annotate each household with its definitive relocation's frozen values and its number of offers."""
    definitif = Relogement.objects.filter(menage=OuterRef("pk"), type=Relogement.Type.DEFINITIF)
    propositions = (
        PropositionRelogement.objects.filter(menage=OuterRef("pk"))
        .order_by()
        .values("menage")
        .annotate(n=Count("pk"))
        .values("n")
    )
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
        nb_propositions=Coalesce(Subquery(propositions), Value(0)),
    )


def _rac_avant():
    return ExpressionWrapper(F("loyer_avant") + F("charges_avant") - F("apl_avant"), output_field=MONTANT)


def indicateurs(menages: QuerySet, *, tolerance_rac: Decimal = Decimal(0)) -> rules.Indicateurs:
    """The indicators of a set of households (one query for the figures, one for the statuses)."""
    qs = avec_relogement_definitif(menages.order_by())
    reloge = Q(statut__in=RELOGES, def_date_bail__isnull=False)
    avec_rac = reloge & Q(def_rac__isnull=False)
    ressources = Q(ressources_mensuelles__gt=0)
    typos = reloge & Q(def_typo__isnull=False) & ~Q(typologie_actuelle="")
    qs = qs.annotate(rac_av=_rac_avant())
    agg = qs.aggregate(
        nb_menages=Count("pk"),
        nb_reloges_definitifs=Count("pk", filter=reloge),
        nb_reloges_temporaires=Count("pk", filter=Q(statut=Statut.RELOGE_TEMPORAIRE)),
        nb_sortis=Count("pk", filter=Q(statut=Statut.SORTI)),
        nb_hors_qpv=Count("pk", filter=reloge & Q(def_en_qpv=False)),
        nb_neuf_ou_recent=Count("pk", filter=reloge & Q(def_neuf=True)),
        nb_avec_rac=Count("pk", filter=avec_rac),
        nb_typologie_plus_grande=Count("pk", filter=typos & Q(def_typo__gt=F("typologie_actuelle"))),
        nb_typologie_identique=Count("pk", filter=typos & Q(def_typo=F("typologie_actuelle"))),
        nb_typologie_plus_petite=Count("pk", filter=typos & Q(def_typo__lt=F("typologie_actuelle"))),
        nb_rac_maitrise=Count("pk", filter=avec_rac & Q(def_rac__lte=F("rac_av") * (1 + Decimal(tolerance_rac)))),
        rac_avant_moyen=Avg("rac_av", filter=avec_rac, output_field=MONTANT),
        rac_apres_moyen=Avg("def_rac", filter=avec_rac, output_field=MONTANT),
        taux_effort_avant_moyen=Avg(
            Quotient(F("rac_av"), F("ressources_mensuelles"), output_field=MONTANT),
            filter=avec_rac & ressources,
        ),
        taux_effort_apres_moyen=Avg(
            Quotient(F("def_rac"), F("ressources_mensuelles"), output_field=MONTANT),
            filter=avec_rac & ressources,
        ),
        delai_moyen=Avg(
            ExpressionWrapper(F("def_date_bail") - F("date_enquete"), output_field=DurationField()),
            filter=reloge & Q(date_enquete__isnull=False),
        ),
    )
    result = rules.Indicateurs(
        nb_menages=agg["nb_menages"],
        nb_reloges_definitifs=agg["nb_reloges_definitifs"],
        nb_reloges_temporaires=agg["nb_reloges_temporaires"],
        nb_sortis=agg["nb_sortis"],
        nb_hors_qpv=agg["nb_hors_qpv"],
        nb_neuf_ou_recent=agg["nb_neuf_ou_recent"],
        nb_avec_rac=agg["nb_avec_rac"],
        nb_rac_maitrise=agg["nb_rac_maitrise"],
        nb_typologie_plus_grande=agg["nb_typologie_plus_grande"],
        nb_typologie_identique=agg["nb_typologie_identique"],
        nb_typologie_plus_petite=agg["nb_typologie_plus_petite"],
        nb_propositions=PropositionRelogement.objects.filter(menage__in=qs.filter(reloge).values("pk")).count(),
    )
    for nom in ("rac_avant_moyen", "rac_apres_moyen", "taux_effort_avant_moyen", "taux_effort_apres_moyen"):
        valeur = agg[nom]
        setattr(result, nom, None if valeur is None else Decimal(str(valeur)))
    result.par_statut = dict(qs.values_list("statut").annotate(n=Count("pk")).values_list("statut", "n"))
    result.par_parc = dict(
        qs.filter(reloge).values_list("def_parc").annotate(n=Count("pk")).values_list("def_parc", "n")
    )
    if result.nb_reloges_definitifs:
        result.propositions_par_menage = Decimal(result.nb_propositions) / result.nb_reloges_definitifs
    delai = agg["delai_moyen"]
    if delai is not None:
        jours = delai if isinstance(delai, dt.timedelta) else dt.timedelta(microseconds=delai)
        result.delai_moyen_jours = Decimal(str(jours.total_seconds())) / 86400
        delais = sorted(
            (b - e).days
            for e, b in qs.filter(reloge & Q(date_enquete__isnull=False)).values_list("date_enquete", "def_date_bail")
        )
        import statistics

        result.delai_median_jours = Decimal(str(statistics.median(delais)))
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


def indicateurs_epci(epci, operations=None) -> rules.Indicateurs:
    qs = MenageAReloger.objects.filter(operation__epci=epci)
    if operations is not None:
        qs = qs.filter(operation__in=operations)
    return indicateurs(qs)


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
