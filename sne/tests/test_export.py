"""Export of a demand as interfaceNuu 02.01, validated, and the round trip import(export(d)) == d."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from demandes.models import Demande, MembreMenage, Ressource
from demandes.tests.factories import CommuneFactory, DemandeFactory
from sne import schemas
from sne.ecriture import exporter
from sne.exemples import exemple_complete
from sne.services import importer_fichier

pytestmark = pytest.mark.django_db

ALLER_RETOUR = {
    # platform values the national format carries both ways (docs/formats.md lists the others)
    "situation_professionnelle": ["CDI", "CDD", "INDEPENDANT", "DEMANDEUR_EMPLOI", "RETRAITE", "ETUDIANT", "AUTRE"],
    "logement_actuel": [
        "LOCATAIRE_PRIVE",
        "LOCATAIRE_HLM",
        "PROPRIETAIRE",
        "HEBERGE_FAMILLE",
        "HEBERGE_TIERS",
        "STRUCTURE",
        "HOTEL",
        "SANS_ABRI",
        "AUTRE",
    ],
    "nature": [
        "SALAIRE",
        "CHOMAGE",
        "RETRAITE",
        "PRESTATIONS_FAMILIALES",
        "AAH",
        "RSA",
        "PENSION_ALIMENTAIRE",
        "BOURSE",
        "AUTRE",
    ],  # fmt: skip
}


def projection(demande: Demande) -> dict:
    """Every value the round trip must give back (the platform's own number and ids aside)."""
    membres = list(demande.membres.order_by("pk"))
    rang = {m.pk: i for i, m in enumerate(membres)}
    return {
        **{
            champ: getattr(demande, champ)
            for champ in (
                "numero_national",
                "nom",
                "nom_naissance",
                "prenom",
                "date_naissance",
                "sexe",
                "nationalite",
                "adresse",
                "code_postal",
                "ville",
                "telephone",
                "email",
                "situation_familiale",
                "situation_professionnelle",
                "employeur",
                "revenu_fiscal_reference",
                "annee_revenu_fiscal",
                "logement_actuel",
                "loyer_actuel",
                "est_mutation",
                "motifs",
                "commentaire",
                "typologies",
                "loyer_max",
                "accessibilite_pmr",
                "ascenseur_requis",
                "besoin_adaptation",
                "date_depot",
                "date_dernier_renouvellement",
                "statut",
                "motif_radiation",
                "date_radiation",
                "epci_id",
            )
        },  # fmt: skip
        "communes": sorted(demande.communes_souhaitees.values_list("code_insee", flat=True)),
        "membres": sorted(
            (m.lien, m.nom, m.prenom, m.date_naissance, m.situation_professionnelle, m.enfant_a_naitre, m.garde)
            for m in membres
        ),
        "ressources": sorted(
            (
                -1 if r.membre_id is None else [m.lien for m in membres][rang[r.membre_id]] == "CO_TITULAIRE",
                r.nature,
                r.montant_mensuel,
            )
            for r in demande.ressources.all()
        ),
        "dalo": sorted(demande.decisions_dalo.values_list("date_decision", flat=True)),
    }


def demande_au_hasard(monde, alea: random.Random, n: int) -> Demande:
    commune2 = CommuneFactory(code_insee="38421", nom="Saint-Martin-d'Hères", epci=monde.epci)
    logement = alea.choice(ALLER_RETOUR["logement_actuel"])
    nom = alea.choice(["Martin", "Nguyen", "Benali", "Lefèvre-Audit"])
    nature = alea.choice(ALLER_RETOUR["nature"])
    membres = []
    ressources = [{"membre_index": None, "nature": nature, "montant_mensuel": Decimal(alea.randint(0, 3000))}]
    if alea.random() < 0.6:
        membres.append(
            {
                "lien": MembreMenage.Lien.CO_TITULAIRE,
                "nom": nom,
                "prenom": "Sam",
                "date_naissance": dt.date(1980 + alea.randint(0, 20), 5, 17),
                "situation_professionnelle": alea.choice(ALLER_RETOUR["situation_professionnelle"]),
            }
        )
        ressources.append({"membre_index": 0, "nature": "SALAIRE", "montant_mensuel": Decimal(alea.randint(1, 2500))})
    for i in range(alea.randint(0, 3)):
        membres.append(
            {"lien": alea.choice(["ENFANT", "ASCENDANT", "AUTRE"]), "nom": nom, "prenom": f"Enfant{i}",
             "date_naissance": dt.date(2010 + i, 1 + i, 3)}
        )  # fmt: skip
    if alea.random() < 0.4:
        membres.append(
            {"lien": "ENFANT", "nom": nom, "prenom": "Enfant à naître",
             "date_naissance": dt.date.today() + dt.timedelta(days=60), "enfant_a_naitre": True}
        )  # fmt: skip
    if alea.random() < 0.5:
        membres.append(
            {"lien": "ENFANT", "nom": nom, "prenom": "Enfant en garde", "date_naissance": dt.date(2016, 6, 1),
             "garde": alea.choice(["ALTERNEE", "VISITE"])}
        )  # fmt: skip
    demande = DemandeFactory(
        guichet=monde.guichet,
        nom=nom,
        prenom=alea.choice(["Inès", "Jean-Pierre", "Zoé"]),
        numero_national=f"0380126{n:06d}G3801",
        sexe=alea.choice("MF"),
        nationalite=alea.choice(["FR", "UE", "HORS_UE"]),
        situation_familiale=alea.choice(["CELIBATAIRE", "MARIE", "PACSE", "CONCUBINAGE", "SEPARE", "DIVORCE", "VEUF"]),
        situation_professionnelle=alea.choice(ALLER_RETOUR["situation_professionnelle"]),
        telephone=alea.choice(["", "0476001122"]),
        logement_actuel=logement,
        est_mutation=logement == "LOCATAIRE_HLM",
        loyer_actuel=alea.choice([None, Decimal("640.00")]),
        revenu_fiscal_reference=alea.choice([None, 18500]),
        annee_revenu_fiscal=2025,
        motifs=alea.sample(["TROP_CHER", "TROP_PETIT", "SANS_LOGEMENT", "VIOLENCES", "AUTRE"], 2),
        typologies=sorted(alea.sample(["T1", "T2", "T3", "T4", "T5", "T6"], 2)),
        loyer_max=alea.choice([None, 700]),
        accessibilite_pmr=alea.random() < 0.3,
        ascenseur_requis=alea.random() < 0.3,
        membres=membres,
        ressources=ressources,
        communes=[monde.commune, commune2][: alea.randint(1, 2)],
        dalo_le=alea.choice([None, dt.date(2025, 11, 3)]),
    )
    if demande.revenu_fiscal_reference is None:
        Demande.objects.filter(pk=demande.pk).update(annee_revenu_fiscal=None)
        demande.refresh_from_db()
    return demande


def test_export_exemple_valide_et_garde_ce_que_la_plateforme_ne_modelise_pas(monde_demandes):
    demande = importer_fichier(contenu=exemple_complete(), nom_fichier="JDD.xml", acteur=monde_demandes.staff).demande
    export = exporter(demande)
    verification = schemas.verifier(export.contenu)
    assert verification.valide, verification.constats
    assert verification.version == "02.01"
    texte = export.contenu.decode()
    assert '<modeleLogement code="LP"' in texte
    assert '<ressource code="PAV"' in texte and '<ressource code="AEEH"' in texte  # kept as received
    assert "<numUnique>1110318016982G1104</numUnique>" in texte
    assert '<coParentalite code="G"' in texte and "<nombre>1</nombre>" in texte


@pytest.mark.parametrize("graine", range(8))
def test_aller_retour_demandes_au_hasard(monde_demandes, graine):
    alea = random.Random(graine)
    demande = demande_au_hasard(monde_demandes, alea, graine)
    attendu = projection(demande)
    export = exporter(demande)
    assert schemas.verifier(export.contenu).valide
    Demande.objects.filter(pk=demande.pk).delete()
    rapport = importer_fichier(contenu=export.contenu, nom_fichier="aller-retour.xml", acteur=monde_demandes.staff)
    assert rapport.creee
    assert projection(rapport.demande) == attendu

    # and the file exported again carries the same values (its header aside: CRE first, then MOD; and the
    # platform's own number, refInterne, given anew by the import)
    def corps(contenu: bytes) -> bytes:
        return re.sub(rb"<refInterne>[^<]*</refInterne>", b"", contenu.split(b"</entete>")[1])

    assert corps(exporter(rapport.demande).contenu) == corps(export.contenu)


def test_export_des_avertissements_pour_ce_que_le_format_ne_porte_pas(monde_demandes):
    demande = DemandeFactory(guichet=monde_demandes.guichet, email="amelie@exemple.info", numero_national="")
    export = exporter(demande)
    assert schemas.verifier(export.contenu).valide
    assert any("adresse électronique" in a for a in export.avertissements)
    assert b"<numUnique>" not in export.contenu
    assert Ressource.objects.filter(demande=demande).exists()
