"""The pure rules of the conference, from tables of cases (no database)."""

import pytest

from conference import rules
from conference.rules import Bulletins, Comptage, Majorite, Presence, RegleError, RegleQuorum, Resultat, Siege

P, E, A, R = Presence.PRESENT, Presence.EXCUSE, Presence.ABSENT, Presence.REPRESENTE


def titulaire(n, presence, pouvoir_a=None):
    return Siege(membre=n, nom=f"M{n}", titulaire=True, presence=presence, pouvoir_a=pouvoir_a)


def suppleant(n, de, presence):
    return Siege(membre=n, nom=f"S{n}", titulaire=False, presence=presence, suppleant_de=de)


# --- Attendance and proxies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sieges", "pouvoirs_max", "attendu"),
    [
        # everyone present
        ([titulaire(1, P), titulaire(2, P), titulaire(3, P)], 1, (3, 3, 0)),
        # an absent, an apologised member: in office, not present
        ([titulaire(1, P), titulaire(2, A), titulaire(3, E)], 1, (3, 1, 0)),
        # one proxy to a present member
        ([titulaire(1, P), titulaire(2, R, pouvoir_a=1), titulaire(3, P)], 1, (3, 2, 1)),
        # two proxies to two different holders, limit 1
        ([titulaire(1, P), titulaire(2, P), titulaire(3, R, 1), titulaire(4, R, 2)], 1, (4, 2, 2)),
        # two proxies to the same holder when the rule allows two
        ([titulaire(1, P), titulaire(2, R, 1), titulaire(3, R, 1)], 2, (3, 1, 2)),
        # a substitute sits for an absent titular: present, not in office
        ([titulaire(1, E), suppleant(9, 1, P), titulaire(2, P)], 1, (2, 2, 0)),
        # a substitute attends while the titular sits: no vote
        ([titulaire(1, P), suppleant(9, 1, P)], 1, (1, 1, 0)),
        # a sitting substitute may hold a proxy
        ([titulaire(1, A), suppleant(9, 1, P), titulaire(2, R, 9)], 1, (2, 1, 1)),
        # the brief's example: 49 in office, 36 present, 7 proxies
        (
            [titulaire(n, P) for n in range(1, 37)]
            + [titulaire(n, R, n - 36) for n in range(37, 44)]
            + [titulaire(n, E) for n in range(44, 50)],
            1,
            (49, 36, 7),
        ),
    ],
)
def test_comptage(sieges, pouvoirs_max, attendu):
    c = rules.compter_presences(sieges, pouvoirs_max=pouvoirs_max)
    assert (c.en_exercice, c.presents, c.pouvoirs) == attendu
    assert c.votants_possibles == attendu[1] + attendu[2]


@pytest.mark.parametrize(
    ("sieges", "pouvoirs_max", "message"),
    [
        # a second proxy over the limit of one
        ([titulaire(1, P), titulaire(2, R, 1), titulaire(3, R, 1)], 1, "M1 porterait 2 pouvoirs : la limite est de 1"),
        # no proxy at all when the rule says 0
        ([titulaire(1, P), titulaire(2, R, 1)], 0, "la limite est de 0"),
        # a proxy to an absent member
        ([titulaire(1, A), titulaire(2, R, 1)], 1, "M2 donne pouvoir à M1, qui ne siège pas"),
        # a proxy to oneself
        ([titulaire(1, R, 1)], 1, "à lui-même"),
        # represented without a holder
        ([titulaire(1, P), titulaire(2, R)], 1, "indiquez le membre qui porte son pouvoir"),
        # a holder named for someone who is not represented
        ([titulaire(1, P), titulaire(2, A, 1)], 1, "n'est pas indiqué(e) comme représenté(e)"),
        # a substitute cannot give a proxy
        ([titulaire(1, P), Siege(9, "S9", False, R, suppleant_de=1, pouvoir_a=1)], 1, "seul un membre titulaire"),
        # replaced by the substitute and represented as well
        ([titulaire(1, R, 2), titulaire(2, P), suppleant(9, 1, P)], 1, "ne peut pas aussi donner pouvoir"),
        # two substitutes of the same titular
        ([titulaire(1, A), suppleant(8, 1, P), suppleant(9, 1, P)], 1, "un seul siège"),
    ],
)
def test_presences_refusees(sieges, pouvoirs_max, message):
    with pytest.raises(RegleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rules.compter_presences(sieges, pouvoirs_max=pouvoirs_max)


# --- Quorum -------------------------------------------------------------------------------------------------------

MAJORITE = RegleQuorum(1, 2, strict=True, libelle="plus de la moitié des membres en exercice présents")
MOITIE = RegleQuorum(1, 2, strict=False, libelle="la moitié au moins des membres en exercice")
MOITIE_REPRESENTES = RegleQuorum(1, 2, strict=False, avec_pouvoirs=True, libelle="la moitié, présents ou représentés")
TIERS = RegleQuorum(1, 3, strict=False, libelle="le tiers")


@pytest.mark.parametrize(
    ("en_exercice", "presents", "pouvoirs", "regle", "requis", "atteint"),
    [
        (49, 36, 7, MAJORITE, 25, True),
        (49, 25, 0, MAJORITE, 25, True),
        (49, 24, 10, MAJORITE, 25, False),  # proxies do not count under this rule
        (48, 24, 0, MAJORITE, 25, False),  # exactly half is not more than half
        (48, 24, 0, MOITIE, 24, True),  # but it is "at least half"
        (49, 24, 0, MOITIE, 25, False),  # half of 49 is 24.5: 24 is short
        (49, 20, 5, MOITIE_REPRESENTES, 25, True),  # proxies count under this rule
        (49, 20, 4, MOITIE_REPRESENTES, 25, False),
        (30, 10, 0, TIERS, 10, True),
        (31, 10, 0, TIERS, 11, False),
        (0, 0, 0, MAJORITE, 1, False),
    ],
)
def test_quorum(en_exercice, presents, pouvoirs, regle, requis, atteint):
    q = rules.quorum(Comptage(en_exercice, presents, pouvoirs), regle)
    assert (q.requis, q.atteint) == (requis, atteint)
    assert ("Quorum atteint" if atteint else "Quorum non atteint") in q.explication
    assert regle.libelle in q.explication


def test_quorum_dit_pourquoi_il_manque():
    q = rules.quorum(Comptage(49, 20, 3), MAJORITE)
    assert q.explication == (
        "Quorum non atteint : 20 membres présents sur 49 en exercice, il en faut au moins 25 "
        "(plus de la moitié des membres en exercice présents)."
    )


@pytest.mark.parametrize(("sans_quorum", "atteint"), [(True, True), (False, False)])
def test_seconde_convocation(sans_quorum, atteint):
    regle = RegleQuorum(1, 2, sans_quorum_en_seconde_convocation=sans_quorum)
    q = rules.quorum(Comptage(49, 10, 0), regle, seconde_convocation=True)
    assert q.atteint is atteint
    if atteint:
        assert q.explication.startswith("Seconde convocation")


def test_regle_de_quorum_invalide():
    with pytest.raises(RegleError):
        rules.quorum(Comptage(10, 5, 0), RegleQuorum(3, 2))


# --- Ballots and result ---------------------------------------------------------------------------------------------

COMPTAGE = Comptage(49, 36, 7)  # 43 ballots possible


@pytest.mark.parametrize(
    "bulletins",
    [
        Bulletins(43, 43, 0, 0),
        Bulletins(43, 30, 10, 2, 1),
        Bulletins(40, 20, 20, 0),  # members may not take part in a vote
        Bulletins(1, 0, 0, 1),
    ],
)
def test_bulletins_valides(bulletins):
    rules.valider_bulletins(bulletins, COMPTAGE)


@pytest.mark.parametrize(
    ("bulletins", "message"),
    [
        (Bulletins(44, 44, 0, 0), "44 votants pour 36 membres présents et 7 pouvoirs"),
        (Bulletins(43, 40, 0, 0), "Les bulletins ne tombent pas juste"),
        (Bulletins(43, 40, 2, 1, 1), "= 44, pour 43 votants"),
        (Bulletins(0, 0, 0, 0), "Aucun votant"),
        (Bulletins(3, -1, 4, 0), "Nombre invalide"),
    ],
)
def test_bulletins_refuses(bulletins, message):
    with pytest.raises(RegleError, match=message):
        rules.valider_bulletins(bulletins, COMPTAGE)


@pytest.mark.parametrize(
    ("bulletins", "majorite", "preponderante", "sens", "attendu"),
    [
        (Bulletins(43, 43, 0, 0), Majorite.SUFFRAGES_EXPRIMES, False, None, Resultat.ADOPTE),
        # abstentions and blanks are set apart: 10 for, 9 against, 24 abstentions -> adopted
        (Bulletins(43, 10, 9, 20, 4), Majorite.SUFFRAGES_EXPRIMES, False, None, Resultat.ADOPTE),
        (Bulletins(43, 9, 10, 24), Majorite.SUFFRAGES_EXPRIMES, False, None, Resultat.REJETE),
        # a tie is not a majority
        (Bulletins(40, 20, 20, 0), Majorite.SUFFRAGES_EXPRIMES, False, None, Resultat.REJETE),
        # unless the chair has a casting vote
        (Bulletins(40, 20, 20, 0), Majorite.SUFFRAGES_EXPRIMES, True, "POUR", Resultat.ADOPTE),
        (Bulletins(40, 20, 20, 0), Majorite.SUFFRAGES_EXPRIMES, True, "CONTRE", Resultat.REJETE),
        # nobody for nor against: nothing adopted
        (Bulletins(5, 0, 0, 5), Majorite.SUFFRAGES_EXPRIMES, True, None, Resultat.REJETE),
        # majority of the ballots: abstentions weigh against
        (Bulletins(43, 10, 9, 24), Majorite.VOTANTS, False, None, Resultat.REJETE),
        (Bulletins(43, 22, 0, 21), Majorite.VOTANTS, False, None, Resultat.ADOPTE),
        (Bulletins(44, 22, 0, 22), Majorite.VOTANTS, False, None, Resultat.REJETE),
    ],
)
def test_resultat(bulletins, majorite, preponderante, sens, attendu):
    assert (
        rules.resultat(bulletins, majorite=majorite, voix_preponderante=preponderante, sens_preponderant=sens)
        == attendu
    )


def test_partage_sans_sens_de_la_voix_preponderante():
    with pytest.raises(RegleError, match="indiquez le sens de la voix prépondérante"):
        rules.resultat(Bulletins(40, 20, 20, 0), voix_preponderante=True)


# --- The record and its number ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comptage", "bulletins", "ligne"),
    [
        (
            Comptage(49, 36, 7),
            Bulletins(43, 43, 0, 0),
            "membres en exercice 49, présents 36, pouvoirs 7, votants 43 : pour 43, contre 0, abstention 0",
        ),
        (
            Comptage(49, 30, 2),
            Bulletins(32, 25, 3, 2, 2),
            "membres en exercice 49, présents 30, pouvoirs 2, votants 32 : pour 25, contre 3, abstention 2, blancs 2",
        ),
    ],
)
def test_ligne_de_deliberation(comptage, bulletins, ligne):
    assert rules.ligne_deliberation(comptage, bulletins) == ligne


@pytest.mark.parametrize(
    ("annee", "rang", "numero"), [(2026, 3, "2026-03"), (2020, 1, "2020-01"), (2026, 112, "2026-112")]
)
def test_numero(annee, rang, numero):
    assert rules.numero_deliberation(annee, rang) == numero


def test_numero_commence_a_un():
    with pytest.raises(RegleError):
        rules.numero_deliberation(2026, 0)


# --- Documents ----------------------------------------------------------------------------------------------------

MO = 1024 * 1024


@pytest.mark.parametrize(
    ("entete", "nom", "attendu"),
    [
        (b"%PDF-1.7\n", "ordre-du-jour.pdf", ("application/pdf", ".pdf")),
        (b"%PDF-1.4", "BILAN.PDF", ("application/pdf", ".pdf")),
        (b"PK\x03\x04rest", "note.docx", (rules._SIGNATURES[3][1][".docx"], ".docx")),
        (b"PK\x03\x04rest", "tableau.ods", ("application/vnd.oasis.opendocument.spreadsheet", ".ods")),
        (b"\x89PNG\r\n\x1a\nxx", "carte.png", ("image/png", ".png")),
    ],
)
def test_document_accepte(entete, nom, attendu):
    assert rules.verifier_document(entete, 1000, nom, 20 * MO) == attendu


@pytest.mark.parametrize(
    ("entete", "nom", "taille", "message"),
    [
        (b"%PDF-1.7", "x.pdf", 0, "vide"),
        (b"%PDF-1.7", "x.pdf", 21 * MO, "taille maximale"),
        (b"MZ\x90\x00", "programme.pdf", 100, "Format de fichier non accepté"),  # an executable named .pdf
        (b"%PDF-1.7", "x.exe", 100, "Format de fichier non accepté"),
        (b"PK\x03\x04", "archive.zip", 100, "Format de fichier non accepté"),
        (b"<html>", "page.html", 100, "Format de fichier non accepté"),
    ],
)
def test_document_refuse(entete, nom, taille, message):
    with pytest.raises(RegleError, match=message):
        rules.verifier_document(entete, taille, nom, 20 * MO)
