"""Tables of the balance sheets: one structure for the PDF, the XLSX and the CSV exports.

A ``Tableau`` holds raw values (int, float fractions, str, None, ``Masque``, ``Taux``) and the type of
each column; formatting happens at the edge (French text in the PDF, numbers in the spreadsheet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from attributions.rules import taux_affiche
from cil.secret import sous_le_seuil

from . import formats


@dataclass(frozen=True)
class Masque:
    """A count (or a figure derived from it) hidden by statistical secrecy."""

    seuil: int

    def __str__(self) -> str:
        return f"< {self.seuil}"


@dataclass(frozen=True)
class Taux:
    """An objective's rate with what it is measured against: printed with ``attributions.rules.taux_affiche``,
    never rounded across its target (Platform decision 10: 1,249 of 5,000 against 25 % reads "24,9 %");
    the spreadsheets get the fraction (``valeur_brute``)."""

    numerateur: int
    base: int
    cible: Decimal | float | None = None

    @property
    def fraction(self) -> float | None:
        return self.numerateur / self.base if self.base else None

    def __str__(self) -> str:
        # The indicators carry their target as a float made from a 4-decimal Decimal: str() gives it back.
        cible = None if self.cible is None else Decimal(str(self.cible))
        return taux_affiche(self.numerateur, self.base, cible)


def valeur_brute(valeur):
    """The number a spreadsheet holds for a cell (a ``Taux`` is its fraction)."""
    return valeur.fraction if isinstance(valeur, Taux) else valeur


@dataclass
class Colonne:
    titre: str
    type: str = "nombre"  # texte | nombre | decimal | taux | pt | mois
    groupe: str = ""  # a header spanning consecutive columns with the same group


@dataclass
class Tableau:
    code: str
    titre: str
    colonnes: list[Colonne]
    lignes: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""

    @property
    def court(self) -> bool:
        """Short tables are kept on one page; long ones break between rows with their header repeated."""
        return len(self.lignes) <= 25

    @property
    def nb_masques(self) -> int:
        return sum(isinstance(v, Masque) for ligne in self.lignes for v in ligne)

    @property
    def groupes(self) -> list[dict]:
        """The first header row: spans of consecutive columns sharing a group ('' = no group)."""
        spans: list[dict] = []
        for col in self.colonnes:
            if spans and spans[-1]["titre"] == col.groupe and col.groupe:
                spans[-1]["colspan"] += 1
            else:
                spans.append({"titre": col.groupe, "colspan": 1})
        return spans

    @property
    def a_groupes(self) -> bool:
        return any(c.groupe for c in self.colonnes)

    def _formate(self, ligne: list) -> list[dict]:
        return [
            {"texte": texte_cellule(v, c.type), "type": c.type, "masque": isinstance(v, Masque)}
            for v, c in zip(ligne, self.colonnes, strict=True)
        ]

    @property
    def lignes_formatees(self) -> list[list[dict]]:
        return [self._formate(ligne) for ligne in self.lignes]

    @property
    def total_formate(self) -> list[dict] | None:
        return self._formate(self.total) if self.total is not None else None

    def entetes_plats(self) -> list[str]:
        """One header row for CSV and XLSX: 'group – column'."""
        return [f"{c.groupe} – {c.titre}" if c.groupe else c.titre for c in self.colonnes]


def texte_cellule(valeur, type_: str) -> str:
    if isinstance(valeur, Masque | Taux):
        return str(valeur)
    if valeur is None:
        return "–"
    if type_ == "taux":
        return formats.pourcentage(valeur)
    if type_ == "pt":
        return formats.points(valeur)
    if type_ in ("mois", "decimal"):
        return formats.nombre(valeur, 1)
    if type_ == "nombre" and isinstance(valeur, int | float):
        return formats.nombre(valeur)
    return str(valeur)


def masque(n: int | None, seuil: int):
    """A count between 1 and seuil - 1 is masked; 0 and larger counts are shown (``cil.secret.sous_le_seuil``)."""
    if n is None:
        return None
    return Masque(seuil) if sous_le_seuil(n, seuil) else n


def _masquer_un_autre(cellules: list[tuple[int, object]], seuil: int) -> list[int]:
    """Among (index, value) cells not masked, the index(es) to mask so that one masked cell is not alone."""
    libres = [(v, i) for i, v in cellules if not isinstance(v, Masque) and isinstance(v, int | float)]
    non_nuls = [(v, i) for v, i in libres if v]
    if non_nuls:
        return [min(non_nuls)[1]]
    return [i for _, i in libres]


def secret_tableau(
    lignes: list[list],
    seuil: int,
    *,
    groupes_ligne: tuple[tuple[int, ...], ...] = (),
    colonnes_totalisees: tuple[int, ...] = (),
    liees: dict[int, tuple[int, ...]] | None = None,
) -> list[list]:
    """Secondary suppression, until stable: a masked cell must never be the only masked one of a set of
    cells whose sum is printed elsewhere (a group of columns adding up to a shown row total, or a column
    whose total is shown). ``liees`` maps a count column to the columns derived from it (rates), masked with it.
    """
    lignes = [list(ligne) for ligne in lignes]
    change = True
    while change:
        change = False
        for ligne in lignes:
            for groupe in groupes_ligne:
                if sum(isinstance(ligne[i], Masque) for i in groupe) == 1:
                    for i in _masquer_un_autre([(i, ligne[i]) for i in groupe], seuil):
                        ligne[i] = Masque(seuil)
                        change = True
        for col in colonnes_totalisees:
            if sum(isinstance(ligne[col], Masque) for ligne in lignes) == 1:
                for r in _masquer_un_autre([(r, ligne[col]) for r, ligne in enumerate(lignes)], seuil):
                    lignes[r][col] = Masque(seuil)
                    change = True
    for ligne in lignes:
        for col, derivees in (liees or {}).items():
            if isinstance(ligne[col], Masque):
                for d in derivees:
                    ligne[d] = Masque(seuil)
    return lignes
