"""Write use cases against the real database: numbers, events, life cycle, optimistic locking."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from cil.models import SeuilQuartile
from demandes import selectors, sensibles, services
from demandes.models import Demande, Evenement, TransitionStatut
from demandes.rules import ConflitDeVersion, DomainError

from .factories import creer_demande


def test_enregistrement_numero_evenement_et_anciennete(monde_demandes):
    d1 = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2026, 1, 5))
    d2 = creer_demande(
        monde_demandes.guichet2, acteur=monde_demandes.agent2, date_depot=dt.date(2026, 2, 1), nom="Martin"
    )
    assert d1.numero_unique == "038-2026-0000001"
    assert d2.numero_unique == "038-2026-0000002"
    assert d1.epci == monde_demandes.epci and d1.statut == Demande.statut.field.default
    ev = d1.evenements.get()
    assert ev.type == Evenement.Type.ENREGISTREMENT
    assert ev.acteur == monde_demandes.agent and ev.organisation == monde_demandes.guichet.nom
    assert d1.nom_norm == "lefevre" and d1.prenom_norm == "amelie"


def test_numero_jamais_reutilise_meme_apres_radiation_et_suppression(monde_demandes):
    d = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2026, 1, 5))
    services.radier(d, "RENONCIATION", acteur=monde_demandes.agent)
    Demande.objects.filter(pk=d.pk).delete()
    d2 = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2026, 1, 6))
    assert d2.numero_unique == "038-2026-0000002"


def test_guichet_non_enregistreur_refuse(monde_demandes):
    monde_demandes.guichet.enregistreur = False
    monde_demandes.guichet.save()
    with pytest.raises(DomainError, match="n'est pas un guichet enregistreur"):
        creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent)


def test_modification_concurrente_leve_un_conflit_sans_rien_perdre(demande, monde_demandes):
    version_lue = demande.version
    premiere = Demande.objects.get(pk=demande.pk)
    seconde = Demande.objects.get(pk=demande.pk)
    services.modifier_demande(
        premiere, version=version_lue, donnees={"telephone": "0476000000"}, acteur=monde_demandes.agent
    )
    with pytest.raises(ConflitDeVersion, match="modifiée par quelqu'un d'autre"):
        services.modifier_demande(
            seconde, version=version_lue, donnees={"ville": "Échirolles"}, acteur=monde_demandes.agent2
        )
    frais = Demande.objects.get(pk=demande.pk)
    assert frais.telephone == "0476000000"  # the first save is kept
    assert frais.ville == "Grenoble"  # the stale one wrote nothing
    assert frais.version == version_lue + 1
    assert frais.evenements.filter(type=Evenement.Type.RECTIFICATION).count() == 1


def test_modification_membres_et_ressources(demande, monde_demandes):
    d = services.modifier_demande(
        demande,
        version=demande.version,
        donnees={},
        membres=[{"lien": "ENFANT", "nom": "Lefèvre", "prenom": "Léo", "date_naissance": dt.date(2018, 5, 1)}],
        acteur=monde_demandes.agent,
    )
    enfant = d.membres.get()
    services.modifier_demande(
        d,
        version=d.version,
        donnees={},
        ressources=[{"membre_id": enfant.pk, "nature": "PRESTATIONS_FAMILIALES", "montant_mensuel": Decimal("150")}],
        acteur=monde_demandes.agent,
    )
    assert d.ressources.count() == 2
    ev = d.evenements.filter(type=Evenement.Type.RECTIFICATION).first()
    assert "ressources" in ev.libelle


def test_renouvellement_garde_depot_et_numero(monde_demandes):
    d = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2025, 1, 10))
    numero = d.numero_unique
    services.renouveler(d, acteur=monde_demandes.agent, jour=dt.date(2025, 12, 20))
    d.refresh_from_db()
    assert d.numero_unique == numero and d.date_depot == dt.date(2025, 1, 10)
    assert d.date_dernier_renouvellement == dt.date(2025, 12, 20)
    ev = d.evenements.get(type=Evenement.Type.RENOUVELLEMENT)
    assert "20/12/2026" in ev.libelle


def test_renouvellement_refuse_avant_le_rappel_et_rien_ne_change(monde_demandes):
    d = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2025, 1, 10))
    avant = (d.version, d.statut, d.evenements.count())
    attendu = "valable jusqu'au 10/01/2026 : son renouvellement sera possible à partir du 10/12/2025"
    with pytest.raises(DomainError, match=attendu):
        services.renouveler(d, acteur=monde_demandes.agent, jour=dt.date(2025, 1, 10))
    d.refresh_from_db()
    assert d.date_dernier_renouvellement is None
    assert (d.version, d.statut, d.evenements.count()) == avant


def test_radiation_motivee_et_journalisee_puis_modification_refusee(demande, monde_demandes):
    with pytest.raises(DomainError, match="courrier d'avertissement"):
        services.radier(demande, "IRRECEVABILITE", acteur=monde_demandes.agent)
    services.avertir(demande, "IRRECEVABILITE", acteur=monde_demandes.agent, jour=dt.date(2026, 1, 31))
    with pytest.raises(DomainError, match="à partir du 28/02/2026"):
        services.radier(demande, "IRRECEVABILITE", acteur=monde_demandes.agent, jour=dt.date(2026, 2, 27))
    services.radier(
        demande, "IRRECEVABILITE", acteur=monde_demandes.agent, commentaire="Plafond dépassé", jour=dt.date(2026, 2, 28)
    )
    demande.refresh_from_db()
    assert demande.statut == "RADIEE" and demande.motif_radiation == "IRRECEVABILITE"
    t = TransitionStatut.objects.get(demande=demande)
    assert (t.de, t.vers, t.motif, t.acteur) == ("ACTIVE", "RADIEE", "IRRECEVABILITE", monde_demandes.agent)
    with pytest.raises(DomainError):
        services.modifier_demande(demande, version=demande.version, donnees={"ville": "X"}, acteur=monde_demandes.agent)
    with pytest.raises(DomainError):
        services.reactiver(demande, acteur=monde_demandes.agent)


def test_rappel_idempotent_puis_radiation_pour_non_renouvellement_et_reactivation(monde_demandes):
    d = creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent, date_depot=dt.date(2025, 1, 10))
    jour_rappel = dt.date(2025, 12, 15)
    assert [x.pk for x in selectors.rappels_a_envoyer(jour_rappel)] == [d.pk]
    assert services.envoyer_rappel_renouvellement(d.pk, today=jour_rappel) is True
    assert services.envoyer_rappel_renouvellement(d.pk, today=jour_rappel) is False
    assert len(mail.outbox) == 1 and d.numero_unique in mail.outbox[0].subject
    assert d.evenements.filter(type=Evenement.Type.RAPPEL_RENOUVELLEMENT).count() == 1
    assert not selectors.rappels_a_envoyer(jour_rappel).exists()
    # not yet: 13 months after filing
    assert not selectors.radiations_a_faire(dt.date(2026, 2, 9)).exists()
    assert services.radier_pour_non_renouvellement(d.pk, today=dt.date(2026, 2, 9)) is False
    assert services.radier_pour_non_renouvellement(d.pk, today=dt.date(2026, 2, 10)) is True
    assert services.radier_pour_non_renouvellement(d.pk, today=dt.date(2026, 2, 11)) is False
    d.refresh_from_db()
    assert (d.statut, d.motif_radiation) == ("RADIEE", "NON_RENOUVELLEMENT")
    services.reactiver(d, acteur=monde_demandes.agent, jour=dt.date(2026, 7, 1))
    d.refresh_from_db()
    assert d.statut == "ACTIVE" and d.date_depot == dt.date(2025, 1, 10)
    assert list(d.transitions.values_list("action", flat=True)) == ["RAPPELER", "RADIER", "REACTIVER"]


def test_doublon_detecte_sur_le_territoire_seulement(demande, monde_demandes):
    assert selectors.doublons(monde_demandes.epci.pk, "LEFEVRE", "amelie", dt.date(1988, 4, 12)) == [demande]
    assert selectors.doublons(monde_demandes.autre_epci.pk, "Lefèvre", "Amélie", dt.date(1988, 4, 12)) == []
    assert selectors.doublons(monde_demandes.epci.pk, "Lefèvre", "Amélie", dt.date(1988, 4, 13)) == []


def test_ressources_par_uc_et_quartile_hors_aides_au_logement(monde_demandes):
    SeuilQuartile.objects.create(
        epci=monde_demandes.epci, annee=2026, seuil_q1=Decimal("10716"), arrete="test", source="t"
    )
    d = creer_demande(
        monde_demandes.guichet,
        acteur=monde_demandes.agent,
        membres=[
            {"lien": "ENFANT", "nom": "A", "prenom": "B", "date_naissance": dt.date(2016, 1, 1)},
            {"lien": "ENFANT", "nom": "A", "prenom": "C", "date_naissance": dt.date(2018, 1, 1)},
            {"lien": "ENFANT", "nom": "A", "prenom": "D", "date_naissance": dt.date(2020, 1, 1)},
        ],
        ressources=[
            {"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal("1696.70")},
            {"membre_index": None, "nature": "AIDE_LOGEMENT", "montant_mensuel": Decimal("300")},
        ],
    )
    s = selectors.situation_ressources(d, dt.date(2026, 6, 1))
    assert s.uc == Decimal("1.9") and s.nb_enfants_moins_14 == 3
    assert s.ressources_mensuelles == Decimal("1696.70") and s.aides_logement == Decimal("300")
    assert s.ressources_annuelles_par_uc == Decimal("10716")
    assert s.premier_quartile is True and s.quartile == 1


def test_priorite_sensible_journalisee_avec_son_critere(demande, monde_demandes):
    p = services.reconnaitre_priorite(
        demande,
        critere="VIOLENCES_COUPLE",
        source="GUICHET",
        reconnu_le=dt.date(2026, 1, 2),
        acteur=monde_demandes.agent,
    )
    assert p.organisation == monde_demandes.guichet.nom and p.reconnu_par == monde_demandes.agent
    definition = sensibles.definition(demande.epci_id)
    ev = demande.evenements.get(type=Evenement.Type.PRIORITE_RECONNUE)
    assert definition.masque_evenement(ev.type, ev.detail) == sensibles.MASQUE_CRITERE
    with pytest.raises(DomainError, match="déjà reconnu"):
        services.reconnaitre_priorite(
            demande,
            critere="VIOLENCES_COUPLE",
            source="GUICHET",
            reconnu_le=dt.date(2026, 1, 2),
            acteur=monde_demandes.agent,
        )
    services.lever_priorite(p, acteur=monde_demandes.agent)
    levee = demande.evenements.get(type=Evenement.Type.PRIORITE_LEVEE)
    assert definition.masque_evenement(levee.type, levee.detail) == sensibles.MASQUE_CRITERE
    services.reconnaitre_priorite(
        demande, critere="SANS_LOGEMENT", source="BAILLEUR", reconnu_le=dt.date(2026, 1, 2), acteur=monde_demandes.agent
    )
    ev = demande.evenements.filter(type=Evenement.Type.PRIORITE_RECONNUE).latest("id")
    assert ev.detail["critere"] == "SANS_LOGEMENT" and definition.masque_evenement(ev.type, ev.detail) is None


def test_record_event_public_pour_les_autres_apps(demande, monde_demandes):
    ev = services.record_event(demande, "DECISION_CAL", acteur=monde_demandes.bailleur_user, detail={"rang": 1})
    assert ev.organisation == "Alpes Habitat Test"
    with pytest.raises(DomainError):
        services.record_event(demande, "INVENTE", acteur=None)
