"""Read-only queries of the conference: a meeting's counts, the balance sheet an item presents, the member's space."""

from __future__ import annotations

from django.db.models import Prefetch

from core.db import cle_fr

from . import rules
from .models import DocumentSeance, Membre, PointOrdreDuJour, PresenceSeance, Seance


def _rang_college(college: str) -> int:
    from .models import College

    ordre = [College.ETAT, College.COLLECTIVITES, College.PROFESSIONNELS, College.USAGERS]
    return ordre.index(college) if college in ordre else len(ordre)


def par_college(membres) -> list:
    """Members in the order of the composition: the State, then the three colleges, titulars first, by name."""
    return sorted(membres, key=lambda m: (_rang_college(m.college), not m.titulaire, cle_fr(m.nom)))


def membres_de_la_seance(seance: Seance) -> list:
    """Members in office at the meeting's date, titulars first, then in the order of the composition."""
    membres = seance.instance.membres.en_exercice(seance.date).select_related(
        "suppleant_de", "bailleur", "reservataire"
    )
    return sorted(par_college(membres), key=lambda m: not m.titulaire)


def sieges(seance: Seance) -> list[rules.Siege]:
    """The attendance as the rules read it: every member in office, absent unless recorded otherwise."""
    enregistrees = {p.membre_id: p for p in seance.presences.all()}
    resultat = []
    for membre in seance.instance.membres.en_exercice(seance.date):
        p = enregistrees.get(membre.pk)
        resultat.append(
            rules.Siege(
                membre=membre.pk,
                nom=membre.nom,
                titulaire=membre.titulaire,
                presence=rules.Presence(p.presence) if p else rules.Presence.ABSENT,
                suppleant_de=membre.suppleant_de_id,
                pouvoir_a=p.pouvoir_a_id if p else None,
            )
        )
    return resultat


def comptage(seance: Seance) -> rules.Comptage:
    """Members in office, present with a vote and proxies, from the recorded attendance (checked when recorded)."""
    regle = seance.instance.regle_au(seance.date)
    pouvoirs_max = regle.pouvoirs_max if regle is not None else 0
    try:
        return rules.compter_presences(sieges(seance), pouvoirs_max=pouvoirs_max)
    except rules.RegleError:
        # the rule changed since the attendance was recorded: count without the limit, the vote will say why
        return rules.compter_presences(sieges(seance), pouvoirs_max=10**6)


def etat_quorum(seance: Seance) -> rules.Quorum | None:
    regle = seance.instance.regle_au(seance.date)
    if regle is None or not seance.presences.exists():
        return None
    return rules.quorum(comptage(seance), regle.regle_quorum(), seconde_convocation=seance.seconde_convocation)


def bilan_cil(epci, annee: int | None):
    """The latest CIL balance sheet of ``annee`` produced for the territory (observatoire), if any."""
    if not annee:
        return None
    from observatoire.models import BilanAnnuel

    return (
        BilanAnnuel.objects.filter(epci=epci, annee=annee, kind=BilanAnnuel.Kind.CIL, statut=BilanAnnuel.Statut.PRET)
        .order_by("-termine_le", "-pk")
        .first()
    )


def seance_detaillee(queryset):
    """Meetings with their agenda, deliberations and documents, in few queries."""
    return queryset.select_related("instance__epci", "seconde_convocation_de").prefetch_related(
        Prefetch(
            "points",
            queryset=PointOrdreDuJour.objects.select_related("deliberation", "grille", "bilan").order_by("rang"),
        ),
        Prefetch("documents", queryset=DocumentSeance.objects.select_related("point").order_by("point__rang", "pk")),
    )


def presences_detaillees(seance: Seance):
    return {p.membre_id: p for p in PresenceSeance.objects.filter(seance=seance).select_related("pouvoir_a")}


def prochaines_seances(seances, aujourd_hui):
    return seance_detaillee(
        seances.filter(date__gte=aujourd_hui).exclude(statut__in=[Seance.Statut.ANNULEE, Seance.Statut.CLOSE])
    ).order_by("date", "heure")


def seances_passees(seances, aujourd_hui):
    return seance_detaillee(seances.filter(date__lt=aujourd_hui).exclude(statut=Seance.Statut.ANNULEE)).order_by(
        "-date", "-heure"
    )


def deliberations(queryset):
    return queryset.select_related("point__seance__instance").order_by("-annee", "-rang")


def copresidents(instance, date):
    return instance.membres.en_exercice(date).exclude(copresidence="").order_by("copresidence")


def effectifs_par_college(instance, date) -> list[tuple[str, int, int]]:
    """(college label, titulars, substitutes) of the members in office at ``date``."""
    from django.db.models import Count, Q

    from .models import College

    libelles = dict(College.choices)
    lignes = (
        Membre.objects.filter(instance=instance)
        .en_exercice(date)
        .values("college")
        .annotate(titulaires=Count("pk", filter=Q(titulaire=True)), suppleants=Count("pk", filter=Q(titulaire=False)))
        .order_by("college")
    )
    lignes = sorted(lignes, key=lambda r: _rang_college(r["college"]))
    return [(libelles.get(r["college"], "Sans collège"), r["titulaires"], r["suppleants"]) for r in lignes]
