"""Rows encoded for COPY's text format where a bulk job prepares them (``core.masse``): the same values in the
database as psycopg's own COPY of the same rows (``copier``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from core.masse import (
    colonnes_apres,
    copier,
    copier_lignes,
    echapper,
    encoder_json,
    encodeur_de_lignes,
    tas_gele,
    texte_copy,
)

PIEGES = "a\\b\tc\nd\re « é » \\N {0} %s"


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("simple", "simple"),
        ("a\\b", "a\\\\b"),
        ("t\tn\nr\r", "t\\tn\\nr\\r"),
        ("\\N", "\\\\N"),  # a backslash first: never read as NULL
        ("", ""),
    ],
)
def test_echappement_du_format_texte(texte, attendu):
    assert echapper(texte) == attendu


def test_valeurs_en_texte():
    from demandes.models import Statut

    paris = dt.timezone(dt.timedelta(hours=1))
    assert texte_copy(None) == "\\N"
    assert texte_copy(True) == "t" and texte_copy(False) == "f"
    assert texte_copy(12) == "12" and texte_copy(Decimal("1500.50")) == "1500.50"
    assert texte_copy(dt.date(2026, 2, 1)) == "2026-02-01"
    assert texte_copy(dt.datetime(2026, 2, 1, 8, 30, tzinfo=paris)) == "2026-02-01T08:30:00+01:00"
    assert texte_copy(Statut.ACTIVE) == "ACTIVE"  # a TextChoices member: its value
    with pytest.raises(ValueError, match="sans fuseau"):
        texte_copy(dt.datetime(2026, 2, 1, 8, 30))
    with pytest.raises(TypeError, match="non prise en charge"):
        texte_copy(1.5j)


def test_le_tas_gele_pendant_un_travail_en_masse_et_rendu_apres():
    import gc

    class Cycle:
        pass

    avant = gc.get_freeze_count()
    with tas_gele() as geler:
        assert gc.isenabled() and gc.get_freeze_count() > avant
        garde = [Cycle() for _ in range(1000)]
        geler()
        assert gc.get_freeze_count() >= avant + 1000  # what the job keeps is not walked again
        cycle = Cycle()
        cycle.moi = cycle  # a cycle made after the last freeze is still collected
        del cycle
        assert gc.collect() >= 1
    assert gc.get_freeze_count() == 0 and len(garde) == 1000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY : PostgreSQL seulement")
def test_les_lignes_encodees_donnent_les_memes_valeurs_que_copy_de_psycopg(monde_demandes):
    from demandes.models import Evenement, MembreMenage, Ressource
    from demandes.tests.factories import creer_demande

    demande = creer_demande(monde_demandes.guichet)
    maintenant = dt.datetime(2026, 12, 4, 23, 59, 59, 123456, tzinfo=dt.UTC)
    cas = [
        (
            Evenement,
            {
                "type": Evenement.Type.RECTIFICATION,
                "date": maintenant,
                "acteur_id": None,
                "organisation": PIEGES,
                "libelle": "« Modifié » \\ fin",
                "detail": {"texte": 'guillemets " et \\ et \n', "nombre": 1.5, "liste": [1, None, "é"]},
            },
        ),
        (Evenement, {"type": Evenement.Type.COTATION, "date": maintenant, "detail": encoder_json({"a": "\\"})}),
        (
            MembreMenage,
            {"lien": "ENFANT", "nom": PIEGES, "prenom": "Zoé", "date_naissance": dt.date(2020, 2, 29)},
        ),  # missing keys: the defaults, as ``copier``
        (Ressource, {"nature": "SALAIRE", "montant_mensuel": Decimal("1234.56")}),
    ]
    for modele, ligne in cas:
        colonnes = colonnes_apres(modele, ("demande_id",))
        copier(modele, [{**ligne, "demande_id": demande.pk}])
        par_psycopg = modele.objects.filter(demande=demande).order_by("-pk").first()
        texte = f"{demande.pk}\t" + encodeur_de_lignes(modele, colonnes)(ligne)
        copier_lignes(modele, ["demande_id", *colonnes], [texte])
        par_texte = modele.objects.filter(demande=demande).order_by("-pk").first()
        assert par_texte.pk != par_psycopg.pk
        valeurs = [getattr(par_texte, c) for c in colonnes]
        assert valeurs == [getattr(par_psycopg, c) for c in colonnes]
        assert valeurs != [None] * len(colonnes)
    evenement = Evenement.objects.filter(demande=demande, type=Evenement.Type.RECTIFICATION).order_by("-pk").first()
    assert evenement.organisation == PIEGES and evenement.detail["texte"] == 'guillemets " et \\ et \n'
    assert MembreMenage.objects.filter(demande=demande, nom=PIEGES).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY : PostgreSQL seulement")
def test_un_modele_encode_depuis_son_instance(monde_demandes):
    """The demand's own row, from its instance (as a bulk registration prepares it), reads back the same."""
    from demandes.models import Demande
    from demandes.tests.factories import creer_demande

    demande = creer_demande(monde_demandes.guichet, nom=PIEGES, motifs=["SANS_LOGEMENT"])
    colonnes = colonnes_apres(Demande, ("id", "numero_unique", "numero_national"))
    texte = encodeur_de_lignes(Demande, colonnes)(demande)
    copie = f"N-COPIE\tNN-COPIE\t{texte}"
    copier_lignes(Demande, ["numero_unique", "numero_national", *colonnes], [copie])
    relue = Demande.objects.get(numero_unique="N-COPIE")
    originale = Demande.objects.get(pk=demande.pk)
    assert [getattr(relue, c) for c in colonnes] == [getattr(originale, c) for c in colonnes]
    assert relue.nom == PIEGES and relue.motifs == ["SANS_LOGEMENT"]


def test_json_simple_donne_la_meme_valeur_et_renvoie_le_reste_a_encoder_json():
    import json

    from core.masse import JsonTexte, encoder_json_simple
    from demandes.models import Statut

    document = {"nom": 'Zoé « é » \\ "x"', "n": 12, "r": 1.5e16, "l": [None, True, {"@code": "A"}], "v": {}}
    simple = encoder_json_simple(document)
    assert isinstance(simple, JsonTexte) and json.loads(simple) == json.loads(encoder_json(document)) == document
    for autre in ({"jour": dt.date(2026, 12, 4)}, {"montant": Decimal("1.50")}, {"statut": Statut.ACTIVE}):
        assert encoder_json_simple(autre) == encoder_json(autre)  # not plain JSON: the standard encoder's text


def test_un_menage_aux_noms_pieges_enregistre_en_masse(monde_demandes):
    """A household's rows go to the writing process as ``str.format`` templates on PostgreSQL: braces, tabs and
    backslashes in a name come back as typed, each resource with its own member."""
    from demandes import services
    from demandes.models import MembreMenage, Ressource
    from demandes.tests.factories import donnees_demandeur

    noms = ["{0} {1}", "}{", PIEGES]
    membres = [
        {"lien": "ENFANT", "nom": nom, "prenom": "Zoé", "date_naissance": dt.date(2015 + k, 1, 1)}
        for k, nom in enumerate(noms)
    ]
    ressources = [{"membre_index": None, "nature": "SALAIRE", "montant_mensuel": Decimal("1500.00")}] + [
        {"membre_index": k, "nature": "BOURSE", "montant_mensuel": Decimal(f"{k + 1}0.50")} for k in range(3)
    ]
    creees, erreurs = services.enregistrer_demandes_en_masse(
        [
            {
                "guichet": monde_demandes.guichet,
                "donnees": donnees_demandeur(),
                "membres": membres,
                "ressources": ressources,
            }
        ],
        acteur=None,
    )
    assert not erreurs
    demande = creees[0]
    lus = list(MembreMenage.objects.filter(demande=demande).order_by("date_naissance"))
    assert [m.nom for m in lus] == noms
    par_membre = {r.membre_id: r.montant_mensuel for r in Ressource.objects.filter(demande=demande)}
    assert par_membre == {None: Decimal("1500.00"), lus[0].pk: Decimal("10.50"), lus[1].pk: Decimal("20.50"),
                          lus[2].pk: Decimal("30.50")}  # fmt: skip
