"""Demo demands on the demo territory (``settings.DEMO_SEEDERS`` entry ``demandes.demo.seed``).

About 3,000 made-up applicants (Faker fr_FR, seeded: the same data every time) with their households,
resources, wishes, priority flags, appointments, status history and shared event log. Written with
``bulk_create`` in a few dozen queries. Idempotent: when the territory already has demands, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from faker import Faker

from . import rules
from .models import (
    Contact,
    CriterePriorite,
    DelaiAnormalementLong,
    Demande,
    Evenement,
    MembreMenage,
    RendezVous,
    Ressource,
    SequenceNumero,
    TransitionStatut,
)

NOMBRE = 3000


def _reserver_numeros(departement: str, annee: int, nombre: int) -> list[str]:
    """Take a block of numbers from the department's sequence (the same lock as one registration)."""
    departement = rules.code_departement(departement)
    SequenceNumero.objects.get_or_create(departement=departement, annee=annee)
    sequence = SequenceNumero.objects.select_for_update().get(departement=departement, annee=annee)
    premier = sequence.dernier + 1
    sequence.dernier += nombre
    sequence.save(update_fields=["dernier"])
    return [rules.format_numero(departement, annee, n) for n in range(premier, premier + nombre)]


def _aware(jour: dt.date, heure: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(jour, dt.time(heure, minute)))


@transaction.atomic
def seed(territory, *, stdout: TextIO | None = None, nombre: int = NOMBRE) -> int:
    epci = territory.epci
    if Demande.objects.filter(epci=epci).exists():
        if stdout is not None:
            stdout.write("Demandes : déjà présentes, rien n'est ajouté.\n")
        return 0
    rng = territory.random("demandes")
    fake = Faker("fr_FR")
    fake.seed_instance(rng.randint(0, 2**31))
    today = timezone.localdate()
    guichets = [g for g in territory.guichets if g.enregistreur] or list(territory.guichets)
    communes = list(territory.communes.values())
    bailleurs = list(territory.bailleurs)
    try:
        agent = territory.account("agent").user
    except StopIteration:
        agent = None

    S = Demande.SituationProfessionnelle
    L = Demande.LogementActuel
    brouillons = []
    for _ in range(nombre):
        guichet = rng.choice(guichets)
        anciennete = int(rng.triangular(0, 365 * 4, 200))
        depot = today - dt.timedelta(days=anciennete)
        sexe = rng.choice(["F", "M"])
        prenom = fake.first_name_female() if sexe == "F" else fake.first_name_male()
        naissance = today - dt.timedelta(days=rng.randint(18 * 365, 85 * 365))
        age = (today - naissance).days // 365
        couple = rng.random() < 0.35
        nb_enfants = rng.choices([0, 1, 2, 3, 4], weights=[45, 22, 18, 10, 5])[0] if age < 60 else 0
        pro = S.RETRAITE if age >= 63 else rng.choice([S.CDI, S.CDI, S.CDD, S.DEMANDEUR_EMPLOI, S.SANS_ACTIVITE])
        logement = rng.choices(
            [L.LOCATAIRE_HLM, L.LOCATAIRE_PRIVE, L.HEBERGE_FAMILLE, L.HEBERGE_TIERS, L.STRUCTURE, L.SANS_ABRI],
            weights=[30, 35, 15, 10, 7, 3],
        )[0]
        statut, motif, date_radiation, renouvellement = "ACTIVE", "", None, None
        debut = depot
        while rules.add_months(debut, 12) <= today:
            debut = rules.add_months(debut, 12) - dt.timedelta(days=rng.randint(0, 25))
        if debut != depot:
            renouvellement = debut
        tirage = rng.random()
        if tirage < 0.06:
            statut, motif = "RADIEE", rng.choice(["ATTRIBUTION", "ATTRIBUTION", "RENONCIATION", "NON_RENOUVELLEMENT"])
            date_radiation = min(today, debut + dt.timedelta(days=rng.randint(10, 300)))
        elif rules.add_months(debut, 11) <= today:
            statut = "A_RENOUVELER"
        nom = fake.last_name()
        d = Demande(
            epci=epci,
            guichet=guichet,
            statut=statut,
            motif_radiation=motif,
            date_depot=depot,
            date_dernier_renouvellement=renouvellement,
            date_radiation=date_radiation,
            nom=nom,
            nom_naissance=fake.last_name() if sexe == "F" and couple and rng.random() < 0.5 else "",
            prenom=prenom,
            date_naissance=naissance,
            sexe=sexe,
            nationalite=rng.choices(["FR", "UE", "HORS_UE"], weights=[80, 7, 13])[0],
            adresse=fake.street_address(),
            code_postal=rng.choice(["38000", "38100", "38130", "38400", "38600"]),
            ville=rng.choice(communes).nom,
            telephone=f"06 39 98 {rng.randint(10, 99)} {rng.randint(10, 99)}",  # ARCEP fiction range
            email=f"{rules.normaliser(prenom).replace(' ', '')}.{rules.normaliser(nom).replace(' ', '')}@example.org"
            if rng.random() < 0.7
            else "",
            courrier_postal=rng.random() < 0.4,
            situation_familiale=rng.choice(["MARIE", "PACSE", "CONCUBINAGE"])
            if couple
            else rng.choice(["CELIBATAIRE", "SEPARE", "DIVORCE", "VEUF"]),
            situation_professionnelle=pro,
            employeur=fake.company() if pro in (S.CDI, S.CDD) else "",
            revenu_fiscal_reference=rng.randint(0, 32000),
            annee_revenu_fiscal=today.year - 1,
            logement_actuel=logement,
            loyer_actuel=Decimal(rng.randint(300, 900)) if logement in (L.LOCATAIRE_HLM, L.LOCATAIRE_PRIVE) else None,
            est_mutation=logement == L.LOCATAIRE_HLM,
            bailleur_actuel=rng.choice(bailleurs) if logement == L.LOCATAIRE_HLM and bailleurs else None,
            motifs=rng.sample([m.value for m in Demande.Motif], k=rng.randint(1, 2)),
            typologies=sorted({f"T{min(6, 1 + (1 if couple else 0) + nb_enfants // 2 + k)}" for k in (0, 1)}),
            loyer_max=rng.choice([None, 450, 550, 650, 750]),
            # a wheelchair (manual) for about 4 %: the flag and the technical aid agree (bulk_create skips save())
            aides_techniques=["4"] if (fauteuil := rng.random() < 0.04) else [],
            accessibilite_pmr=fauteuil,
            handicap_moteur=fauteuil,
            ascenseur_requis=age > 70 and rng.random() < 0.5,
        )
        d.nom_norm, d.prenom_norm = rules.normaliser(d.nom), rules.normaliser(d.prenom)
        d.nom_naissance_norm = rules.normaliser(d.nom_naissance)
        brouillons.append((d, couple, nb_enfants, guichet))

    # registration numbers in filing order, per year (as if registered one by one)
    brouillons.sort(key=lambda b: b[0].date_depot)
    par_annee: dict[int, list[Demande]] = defaultdict(list)
    for d, *_ in brouillons:
        par_annee[d.date_depot.year].append(d)
    departement = guichets[0].commune.departement
    for annee, demandes in par_annee.items():
        for d, numero in zip(demandes, _reserver_numeros(departement, annee, len(demandes)), strict=True):
            d.numero_unique = numero
    Demande.objects.bulk_create([b[0] for b in brouillons], batch_size=1000)

    membres, ressources, communes_m2m, evenements, transitions, priorites, rdvs = [], [], [], [], [], [], []
    Through = Demande.communes_souhaitees.through
    for d, couple, nb_enfants, guichet in brouillons:
        if couple:
            membres.append(
                MembreMenage(
                    demande=d,
                    lien="CO_TITULAIRE",
                    nom=d.nom,
                    prenom=fake.first_name(),
                    date_naissance=d.date_naissance + dt.timedelta(days=rng.randint(-2000, 2000)),
                    situation_professionnelle=rng.choice(["CDI", "CDD", "DEMANDEUR_EMPLOI"]),
                )
            )
        for _ in range(nb_enfants):
            naissance = today - dt.timedelta(days=rng.randint(100, 17 * 365))
            membres.append(
                MembreMenage(
                    demande=d,
                    lien="ENFANT",
                    nom=d.nom,
                    prenom=fake.first_name(),
                    date_naissance=max(naissance, d.date_naissance + dt.timedelta(days=18 * 365)),
                )
            )
        nature = {"RETRAITE": "RETRAITE", "DEMANDEUR_EMPLOI": "CHOMAGE", "SANS_ACTIVITE": "RSA"}.get(
            d.situation_professionnelle, "SALAIRE"
        )
        montant = {"RSA": (550, 700), "CHOMAGE": (700, 1400), "RETRAITE": (800, 1900)}.get(nature, (900, 2600))
        ressources.append(Ressource(demande=d, nature=nature, montant_mensuel=Decimal(rng.randint(*montant))))
        if nb_enfants:
            ressources.append(
                Ressource(demande=d, nature="PRESTATIONS_FAMILIALES", montant_mensuel=Decimal(140 * nb_enfants))
            )
        if rng.random() < 0.5:
            ressources.append(
                Ressource(demande=d, nature="AIDE_LOGEMENT", montant_mensuel=Decimal(rng.randint(80, 350)))
            )
        for commune in rng.sample(communes, k=min(len(communes), rng.randint(1, 4))):
            communes_m2m.append(Through(demande_id=d.pk, commune_id=commune.pk))
        evenements.append(
            Evenement(
                demande=d,
                type="ENREGISTREMENT",
                date=_aware(d.date_depot, 9 + rng.randint(0, 7)),
                acteur=agent,
                organisation=guichet.nom,
                libelle=f"Demande enregistrée sous le numéro {d.numero_unique}",
            )
        )
        if rng.random() < 0.45:
            jour_rdv = d.date_depot + dt.timedelta(days=rng.randint(3, 45))
            statut_rdv = "PREVU" if jour_rdv > today else rng.choice(["HONORE", "HONORE", "HONORE", "NON_HONORE"])
            rdvs.append(
                RendezVous(demande=d, guichet=guichet, debut=_aware(jour_rdv, 10), statut=statut_rdv, agent=agent)
            )
            if statut_rdv != "PREVU":
                evenements.append(
                    Evenement(
                        demande=d,
                        type="ENTRETIEN",
                        date=_aware(jour_rdv, 10),
                        acteur=agent,
                        organisation=guichet.nom,
                        libelle="Entretien-conseil",
                    )
                )
        if d.date_dernier_renouvellement:
            evenements.append(
                Evenement(
                    demande=d,
                    type="RENOUVELLEMENT",
                    date=_aware(d.date_dernier_renouvellement, 11),
                    acteur=agent,
                    organisation=guichet.nom,
                    libelle="Demande renouvelée",
                )
            )
        if rng.random() < 0.12:
            critere = rng.choice(
                [
                    "SANS_LOGEMENT",
                    "MENACE_EXPULSION",
                    "HANDICAP",
                    "MAL_LOGE_DEFAVORISE",
                    "HEBERGE_TRANSITION",
                    "ENFANT_SUROCCUPE_INDECENT",
                    "VIOLENCES_COUPLE",
                ]
            )
            jour = min(today, d.date_depot + dt.timedelta(days=rng.randint(0, 60)))
            p = CriterePriorite(
                demande=d,
                critere=critere,
                source="GUICHET",
                reconnu_le=jour,
                reconnu_par=agent,
                organisation=guichet.nom,
            )
            priorites.append(p)
            evenements.append(
                Evenement(
                    demande=d,
                    type="PRIORITE_RECONNUE",
                    date=_aware(jour, 15),
                    acteur=agent,
                    organisation=guichet.nom,
                    libelle=f"Priorité reconnue : {p.get_critere_display()}",
                    detail={"critere": critere, "source": "GUICHET"},
                )
            )
        if d.statut == "A_RENOUVELER":
            jour = rules.add_months(d.date_dernier_renouvellement or d.date_depot, 11)
            evenements.append(
                Evenement(
                    demande=d,
                    type="RAPPEL_RENOUVELLEMENT",
                    date=_aware(jour, 6, 30),
                    organisation="Traitement automatique de la plateforme",
                    libelle="Avis de renouvellement",
                    detail={"canaux": ["EMAIL"]},
                )
            )
            transitions.append(
                TransitionStatut(
                    demande=d, de="ACTIVE", vers="A_RENOUVELER", action="RAPPELER", date=_aware(jour, 6, 30)
                )
            )
        if d.statut == "RADIEE":
            evenements.append(
                Evenement(
                    demande=d,
                    type="RADIATION",
                    date=_aware(d.date_radiation, 16),
                    acteur=agent,
                    organisation=guichet.nom,
                    libelle="Radiation",
                    detail={"motif": d.motif_radiation},
                )
            )
            transitions.append(
                TransitionStatut(
                    demande=d,
                    de="ACTIVE",
                    vers="RADIEE",
                    action="RADIER",
                    motif=d.motif_radiation,
                    acteur=agent,
                    date=_aware(d.date_radiation, 16),
                )
            )
    MembreMenage.objects.bulk_create(membres, batch_size=2000)
    Ressource.objects.bulk_create(ressources, batch_size=2000)
    Through.objects.bulk_create(communes_m2m, batch_size=5000)
    CriterePriorite.objects.bulk_create(priorites, batch_size=2000)
    RendezVous.objects.bulk_create(rdvs, batch_size=2000)
    Evenement.objects.bulk_create(evenements, batch_size=5000)
    TransitionStatut.objects.bulk_create(transitions, batch_size=2000)

    contacts = []
    for guichet in territory.guichets:
        for jours in range(0, 180):
            jour = today - dt.timedelta(days=jours)
            if jour.weekday() >= 5:
                continue
            for _ in range(rng.randint(0, 6)):
                contacts.append(
                    Contact(
                        guichet=guichet,
                        canal=rng.choice(["VISITE", "APPEL"]),
                        date=_aware(jour, rng.randint(9, 16), rng.randint(0, 59)),
                        agent=agent,
                    )
                )
    Contact.objects.bulk_create(contacts, batch_size=5000)
    _delai_anormalement_long(territory, guichets)
    if stdout is not None:
        stdout.write(
            f"Demandes : {len(brouillons)} demandes, {len(membres)} membres de ménage, {len(evenements)} événements, "
            f"{len(rdvs)} rendez-vous, {len(contacts)} contacts aux guichets.\n"
        )
    return len(brouillons)


MOIS_DELAI_DEMO = 24
SOURCE_DELAI_DEMO = (
    "Valeur de démonstration, sans valeur juridique : saisissez le délai de l'arrêté préfectoral en vigueur dans le "
    "département (article L. 441-1-4 du code de la construction et de l'habitation), avec sa référence et sa date."
)


def _delai_anormalement_long(territory, guichets) -> None:
    """The département's abnormally long delay (a demo value, said so in its source), then the nightly detection."""
    from cil.models import Commune

    from .services import detecter_delais_depasses

    departements = Commune.objects.filter(pk__in={g.commune_id for g in guichets}).values_list("departement")
    for (departement,) in departements.distinct().order_by("departement"):
        DelaiAnormalementLong.objects.get_or_create(
            departement=departement,
            epci=None,
            typologie="",
            date_debut=dt.date(2020, 1, 1),
            defaults={"mois": MOIS_DELAI_DEMO, "source": SOURCE_DELAI_DEMO},
        )
    detecter_delais_depasses()


def activite_de_la_nuit(territory, *, stdout: TextIO | None = None) -> int:
    """The reception points' nightly figures of the closed months (after every seeder that registers demands or
    counts contacts), as the nightly job leaves them: the network's page reads them as in production."""
    from .services import calculer_activite_guichets

    resultat = calculer_activite_guichets()
    if stdout is not None:
        stdout.write(f"Activité des guichets : {len(resultat['mois'])} mois clos comptés.\n")
    return resultat["lignes"]
