"""Reads of the public pages: the territories that have a public entrance, their addresses, the stored figures.

No aggregation of demands or allocations here: the figures come from ``ChiffresPublics`` (nightly job).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.text import slugify

from cil.models import Epci

from .models import ChiffresPublics, RegleSecret

SEUIL_SECRET_DEFAUT = 10  # Platform decision 11, when no rule is recorded at all


def territoires_publics():
    """The territories run on the platform (a reception point or a member): they have a public entrance."""
    avec = Epci.objects.filter(Q(guichets__isnull=False) | Q(memberships__isnull=False)).values("pk")
    return Epci.objects.filter(pk__in=avec)


def slugs() -> dict[str, Epci]:
    """Readable address of each public territory: the slug of its name (its SIREN appended if two collide)."""
    territoires = list(territoires_publics().only("pk", "siren", "nom", "type").order_by("siren"))
    comptes: dict[str, int] = {}
    for e in territoires:
        comptes[slugify(e.nom)] = comptes.get(slugify(e.nom), 0) + 1
    resultat = {}
    for e in territoires:
        base = slugify(e.nom) or e.siren
        e.slug = base if comptes[base] == 1 else f"{base}-{e.siren}"
        resultat[e.slug] = e
    return resultat


def slug_de(epci: Epci) -> str:
    return next((s for s, e in slugs().items() if e.pk == epci.pk), epci.siren)


@dataclass(frozen=True)
class Regle:
    seuil: int
    texte: str


def regle_secret(epci: Epci, jour: dt.date) -> Regle:
    """The secrecy rule in force on ``jour``: the territory's own, else the platform's, else the default of 10."""
    en_vigueur = RegleSecret.objects.filter(date_debut__lte=jour).filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=jour)
    )
    regle = en_vigueur.filter(epci=epci).first() or en_vigueur.filter(epci__isnull=True).first()
    seuil = regle.seuil if regle else SEUIL_SECRET_DEFAUT
    texte = (
        f"Les effectifs inférieurs à {seuil} sont masqués (« s »), ainsi que d'autres cases choisies pour "
        f"qu'aucune case masquée ne puisse être recalculée à partir des totaux ; les délais et les parts calculés "
        f"sur un effectif masqué le sont aussi."
    )
    return Regle(seuil, texte)


def derniers_chiffres(epci: Epci) -> ChiffresPublics | None:
    return ChiffresPublics.objects.filter(epci=epci).order_by("-jour").first()


def est_fin_de_mois(jour: dt.date) -> bool:
    return (jour + dt.timedelta(days=1)).day == 1


def fichiers_mensuels(epci: Epci) -> list[dt.date]:
    """The months published as open data: the stored tables of a month's last day, newest first."""
    jours = ChiffresPublics.objects.filter(epci=epci).order_by("-jour").values_list("jour", flat=True)
    return [j for j in jours if est_fin_de_mois(j)]


def delai_observe(epci: Epci, code_insee: str, typologie: str) -> dict | None:
    """The published figures of one commune and typology ("T1" … "T5+"), as the last nightly table holds them
    (masked values are ``"s"``): for the applicant's own follow-up, which must show the same waiting times."""
    chiffres = derniers_chiffres(epci)
    if chiffres is None:
        return None
    return next(
        (li for li in chiffres.lignes if li["code_geo"] == code_insee and li["typologie"] == typologie),
        None,
    )


def documents_publies(epci: Epci) -> list[dict]:
    """The policy documents the territory published (adopted versions flagged "publié" in ``politique``), newest
    first, for the public entrance: ``titre``, ``date``, ``description``, ``url``. Deliberations of the
    conference are cited by the documents they adopted (their number and date)."""
    from django.urls import reverse

    from politique.models import VersionDocument

    versions = (
        VersionDocument.objects.publiees()
        .filter(document__epci=epci)
        .select_related("document")
        .order_by("-date_adoption", "-pk")
    )
    return [
        {
            "titre": f"{v.document.get_type_display()} : {v.document.titre}"
            + (f" – {v.intitule}" if v.intitule and v.intitule != v.document.titre else ""),
            "date": v.date_entree_vigueur or v.date_adoption,
            "description": v.get_statut_display()
            + (f", adopté par la {v.deliberation_reference[0].lower()}{v.deliberation_reference[1:]}"
               if v.deliberation_reference else ""),
            "url": reverse("public:document", args=[epci.slug, v.pk]),
        }
        for v in versions
    ]  # fmt: skip
