"""Grid life cycle, stock rescoring (batches, resume, idempotence, one event per change), one demand's
rescoring on change, the applicant's position and the observed waiting time."""

import datetime as dt
from decimal import Decimal

import pytest

from demandes import selectors, services
from demandes.models import CalculCotation, CritereCotation, Demande, Evenement, GrilleCotation, GrilleFigee
from demandes.rules import DomainError
from demandes.sensibles import lecture

from .factories import creer_demande

T = CritereCotation.Type


def grille_test(epci, *, anciennete=2, dalo=300, acteur=None) -> GrilleCotation:
    grille = services.creer_brouillon(epci=epci, acteur=acteur, nom="Grille test")
    grille.criteres.all().delete()  # not a copy of the adopted grid
    for ordre, (code, type_, points, valeurs, plafond) in enumerate(
        [
            ("dalo", T.DALO, dalo, [], None),
            ("priorite", T.PRIORITE, 100, [], None),
            ("anciennete", T.ANCIENNETE, anciennete, [], 120),
            ("heberge", T.LOGEMENT_ACTUEL, 20, ["HEBERGE_TIERS"], None),
        ]
    ):
        services.enregistrer_critere(
            grille=grille,
            acteur=acteur,
            donnees={"ordre": ordre, "code": code, "libelle": code.title(), "type": type_, "points": points,
                     "valeurs": valeurs, "plafond": plafond},
        )  # fmt: skip
    return grille


@pytest.fixture
def stock(monde_demandes):
    return [
        creer_demande(monde_demandes.guichet, date_depot=dt.date(2024, 1, 10)),
        creer_demande(
            monde_demandes.guichet, nom="Martin", date_depot=dt.date(2025, 6, 1), logement_actuel="HEBERGE_TIERS"
        ),
        creer_demande(monde_demandes.guichet, nom="Petit", date_depot=dt.date.today()),
    ]


def test_cycle_de_vie_adoptee_figee_et_archivage(monde_demandes, django_capture_on_commit_callbacks):
    v1 = grille_test(monde_demandes.epci, acteur=monde_demandes.staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(v1, acteur=monde_demandes.staff, date_debut=dt.date(2026, 1, 1))
    v1.refresh_from_db()
    assert v1.statut == "ADOPTEE" and v1.adoptee_par == monde_demandes.staff and v1.date_debut == dt.date(2026, 1, 1)
    v1.nom = "Changée"
    with pytest.raises(GrilleFigee):
        v1.save()
    critere = v1.criteres.first()
    critere.points = 1
    with pytest.raises(GrilleFigee):
        critere.save()
    with pytest.raises(GrilleFigee):
        v1.delete()
    with pytest.raises(DomainError):
        services.enregistrer_critere(grille=v1, acteur=monde_demandes.staff, critere=critere, donnees={"points": 2})

    v2 = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff)  # a copy of the adopted grid
    assert v2.version == 2 and v2.copie_de == v1 and v2.criteres.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(v2, acteur=monde_demandes.staff, date_debut=dt.date(2026, 7, 1))
    v1.refresh_from_db()
    assert v1.statut == "ARCHIVEE" and v1.date_fin == dt.date(2026, 6, 30)
    assert GrilleCotation.objects.filter(epci=monde_demandes.epci, statut="ADOPTEE").get() == v2


def test_une_grille_sans_critere_de_priorite_ne_peut_etre_adoptee(monde_demandes):
    grille = services.creer_brouillon(epci=monde_demandes.epci, acteur=monde_demandes.staff)
    services.enregistrer_critere(
        grille=grille,
        acteur=monde_demandes.staff,
        donnees={"code": "anc", "libelle": "Ancienneté", "type": T.ANCIENNETE, "points": 1},
    )
    with pytest.raises(DomainError, match="L. 441-1"):
        services.adopter_grille(grille, acteur=monde_demandes.staff)
    with pytest.raises(DomainError, match="malus"):
        services.enregistrer_critere(
            grille=grille,
            acteur=monde_demandes.staff,
            donnees={"code": "r", "libelle": "R", "type": T.REFUS, "points": 5},
        )


def test_recalcul_du_stock_par_lots_reprise_et_idempotence(monde_demandes, stock, django_capture_on_commit_callbacks):
    today = dt.date.today()
    autre = creer_demande(monde_demandes.guichet_autre, nom="Ailleurs", date_depot=dt.date(2020, 1, 1))
    grille = grille_test(monde_demandes.epci)
    calcul = services.adopter_grille(grille, acteur=monde_demandes.staff)  # on_commit not run: as if interrupted
    assert services.recalculer_lot(calcul.pk, taille_lot=2) is False
    calcul.refresh_from_db()
    assert (calcul.nb_traitees, calcul.dernier_id, calcul.statut) == (2, stock[1].pk, "EN_COURS")
    assert Demande.objects.filter(score__isnull=False).count() == 2
    calcul = services.recalculer_stock(calcul.pk, taille_lot=2)  # resumes after the mark
    assert (calcul.statut, calcul.nb_traitees, calcul.nb_modifiees, calcul.nb_lots) == ("TERMINE", 3, 3, 2)
    attendu = {
        d.pk: selectors.cotation_expliquee(d, today, lecture=lecture(monde_demandes.staff, d)).resultat.score
        for d in stock
    }
    assert dict(Demande.objects.filter(pk__in=attendu).values_list("pk", "score")) == attendu
    assert attendu[stock[1].pk] >= 20 and attendu[stock[2].pk] == 0
    events = Evenement.objects.filter(type="COTATION")
    assert sorted(events.values_list("demande_id", flat=True)) == sorted(attendu)
    assert events.get(demande=stock[1]).detail == {"grille_id": grille.pk, "ancien": None,
                                                     "nouveau": attendu[stock[1].pk]}  # fmt: skip
    autre.refresh_from_db()
    assert autre.score is None  # another territory: untouched

    # the same grid again: nothing changes, no event
    with django_capture_on_commit_callbacks(execute=True):
        deuxieme = services.lancer_recalcul(grille=grille, acteur=None, declencheur="test")
    deuxieme.refresh_from_db()
    assert (deuxieme.statut, deuxieme.nb_traitees, deuxieme.nb_modifiees) == ("TERMINE", 3, 0)
    assert events.count() == 3

    # a new grid with more points per month: only the demands with seniority change (not the one filed today)
    nouvelle = grille_test(monde_demandes.epci, anciennete=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(nouvelle, acteur=monde_demandes.staff)
    calcul = CalculCotation.objects.filter(grille=nouvelle).get()
    assert (calcul.nb_traitees, calcul.nb_modifiees) == (3, 2)
    par_demande = Evenement.objects.filter(type="COTATION", detail__grille_id=nouvelle.pk)
    assert sorted(par_demande.values_list("demande_id", flat=True)) == [stock[0].pk, stock[1].pk]
    assert all(e.detail["ancien"] < e.detail["nouveau"] for e in par_demande)
    # the demand filed today keeps 0 points, now under the new grid, without an event
    assert Demande.objects.filter(pk=stock[2].pk, score=0, score_grille=nouvelle).exists()


def test_recalcul_d_une_demande_quand_elle_change(monde_demandes, stock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.adopter_grille(grille_test(monde_demandes.epci), acteur=monde_demandes.staff)
    demande = Demande.objects.get(pk=stock[2].pk)
    assert demande.score == 0
    services.reconnaitre_priorite(
        demande, critere="SANS_LOGEMENT", source="GUICHET", reconnu_le=dt.date.today(), acteur=monde_demandes.agent
    )
    demande.refresh_from_db()
    assert demande.score == 100
    event = Evenement.objects.filter(demande=demande, type="COTATION").order_by("-date", "-id").first()
    assert event.detail["ancien"] == 0 and event.detail["nouveau"] == 100 and event.acteur == monde_demandes.agent
    services.enregistrer_dalo(
        demande, date_decision=dt.date.today(), commission="COMED 38", acteur=monde_demandes.agent
    )
    demande.refresh_from_db()
    assert demande.score == 400
    nb = Evenement.objects.filter(demande=demande, type="COTATION").count()
    services.modifier_demande(demande, version=demande.version, donnees={"telephone": "0600000000"}, acteur=None)
    assert Evenement.objects.filter(demande=demande, type="COTATION").count() == nb  # unchanged score: no event


def test_position_parmi_les_demandes_similaires_et_delai_observe(monde_demandes):
    from attributions.models import DecisionCaleol, Logement
    from cil.models import RegleSecret, Reservataire

    regle = RegleSecret.objects.create(epci=monde_demandes.epci, seuil=3, date_debut=dt.date(2000, 1, 1), source="t")
    grille = grille_test(monde_demandes.epci)
    demandes = []
    for i, depot in enumerate([dt.date(2020, 1, 1), dt.date(2023, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 1, 1)]):
        d = creer_demande(monde_demandes.guichet, nom=f"Simil{i}", date_depot=depot, typologies=["T3"])
        d.communes_souhaitees.set([monde_demandes.commune])
        demandes.append(d)
    services.recalculer_stock(services.adopter_grille(grille, acteur=monde_demandes.staff).pk)
    cible = Demande.objects.get(pk=demandes[2].pk)
    jour = dt.date.today()
    logement = Logement.objects.create(
        identifiant="L1",
        bailleur=monde_demandes.bailleur,
        commune=monde_demandes.commune,
        epci=monde_demandes.epci,
        typologie="T3",
    )
    prefet = Reservataire.objects.create(type="ETAT", nom="Préfet")
    for k, attente_jours in enumerate([100, 300, 500, 700]):
        DecisionCaleol.objects.create(
            numero_unique=f"X{k}", date_depot=jour - dt.timedelta(days=attente_jours + 40), date_decision=jour -
            dt.timedelta(days=40), date_bail=jour - dt.timedelta(days=10 + k), type_decision="ATTRIBUTION",
            logement=logement, bailleur=monde_demandes.bailleur, commune=monde_demandes.commune,
            epci=monde_demandes.epci, typologie="T3",
            reservataire=prefet,
            ressources_mensuelles=Decimal(1000), ressources_annuelles_e4=120000000, nb_personnes_14_plus=1,
            nb_enfants_moins_14=0, uc_dixiemes=10,
        )  # fmt: skip
    (position,) = selectors.positions_demande(cible, jour)
    # the file passes the wished communes it has already read: the same positions
    assert selectors.positions_demande(cible, jour, communes=list(cible.communes_souhaitees.all())) == [position]
    assert (position.commune, position.typologie, position.total, position.rang) == (
        monde_demandes.commune.nom,
        "T3",
        4,
        3,
    )
    assert position.pct_derriere == 50
    # waits (lease - filing): 130, 329, 528, 727 days -> median 428.5 days = 14.1 months
    assert (position.delai_median_mois, position.attributions_observees, position.masque) == (14.1, 4, False)
    assert not (position.rang_masque or position.total_masque) and selectors.regle_appliquee([position]) == ""
    # the territory's rule of 3 ends yesterday; from today its rule is 5
    regle.date_fin = jour - dt.timedelta(days=1)
    regle.save()
    RegleSecret.objects.create(epci=monde_demandes.epci, seuil=5, date_debut=jour, source="CIL du 3 mars")
    (masquee,) = selectors.positions_demande(cible, jour)
    assert masquee.rang is None and masquee.delai_median_mois is None and masquee.masque
    assert masquee.rang_masque and masquee.total_masque and masquee.seuil_secret == 5
    assert "inférieurs à 5" in selectors.regle_appliquee([masquee])


def test_instantane_de_la_fiche_egal_a_celui_du_lot(monde_demandes):
    """The demand's file takes the scoring snapshot from the rows it has read (LignesLues): the same snapshot as
    the batch's, read in SQL, on days around every boundary (a priority recognised, lifted; a DALO decision
    taken; a non-urgent one never counts), for every kind of related row a grid may read."""
    import dataclasses
    from types import SimpleNamespace

    from demandes.models import CriterePriorite, DecisionDalo

    D = dt.date
    demande = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=D(2024, 1, 10))
    demande.membres.create(lien="ENFANT", nom="X", prenom="Y", date_naissance=D(2015, 3, 1))
    demande.membres.create(lien="CONJOINT", nom="X", prenom="Z", date_naissance=D(1990, 3, 1))
    for critere, reconnu, fin in [
        ("HANDICAP", D(2025, 1, 1), None),
        ("ACT", D(2025, 1, 1), D(2025, 6, 1)),
        ("HABITAT_INDIGNE", D(2025, 9, 1), D(2026, 1, 1)),
    ]:
        CriterePriorite.objects.create(
            demande=demande, critere=critere, source="BAILLEUR", reconnu_le=reconnu, fin_le=fin
        )
    DecisionDalo.objects.create(demande=demande, date_decision=D(2025, 3, 1), prioritaire_urgent=False, commission="C")
    DecisionDalo.objects.create(demande=demande, date_decision=D(2025, 10, 1), prioritaire_urgent=True, commission="C")
    services.record_event(
        demande, Evenement.Type.REFUS, acteur=None, date=dt.datetime(2025, 4, 2, tzinfo=dt.UTC), detail={"motif": "X"}
    )
    # a refusal late in the evening (its day is the event's UTC date, as in SQL), one without a reason, and an
    # event of another type naming a reason (never a refusal)
    services.record_event(
        demande, Evenement.Type.REFUS, acteur=None, date=dt.datetime(2025, 11, 30, 23, 30, tzinfo=dt.UTC), detail={}
    )
    services.record_event(
        demande, Evenement.Type.PROPOSITION, acteur=None, date=dt.datetime(2025, 5, 2, tzinfo=dt.UTC),
        detail={"motif": "Y"},
    )  # fmt: skip
    criteres = [SimpleNamespace(type=t) for t in (T.PRIORITE, T.DALO, T.MENAGE, T.REFUS, T.LIEN_LOCAL)]
    demande = Demande.objects.get(pk=demande.pk)
    evenements = selectors.evenements_du_journal(demande)
    lues = selectors.LignesLues(
        membres=list(demande.membres.all()),
        priorites=list(demande.priorites.all()),
        decisions_dalo=list(demande.decisions_dalo.all()),
        evenements=evenements,
    )
    en_sql = selectors._refus({"demande_id": demande.pk})[demande.pk]
    attendus = [(dt.date(2025, 4, 2), "X"), (dt.date(2025, 11, 30), "")]
    assert sorted(selectors.refus_lus(evenements)) == sorted(en_sql) == attendus

    def trie(instantane):
        return dataclasses.replace(
            instantane, membres=tuple(sorted(instantane.membres, key=repr)), refus=tuple(sorted(instantane.refus))
        )

    vus = set()
    for jour in [D(2024, 12, 31), D(2025, 1, 1), D(2025, 5, 31), D(2025, 6, 1), D(2025, 9, 1), D(2025, 10, 1),
                 D(2025, 12, 31), D(2026, 1, 1)]:  # fmt: skip
        par_lot = selectors.instantane_demande(demande, jour, criteres)
        assert trie(selectors.instantane_demande(demande, jour, criteres, lues=lues)) == trie(par_lot), jour
        vus.add((par_lot.priorites, par_lot.dalo))
    assert len(vus) >= 4 and any(dalo for _p, dalo in vus) and len(par_lot.membres) == 2 and len(par_lot.refus) == 2
