"""The fast path (``sne.masse.importer_lot``, ``sne.rapide``) against the careful one (``importer_fichier``):
the same database state for the same files, refused files writing nothing, the same French findings."""

import pytest
from django.db import connection

from demandes import services as demandes_services
from demandes.models import Demande, Evenement, SequenceNumero, TransitionStatut
from demandes.tests.test_cotation_services import grille_test
from sne import rapide, schemas
from sne.exemples import NUD, avec_radiation, bloc_radatt, exemple_brut, exemple_complete
from sne.masse import importer_lot
from sne.models import DossierSne, FichierSne
from sne.services import FichierRefuse, Rapport, importer_fichier

pytestmark = pytest.mark.django_db


def variante(i: int, contenu: bytes | None = None) -> bytes:
    contenu = contenu or exemple_complete()
    return contenu.replace(NUD.encode(), f"038{i:011d}B38".encode()).replace(
        b"<ns1:prenom>Jean</ns1:prenom>", f"<ns1:prenom>Jean{i}</ns1:prenom>".encode()
    )


SANS_DATE = exemple_complete().replace(b"<ns1:dateCreationDemande>2018-03-15</ns1:dateCreationDemande>", b"")
CODE_INCONNU = exemple_complete().replace(b'<ns1:civilite code="1"/>', b'<ns1:civilite code="9"/>', 1)
MAUVAIS_XML = b"<ns1:interfaceNuu"
ENTITE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
TROP_LONG = exemple_complete().replace(b"<ns1:numGuichet>G1104<", b"<ns1:numGuichet>G110400<")


def lot() -> list[tuple[str, bytes]]:
    """New demands (02.00 and 02.01), refusals of every kind, a second file of a demand (MOD with a change, REN),
    a radiation, the same file twice."""
    modifiee = variante(1, exemple_complete("MOD")).replace(b"Jean1<", b"Jeanne<")
    renouvellement = variante(2, exemple_complete("REN", apres_date_creation=""))
    renouvellement = renouvellement.replace(
        b"</ns1:personnePhysique>",
        b"</ns1:personnePhysique><ns1:renouvellement><ns1:dateRenouvellement>2019-03-01</ns1:dateRenouvellement>"
        b"</ns1:renouvellement>",
    )
    radiation = avec_radiation(
        variante(3),
        '<ns1:radiation><ns1:dateRadiation>2019-04-02</ns1:dateRadiation><ns1:motifRadiation code="RADABA"/>'
        "</ns1:radiation>",
    )
    return [
        ("a.xml", variante(1)),
        ("b.xml", variante(2, exemple_complete(version="02.01"))),
        ("refus_schema.xml", variante(4, SANS_DATE)),
        ("c.xml", variante(3)),
        ("brut.xml", exemple_brut()),
        ("code.xml", variante(5, CODE_INCONNU)),
        ("mal_forme.xml", MAUVAIS_XML),
        ("entite.xml", ENTITE),
        ("long.xml", variante(6, TROP_LONG)),
        ("a_mod.xml", modifiee),
        ("a_encore.xml", modifiee),
        ("b_ren.xml", renouvellement),
        ("c_rad.xml", radiation),
        ("e.xml", variante(7)),
        ("d.xml", variante(8)),
    ]


def etat() -> dict:
    """The database state the import leaves, without ids, clocks or row order."""
    numero = dict(Demande.objects.values_list("pk", "numero_national"))
    exclus = {"id", "cree_le", "modifie_le", "debut_validite"}
    champs = [f.attname for f in Demande._meta.concrete_fields if f.attname not in exclus]
    demandes = {d["numero_national"]: d for d in Demande.objects.values(*champs)}
    for demande in Demande.objects.all():
        demandes[demande.numero_national]["communes"] = sorted(c.code_insee for c in demande.communes_souhaitees.all())
        membres = list(demande.membres.order_by("pk"))
        rang = {m.pk: i for i, m in enumerate(membres)}
        demandes[demande.numero_national]["membres"] = [
            (m.lien, m.nom, m.prenom, m.date_naissance, m.situation_professionnelle, m.enfant_a_naitre, m.garde)
            for m in membres
        ]
        demandes[demande.numero_national]["ressources"] = sorted(
            (rang.get(r.membre_id, -1), r.nature, r.montant_mensuel) for r in demande.ressources.all()
        )
    evenements = sorted(
        (numero[e.demande_id], e.type, e.acteur_id, e.organisation, e.libelle, repr(sorted(e.detail.items())))
        for e in Evenement.objects.all()
    )
    transitions = sorted(
        (numero[t.demande_id], t.de, t.vers, t.action, t.motif, t.acteur_id) for t in TransitionStatut.objects.all()
    )
    dossiers = sorted(
        (numero[d.demande_id], d.numero_guichet, d.version_interface, d.type_fichier, d.date_fichier, repr(d.donnees))
        for d in DossierSne.objects.all()
    )
    fichiers = sorted(
        (f.nom_fichier, f.empreinte, f.statut, f.version_interface, f.type_fichier, f.numero_national, f.epci_id,
         numero.get(f.demande_id), f.importe_par_id, f.constats, f.avertissements, f.resume)
        for f in FichierSne.objects.all()
    )  # fmt: skip
    return {
        "demandes": demandes,
        "evenements": evenements,
        "transitions": transitions,
        "dossiers": dossiers,
        "fichiers": fichiers,
    }


def vider():
    Demande.objects.all().delete()
    FichierSne.objects.all().delete()
    SequenceNumero.objects.all().delete()


def un_a_un(fichiers, acteur):
    resultats = []
    for nom, contenu in fichiers:
        try:
            resultats.append(importer_fichier(contenu=contenu, nom_fichier=nom, acteur=acteur))
        except FichierRefuse as refus:
            resultats.append(refus)
    return resultats


def resume(resultats):
    return [
        (r.demande.numero_national, r.creee, r.changements, r.avertissements, r.resume)
        if isinstance(r, Rapport)
        else [str(c) for c in r.constats]
        for r in resultats
    ]


@pytest.mark.parametrize("avec_grille", [False, True])
def test_chemin_rapide_et_chemin_prudent_donnent_le_meme_etat(monde_demandes, avec_grille, monkeypatch):
    if avec_grille:
        demandes_services.adopter_grille(grille_test(monde_demandes.epci), acteur=monde_demandes.staff)
    fichiers = lot()
    prudent = un_a_un(fichiers, monde_demandes.staff)
    attendu = etat()
    vider()
    prudents = []

    def espion(**kwargs):
        prudents.append(kwargs["nom_fichier"])
        return importer_fichier(**kwargs)

    monkeypatch.setattr("sne.masse.importer_fichier", espion)
    rapide_ = importer_lot(fichiers, acteur=monde_demandes.staff)
    # the five new demands went set-based; refusals and second files of a demand, the careful way
    assert sorted(set(dict(fichiers)) - set(prudents)) == ["a.xml", "b.xml", "c.xml", "d.xml", "e.xml"]
    assert etat() == attendu
    assert resume(rapide_) == resume(prudent)
    assert [type(r) for r in rapide_] == [type(r) for r in prudent]
    # what the batch wrote: 5 demands, 6 files refused whole
    assert Demande.objects.count() == 5
    assert sum(isinstance(r, FichierRefuse) for r in rapide_) == 6
    assert FichierSne.objects.filter(statut=FichierSne.Statut.REFUSE).count() == 6
    if avec_grille:  # scored like one by one: the radiated demand keeps the score it had
        assert Demande.objects.filter(score__isnull=False).count() == 5
        assert Evenement.objects.filter(type=Evenement.Type.COTATION).count() >= 5


def test_un_fichier_refuse_dans_un_lot_n_ecrit_rien_et_ne_bloque_pas_les_autres(monde_demandes):
    fichiers = [("bon1.xml", variante(1)), ("refus.xml", variante(2, SANS_DATE)), ("bon2.xml", variante(3))]
    resultats = importer_lot(fichiers, acteur=monde_demandes.staff)
    assert isinstance(resultats[1], FichierRefuse)
    assert sorted(Demande.objects.values_list("numero_national", flat=True)) == [
        "03800000000001B38",
        "03800000000003B38",
    ]
    assert not Demande.objects.filter(numero_national="03800000000002B38").exists()
    refus = FichierSne.objects.get(nom_fichier="refus.xml")
    assert refus.statut == FichierSne.Statut.REFUSE and refus.demande is None
    assert refus.constats == [
        {"chemin": str(c.chemin), "message": c.message} for c in schemas.verifier(variante(2, SANS_DATE)).constats
    ]


def test_un_lot_sans_autorisation_sur_le_territoire_refuse_tout(monde_demandes):
    """A reception agent of another territory may import into no territory: the fast path writes nothing and the
    careful path refuses the file with its message."""
    resultats = importer_lot([("a.xml", variante(1))], acteur=monde_demandes.outsider)
    assert all(isinstance(r, FichierRefuse) for r in resultats)  # an agent cannot import at all
    assert not Demande.objects.exists()


def test_le_lot_revient_au_chemin_prudent_si_l_ecriture_en_masse_echoue(monde_demandes, monkeypatch):
    from django.db import IntegrityError

    def echec(*args, **kwargs):
        raise IntegrityError("simulé")

    monkeypatch.setattr("sne.masse.demandes_services.enregistrer_demandes_en_masse", echec)
    resultats = importer_lot([("a.xml", variante(1)), ("b.xml", variante(2))], acteur=monde_demandes.staff)
    assert [r.creee for r in resultats] == [True, True]
    assert Demande.objects.count() == 2


@pytest.mark.parametrize(
    "contenu",
    [
        exemple_complete(),
        exemple_complete(version="02.01"),
        exemple_complete("MOD"),
        avec_radiation(
            exemple_complete(), bloc_radatt(rpls="AH-0001", siren="552100554", type_reservataire="COLTER")
        ),
        exemple_brut(),
        SANS_DATE,
        CODE_INCONNU,
        TROP_LONG,
        MAUVAIS_XML,
        ENTITE,
        exemple_complete().replace(b'versionInterface="02.00"', b'versionInterface="09.99"'),
        exemple_complete().replace(b"<ns1:nom>Dupont</ns1:nom>", b"<ns1:nom>Dupont</ns1:nom><ns1:nom>X</ns1:nom>"),
        exemple_complete().replace(b"2018-03-15</ns1:dateCreationDemande>", b"15/03/2018</ns1:dateCreationDemande>"),
    ],
    ids=["02.00", "02.01", "MOD", "RADATT", "brut", "sans_date", "code", "trop_long", "mal_forme", "entite",
         "version", "double", "date"],
)  # fmt: skip
def test_libxml2_et_xmlschema_d_accord_et_meme_dict(contenu):
    """The fast reading accepts exactly what the careful one accepts, and gives the same dict; a file it
    refuses gets the careful path's French findings (``verifier``), unchanged."""
    verification = schemas.verifier(contenu)
    lecture = rapide.lire_rapide(contenu)
    assert (lecture is not None) == verification.valide
    if lecture is not None:
        assert lecture.version == verification.version
        assert lecture.document == schemas.en_dict(verification.racine, verification.version)
        assert lecture.avertissements == verification.avertissements


def test_un_fichier_refuse_par_libxml2_garde_les_messages_francais_d_avant(monde_demandes):
    assert rapide.lire_rapide(exemple_brut()) is None
    [refus] = importer_lot([("JDD.xml", exemple_brut())], acteur=monde_demandes.staff)
    assert [str(c) for c in refus.constats] == [
        "/interfaceNuu/entete : l'élément obligatoire « typeFichier » manque (trouvé « dateFichier » à sa place).",
        "/interfaceNuu/demande/demandeLogement : l'élément obligatoire « numGuichet » manque "
        "(trouvé « numUnique » à sa place).",
    ]


def test_le_resultat_des_processus_est_celui_du_processus_seul():
    """The workers' reading (``preparer``) is pure: the same in a pool as in this process."""
    from multiprocessing import get_context

    from sne.masse import preparer

    contenus = [variante(i) for i in range(4)] + [exemple_brut()]
    with get_context("fork").Pool(2) as pool:
        en_pool = pool.map(preparer, contenus)
    seul = [preparer(c) for c in contenus]
    assert [p and (p[0], p[1], p[2], p[3].donnees, p[3].membres) for p in en_pool] == [
        p and (p[0], p[1], p[2], p[3].donnees, p[3].membres) for p in seul
    ]
    assert en_pool[-1] is None and all(p is not None for p in en_pool[:-1])


def test_les_processus_de_lecture_preparent_l_ecriture_comme_le_processus_seul(monde_demandes):
    """What the workers hand the writing process (``completer``: the demand checked, the warnings, the national
    record encoded, the fingerprint) is what this process computes for the same files."""
    import hashlib
    import json
    from multiprocessing import get_context

    from sne import masse

    groupe = [(i, f"{i}.xml", c) for i, c in enumerate([variante(1), variante(2), exemple_brut(), SANS_DATE])]
    ici, communes = masse._completer_ici(groupe)
    en_copy = connection.vendor == "postgresql"  # as ``importer_lot`` and ``_completer_ici`` decide
    fichiers = [(n, c) for _r, n, c in groupe]
    initargs = (masse._referentiel(), fichiers, en_copy)  # the ranks' files, inherited at the fork
    with get_context("fork").Pool(2, initializer=masse._initialiser, initargs=initargs) as pool:
        en_pool = pool.map(masse._preparer_et_completer, range(len(fichiers)))
    assert [c is None for c in ici] == [c is None for c in en_pool] == [False, False, True, True]
    champs = [f.attname for f in Demande._meta.concrete_fields if not f.generated]
    for a, b, (_r, _n, contenu) in zip(ici[:2], en_pool[:2], groupe[:2], strict=True):
        assert a.avertissements == b.avertissements
        assert a.empreinte == b.empreinte == hashlib.sha256(contenu).hexdigest()
        document = rapide.lire_rapide(contenu).document["demande"]
        if en_copy:  # encoded for COPY: the same text on both sides, the national record in its last column
            assert a.preparee == b.preparee and a.preparee is not None and a.verifiee is None
            assert a.ligne_dossier == b.ligne_dossier
            assert json.loads(a.ligne_dossier.split("\t")[-1].replace("\\\\", "\\")) == document
            assert a.preparee.numero_national == a.lu.numero_national and a.preparee.ressources.count("\n") == 27
        else:
            assert a.dossier == b.dossier and json.loads(a.dossier) == document
            assert [getattr(a.verifiee.demande, f) for f in champs] == [getattr(b.verifiee.demande, f) for f in champs]
            assert a.verifiee.demande.nom_norm  # derived before the write, as ``save`` would
    # the sample's communes are not in the test referential: the warnings of ``importer_fichier``, on both sides
    assert communes == {} and any("absente du référentiel" in a for a in ici[0].avertissements)


def test_une_demande_que_le_service_refuse_passe_par_le_chemin_prudent(monde_demandes, monkeypatch):
    """A demand the demands' checks refuse in the worker (``verifier_nouvelle_demande``) is not written by the
    fast path: its file goes the careful way, which decides and words it."""
    from django.core.exceptions import ValidationError

    from demandes import services as demandes_services_
    from sne import masse

    vraie = demandes_services_.verifier_nouvelle_demande

    def verifier(donnees, **kwargs):
        if donnees["numero_national"] == "03800000000002B38":
            raise ValidationError({"email": "simulé"})
        return vraie(donnees, **kwargs)

    monkeypatch.setattr(masse.demandes_services, "verifier_nouvelle_demande", verifier)
    prudents = []

    def espion(**kwargs):
        prudents.append(kwargs["nom_fichier"])
        return importer_fichier(**kwargs)

    monkeypatch.setattr("sne.masse.importer_fichier", espion)
    resultats = importer_lot([("a.xml", variante(1)), ("b.xml", variante(2))], acteur=monde_demandes.staff)
    assert prudents == ["b.xml"]
    assert [r.creee for r in resultats] == [True, True]


def test_un_fichier_que_le_chemin_prudent_prend_n_est_pas_double_par_un_suivant_du_meme_numero(
    monde_demandes, monkeypatch
):
    """The first file of a national number that the careful path must take (here a renewal, then a demand the
    checks refuse) keeps its place: a later file of the same number in the group goes the careful way after it,
    and the database ends as with the files one by one."""
    from django.core.exceptions import ValidationError

    from sne import masse

    renouvellement = variante(9, exemple_complete("REN", apres_date_creation="")).replace(
        b"</ns1:personnePhysique>",
        b"</ns1:personnePhysique><ns1:renouvellement><ns1:dateRenouvellement>2019-03-01</ns1:dateRenouvellement>"
        b"</ns1:renouvellement>",
    )
    fichiers = [("ren.xml", renouvellement), ("cre.xml", variante(9)), ("refusee.xml", variante(8)),
                ("apres.xml", variante(8).replace(b"Jean8<", b"Jeanne<"))]  # fmt: skip
    attendu_resultats = resume(un_a_un(fichiers, monde_demandes.staff))
    attendu = etat()
    vider()
    vraie = masse.demandes_services.verifier_nouvelle_demande

    def verifier(donnees, **kwargs):
        if donnees["numero_national"] == "03800000000008B38":
            raise ValidationError({"email": "simulé"})
        return vraie(donnees, **kwargs)

    monkeypatch.setattr(masse.demandes_services, "verifier_nouvelle_demande", verifier)
    prudents = []

    def espion(**kwargs):
        prudents.append(kwargs["nom_fichier"])
        return importer_fichier(**kwargs)

    monkeypatch.setattr("sne.masse.importer_fichier", espion)
    resultats = importer_lot(fichiers, acteur=monde_demandes.staff)
    assert prudents == ["ren.xml", "cre.xml", "refusee.xml", "apres.xml"]
    assert resume(resultats) == attendu_resultats
    assert etat() == attendu
