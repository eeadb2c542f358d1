"""Reads of the public pages: the territories that have a public entrance, their addresses, the stored figures.

No aggregation of demands or allocations here: the figures come from ``ChiffresPublics`` (nightly job).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q
from django.utils.text import slugify

from cil.models import Epci, Guichet, Membership

from .models import ChiffresPublics


def territoires_publics():
    """The territories run on the platform (a reception point or a member): they have a public entrance."""
    # two semi-joins on small tables, not an OR over outer joins of every EPCI of France with its rows
    return Epci.objects.filter(
        Q(pk__in=Guichet.objects.values("epci_id"))
        | Q(pk__in=Membership.objects.filter(epci__isnull=False).values("epci_id"))
    )


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


def derniers_chiffres(epci: Epci) -> ChiffresPublics | None:
    """The last stored table. Its rows (a few hundred cells) are read from the database once per computation
    and worker: the key names the row and when it was computed, so a recomputed table is never served stale."""
    derniere = ChiffresPublics.objects.filter(epci=epci).order_by("-jour").values_list("pk", "calcule_le").first()
    if derniere is None:
        return None
    cle = f"public:chiffres:{derniere[0]}:{derniere[1].timestamp()}"
    chiffres = cache.get(cle)
    if chiffres is None:
        chiffres = ChiffresPublics.objects.get(pk=derniere[0])
        cache.set(cle, chiffres, 24 * 3600)
    return chiffres


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
