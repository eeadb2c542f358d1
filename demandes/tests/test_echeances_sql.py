"""The scheduled jobs select in SQL exactly the demands the Python rules name (renewal notice, radiation)."""

import datetime as dt

import pytest

from demandes import rules, selectors
from demandes.models import Demande, ParametresDemande, Statut

from .factories import creer_demande

DELAIS = [
    rules.Delais(),
    rules.Delais(preavis_rappel_mois=2, radiation_non_renouvellement_mois=14),
    rules.Delais(validite_mois=6, preavis_rappel_mois=0, radiation_non_renouvellement_mois=7),
]
JOURS = [
    dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2024, 2, 29), dt.date(2025, 12, 31), dt.date(2026, 1, 31),
    dt.date(2026, 4, 30), dt.date(2026, 5, 1), dt.date(2026, 6, 15),
]  # fmt: skip


@pytest.mark.parametrize("delais", DELAIS)
@pytest.mark.parametrize("today", JOURS)
@pytest.mark.parametrize("echeance", [rules.date_rappel, rules.date_radiation_non_renouvellement])
def test_la_borne_est_le_dernier_debut_dont_l_echeance_est_passee(delais, today, echeance):
    limite = rules.debut_validite_limite(lambda debut: echeance(debut, None, delais), today)
    assert echeance(limite, None, delais) <= today
    # every later start, over the two months after the bound (clipped month ends included), is not yet due
    for jours in range(1, 62):
        assert echeance(limite + dt.timedelta(days=jours), None, delais) > today


DEPOTS = [
    dt.date(2024, 12, 29), dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 1, 28), dt.date(2025, 1, 29),
    dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 30),
]  # fmt: skip


def test_les_demandes_echues_en_sql_sont_celles_des_regles(monde_demandes):
    m = monde_demandes
    # the first territory has its own delays (two months of notice), the other takes the national row
    national = selectors.parametres_pour(None, dt.date(2025, 1, 1))
    ParametresDemande.objects.create(
        epci=m.epci, date_debut=dt.date(2020, 1, 1), preavis_rappel_mois=2, radiation_non_renouvellement_mois=14,
        source="Arrêté de test",
    )  # fmt: skip
    demandes = []
    for guichet in (m.guichet, m.guichet_autre):
        for depot in DEPOTS:
            demandes.append(creer_demande(guichet, acteur=m.agent, date_depot=depot))
        renouvelee = creer_demande(guichet, acteur=m.agent, date_depot=dt.date(2023, 6, 1))
        Demande.objects.filter(pk=renouvelee.pk).update(date_dernier_renouvellement=dt.date(2025, 1, 30))
        demandes.append(renouvelee)
    # half of them were noticed already (A_RENOUVELER): the radiation's candidates
    noticees = {d.pk for d in demandes[::2]}
    Demande.objects.filter(pk__in=noticees).update(statut=Statut.A_RENOUVELER)
    propres = selectors.delais_pour(m.epci.pk, dt.date(2025, 1, 1))
    assert propres != national.delais()
    partages = 0
    for today in [dt.date(2025, 11, 28), dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 2, 28),
                  dt.date(2026, 3, 1), dt.date(2026, 3, 31)]:  # fmt: skip
        attendus_rappel, attendus_radiation = set(), set()
        for d in Demande.objects.filter(pk__in=[x.pk for x in demandes]):
            delais = selectors.delais_pour(d.epci_id, today)
            if rules.rappel_du(d.statut, d.date_depot, d.date_dernier_renouvellement, delais, today):
                attendus_rappel.add(d.pk)
            if rules.radiation_due(d.statut, d.date_depot, d.date_dernier_renouvellement, delais, today):
                attendus_radiation.add(d.pk)
        assert set(selectors.rappels_a_envoyer(today).values_list("pk", flat=True)) == attendus_rappel, today
        assert set(selectors.radiations_a_faire(today).values_list("pk", flat=True)) == attendus_radiation, today
        seul = set(selectors.rappels_a_envoyer(today, [m.autre_epci.pk]).values_list("pk", flat=True))
        assert seul == {pk for pk in attendus_rappel if Demande.objects.get(pk=pk).epci_id == m.autre_epci.pk}
        partages += 0 < len(attendus_rappel) < len(demandes) - len(noticees)
    # the table is not trivial: on most dates some demands are due and some are not
    assert partages >= 3


def test_la_page_des_traitements_compte_tout_et_n_affiche_que_les_premieres(client, monde_demandes):
    from demandes.views import reseau

    m = monde_demandes
    for jour in range(3):
        creer_demande(m.guichet, acteur=m.agent, date_depot=dt.date(2020, 1, 1) + dt.timedelta(days=jour))
    client.force_login(m.staff)
    reseau_lignes = reseau.LIGNES_TRAITEMENTS
    try:
        reseau.LIGNES_TRAITEMENTS = 2
        page = client.get("/demandes/traitements/").content.decode()
    finally:
        reseau.LIGNES_TRAITEMENTS = reseau_lignes
    assert "Avis de renouvellement à envoyer (3)" in page
    assert "Les 2 demandes les plus anciennement échues sont affichées sur 3" in page
