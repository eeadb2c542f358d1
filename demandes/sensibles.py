"""Sensitive situations (docs/droit/regles.md, platform decision 12): what is sensitive, and what a reader sees of it.

One definition: ``ElementSensible`` rows (platform defaults, extended per territory) list the reasons,
L. 441-1 criteria, document types and event types whose mere mention reveals a sensitive situation
(domestic or sexual violence by default). An event is sensitive when its type is listed, or when it is
about a listed criterion, document type or reason (``critere``, ``type_piece``, ``motifs`` in its detail).

One decision: ``permissions.can_see_sensitive(user, demande)`` says who sees the detail (the reception
desks and the EPCI staff of the demand's territory). Everyone else reads the masked labels below, on every
channel: pages, lists, search, PDFs, the event log, the scoring breakdown. The channels made for partners
(the API, exports, documents for partners) mask for everyone (``partenaires=True``).

Every channel goes through a ``Lecture`` (what one reader sees of one demand): ``lecture(user, demande)``;
``definitions(epci_ids)`` reads the definitions of several territories in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

MASQUE_CRITERE = "Critère de priorité, détail réservé"
MASQUE_MOTIF = "Motif de la demande, détail réservé"
MASQUE_PIECE = "Pièce justificative, détail réservé"
MASQUE_EVENEMENT = "Événement, détail réservé"
CODE_MASQUE = "RESERVE"  # the code given instead of a sensitive one (API, exports)


@dataclass(frozen=True)
class Definition:
    """The sensitive codes in force on one territory (platform defaults and the territory's own rows)."""

    motifs: frozenset[str] = frozenset()
    criteres: frozenset[str] = frozenset()
    pieces: frozenset[str] = frozenset()
    evenements: frozenset[str] = frozenset()

    def masque_evenement(self, type_evenement: str, detail: dict | None) -> str | None:
        """The masked label of a sensitive event (what it is about), None when the event is not sensitive."""
        detail = detail if isinstance(detail, dict) else {}
        if type_evenement in self.evenements:
            return MASQUE_EVENEMENT
        if detail.get("critere") in self.criteres:
            return MASQUE_CRITERE
        if detail.get("type_piece") in self.pieces:
            return MASQUE_PIECE
        motifs = detail.get("motifs")
        if isinstance(motifs, list) and self.motifs.intersection(motifs):
            return MASQUE_MOTIF
        return None

    def valeurs_sensibles(self, valeurs: Iterable[str]) -> bool:
        """Whether codes of any kind (a scoring line's retained values) include a sensitive reason or criterion."""
        return bool((self.motifs | self.criteres).intersection(valeurs))


def definitions(epci_ids: Iterable[int]) -> dict[int, Definition]:
    """The definition of each territory, in one query."""
    from .models import ElementSensible

    ids = set(epci_ids)
    par_nature: dict[int | None, dict[str, set[str]]] = {}
    rows = ElementSensible.objects.filter(Q(epci__isnull=True) | Q(epci_id__in=ids)).values_list(
        "epci_id", "nature", "code"
    )
    for epci_id, nature, code in rows:
        par_nature.setdefault(epci_id, {}).setdefault(nature, set()).add(code)
    defaut = par_nature.get(None, {})

    def _definition(epci_id: int) -> Definition:
        propre = par_nature.get(epci_id, {})

        def codes(nature: str) -> frozenset[str]:
            return frozenset(defaut.get(nature, set()) | propre.get(nature, set()))

        return Definition(
            motifs=codes("MOTIF"), criteres=codes("CRITERE"), pieces=codes("PIECE"), evenements=codes("EVENEMENT")
        )

    return {epci_id: _definition(epci_id) for epci_id in ids}


def definition(epci_id: int) -> Definition:
    return definitions([epci_id])[epci_id]


class Lu:
    """An object as a reader sees it: some attributes replaced (the masked ones), the others read through.

    ``masque`` says whether anything was masked; templates and serializers read the attributes as usual."""

    def __init__(self, objet, *, masque: bool = False, **remplaces):
        self.__dict__.update(remplaces)
        self.objet = objet
        self.masque = masque

    def __getattr__(self, name):  # only called for attributes not replaced
        if name == "objet":
            raise AttributeError(name)
        return getattr(self.objet, name)


@dataclass(frozen=True)
class Lecture:
    """What one reader sees of one demand's sensitive items: the detail (``voit``) or the masked labels."""

    definition: Definition
    voit: bool

    # which codes this reader may not see the detail of
    def masque_motif(self, code: str) -> bool:
        return not self.voit and code in self.definition.motifs

    def masque_critere(self, code: str) -> bool:
        return not self.voit and code in self.definition.criteres

    def masque_piece(self, code: str) -> bool:
        return not self.voit and code in self.definition.pieces

    # reasons of the demand
    def motifs(self, codes: Iterable[str]) -> list[str]:
        """Labels of the demand's reasons; the sensitive ones collapse into one masked label."""
        from .models import Demande

        libelles = dict(Demande.Motif.choices)
        resultat = [MASQUE_MOTIF if self.masque_motif(c) else libelles.get(c, c) for c in codes]
        return list(dict.fromkeys(resultat))

    def codes_motifs(self, codes: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(CODE_MASQUE if self.masque_motif(c) else c for c in codes))

    def choix_motifs(self) -> list[tuple[str, str]]:
        """Reasons this reader may tick on a form (a masked reason is kept as it is, never shown)."""
        from .models import Demande

        return [c for c in Demande.Motif.choices if not self.masque_motif(c[0])]

    # priority criteria
    def critere(self, code: str) -> str:
        from .models import CriterePriorite

        return MASQUE_CRITERE if self.masque_critere(code) else CriterePriorite.Critere(code).label

    def choix_criteres(self) -> list[tuple[str, str]]:
        from .models import CriterePriorite

        return [c for c in CriterePriorite.Critere.choices if not self.masque_critere(c[0])]

    # documents
    def piece(self, code: str) -> str:
        from .models import TypePiece

        return MASQUE_PIECE if self.masque_piece(code) else dict(TypePiece.choices).get(code, code)

    def choix_pieces(self) -> list[tuple[str, str]]:
        from .models import TypePiece

        return [c for c in TypePiece.choices if not self.masque_piece(c[0])]

    def priorite(self, p) -> Lu:
        """A recognised criterion: masked, it keeps its dates and source, never its label, comment or document."""
        if self.masque_critere(p.critere):
            return Lu(p, masque=True, critere=CODE_MASQUE, libelle=MASQUE_CRITERE, commentaire="", piece=None)
        piece = p.piece if p.piece_id is None or not self.masque_piece(p.piece.type_piece) else None
        return Lu(p, libelle=p.get_critere_display(), piece=piece)

    # the event log
    def evenement(self, e) -> Lu:
        """An event: masked, it keeps its date and author, and says what it is about with a masked label."""
        masque = None if self.voit else self.definition.masque_evenement(e.type, e.detail)
        if masque is None:
            return Lu(e, type_libelle=e.get_type_display())
        if masque == MASQUE_EVENEMENT:
            return Lu(e, masque=True, type=CODE_MASQUE, type_libelle=MASQUE_EVENEMENT, libelle="", detail={})
        return Lu(e, masque=True, type_libelle=e.get_type_display(), libelle=masque, detail={})

    # the scoring breakdown: a line is masked when the values it retained reveal a sensitive situation
    def ligne_cotation(self, ligne) -> Lu:
        if self.voit or not self.definition.valeurs_sensibles(ligne.valeurs):
            return Lu(ligne)
        libelle = MASQUE_CRITERE if self.definition.criteres.intersection(ligne.valeurs) else MASQUE_MOTIF
        return Lu(ligne, masque=True, libelle=libelle, explication="", valeurs=frozenset())


def _voit(user, demande, partenaires: bool) -> bool:
    from .permissions import can_see_sensitive

    return not partenaires and can_see_sensitive(user, demande)


def lecture(user, demande, *, partenaires: bool = False) -> Lecture:
    """What ``user`` sees of ``demande``. ``partenaires``: a channel made for partners (the API, exports,
    documents for partners) masks for everyone, whoever calls it (platform decision 12)."""
    return Lecture(definition=definition(demande.epci_id), voit=_voit(user, demande, partenaires))
