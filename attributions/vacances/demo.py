"""Demo of the flows: reservation agreements in flows, the vacancies behind the demo's leases, and a few vacancies
in progress (one to route, one routed to the City of Grenoble, one with its candidates on a planned session).

Runs after ``attributions.demo.seed`` (the F1 decisions) and, when present, the demands' seeder. Deterministic
(random numbers from ``territory.random``, rows in a fixed order) and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cil.models import Reservataire

from .. import services
from ..models import ConventionReservation, DecisionCaleol, Logement, SeanceCaleol, Vacance
from . import flux

ANNEES = (2025, 2026)
# (type, code, share, on the EPCI's territory rather than the département)
PARTS = [
    ("ETAT", "", Decimal("0.25"), False),
    ("ETAT_AGENTS", "", Decimal("0.05"), False),
    ("ACTION_LOGEMENT", "", Decimal("0.30"), False),
    ("DEPARTEMENT", "38", Decimal("0.03"), False),
    ("COMMUNE", "38185", Decimal("0.08"), True),
    ("COMMUNE", "38151", Decimal("0.04"), True),
    ("EPCI", "200040715", Decimal("0.05"), True),
]
SIREN_ACTIS = "999900012"


def _ecrire(stdout, texte):
    if stdout is not None:
        stdout.write(texte + "\n")


def _conventions(territory) -> int:
    reservataires = {(r.type, r.code): r for r in Reservataire.objects.filter(type__in={p[0] for p in PARTS})}
    lignes = []
    for bailleur in sorted(territory.bailleurs, key=lambda b: b.siren):
        for annee in ANNEES:
            for type_, code, part, territoire in PARTS:
                reservataire = reservataires.get((type_, code))
                if reservataire is None:
                    continue
                lignes.append(
                    ConventionReservation(
                        bailleur=bailleur,
                        reservataire=reservataire,
                        departement="" if territoire else "38",
                        epci=territory.epci if territoire else None,
                        part_flux=part,
                        date_debut=dt.date(annee, 1, 1),
                        date_fin=dt.date(annee, 12, 31),
                        date_signature=dt.date(annee - 1, 11, 15),
                        reference=f"Convention de réservation en flux {annee} (démonstration)",
                    )
                )
    ConventionReservation.objects.bulk_create(lignes)
    return len(lignes)


def _vacances_des_baux(territory) -> int:
    """One let vacancy per lease of the demo's decisions (2025-2026): the flow report then matches them."""
    decisions = (
        DecisionCaleol.objects.filter(
            epci=territory.epci, date_bail__gte=dt.date(ANNEES[0], 1, 1), date_bail__lt=dt.date(ANNEES[-1] + 1, 1, 1)
        )
        .select_related("reservataire")
        .order_by("date_bail", "pk")
    )
    vacances = []
    for d in decisions.iterator(chunk_size=2000):
        transfert = d.mutation and d.reservataire.type == "BAILLEUR"
        vacances.append(
            Vacance(
                logement_id=d.logement_id,
                bailleur_id=d.bailleur_id,
                epci_id=d.epci_id,
                statut=Vacance.Statut.BAIL_SIGNE,
                date_declaration=d.date_decision - dt.timedelta(days=45),
                date_liberation=d.date_decision - dt.timedelta(days=30),
                date_orientation=d.date_decision - dt.timedelta(days=40),
                reservataire_id=d.reservataire_id,
                deduction=Vacance.Deduction.MUTATION if transfert else "",
                date_bail=d.date_bail,
                commentaire="Reconstitué depuis les attributions de démonstration",
            )
        )
    Vacance.objects.bulk_create(vacances, batch_size=2000)
    return len(vacances)


def _en_cours(territory, stdout) -> None:
    rng = territory.random("attributions.demo_flux")
    bailleur = territory.bailleur(SIREN_ACTIS)
    ville = territory.reservataire("COMMUNE", "38185")
    acteur_bailleur = territory.account("bailleur").user
    acteur_ville = territory.account("reservataire").user
    ouvertes = Vacance.objects.filter(logement=OuterRef("pk")).exclude(statut=Vacance.Statut.BAIL_SIGNE)
    logements = list(
        Logement.objects.filter(bailleur=bailleur, commune__code_insee="38185", typologie__in=["T2", "T3"], qpv=None)
        .exclude(Exists(ouvertes))
        .order_by("identifiant")[:40]
    )
    if len(logements) < 3:
        _ecrire(stdout, "Vacances en cours : pas assez de logements d'Actis à Grenoble, rien n'est ajouté.")
        return
    choisis = rng.sample(logements, 3)
    for logement in choisis:
        pieces = int(logement.typologie[1])
        logement.surface = Decimal(25 + 17 * pieces)
        logement.loyer = Decimal(180 + 95 * pieces)
        logement.adresse = logement.adresse or f"{rng.randint(1, 80)} rue de la Démonstration, Grenoble"
        logement.save(update_fields=["surface", "loyer", "adresse"])
    today = timezone.localdate()
    a_orienter, orientee, en_commission = choisis
    services.declarer_vacance(
        logement=a_orienter, date_liberation=today + dt.timedelta(days=20), acteur=acteur_bailleur
    )
    for logement in (orientee, en_commission):
        vacance = services.declarer_vacance(
            logement=logement, date_liberation=today + dt.timedelta(days=10), acteur=acteur_bailleur
        )
        services.orienter_vacance(vacance=vacance, reservataire=ville, acteur=acteur_bailleur)
    seance = services.creer_seance(
        bailleur=bailleur,
        epci=territory.epci,
        date=today + dt.timedelta(days=7),
        lieu="Siège d'Actis, salle de la commission",
        acteur=acteur_bailleur,
    )
    vacance = Vacance.objects.get(logement=en_commission, statut=Vacance.Statut.ORIENTEE)
    demandes = list(flux.candidats_possibles(vacance, jour=today)[:3])
    if not demandes:
        _ecrire(stdout, "Vacances en cours : aucune demande ne correspond, la séance reste sans candidat.")
        return
    exception = "" if len(demandes) >= 3 else "INSUFFISANCE"
    services.designer_candidats(
        vacance=vacance,
        demandes=demandes,
        exception=exception,
        justification="Peu de demandes correspondantes" if exception else "",
        acteur=acteur_ville,
    )
    services.inscrire_en_seance(seance=seance, vacance=vacance, acteur=acteur_bailleur)


def seed(territory, *, stdout: TextIO | None = None) -> None:
    if ConventionReservation.objects.filter(bailleur__in=territory.bailleurs).exists():
        _ecrire(stdout, "Flux de réservation : déjà présents, rien n'est ajouté.")
        return
    nb_conventions = _conventions(territory)
    nb_vacances = _vacances_des_baux(territory)
    _en_cours(territory, stdout)
    nb_seances = SeanceCaleol.objects.filter(bailleur__in=territory.bailleurs).count()
    _ecrire(
        stdout,
        f"Flux de réservation : {nb_conventions} conventions, {nb_vacances} logements loués reconstitués, "
        f"3 logements vacants en cours, {nb_seances} séance de CALEOL prévue.",
    )
