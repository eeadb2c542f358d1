"""The only writer of the neighbourhood index's tables (docs/adr/0007-referentiel-des-quartiers.md).

- ``creer_referentiel`` opens a version (the default indicators, weights and classes, or a copy of the previous
  version), closing the previous one the day before;
- ``saisir_note`` records an entered value (urban form, age of the stock, services, tranquillity) with its
  source: a new row each time, the history is kept;
- ``enregistrer_classement`` classifies every neighbourhood of a territory from the computed indicators it is
  given (``observatoire.quartiers`` computes them from the allocations, proposals and vacancies) and the entered
  values, with the version in force, and keeps the run and the values behind each class.

Every function is atomic; a refusal raises ``QuartierRefuse`` (an ErreurMetier) with a French message.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.erreurs import ErreurMetier

from . import quartiers as regles
from .models import (
    ClassementQuartiers,
    ClasseQuartier,
    Epci,
    IndicateurQuartier,
    NoteQuartier,
    Quartier,
    ReferentielQuartiers,
    ResultatQuartier,
)
from .selectors import notes_en_vigueur

logger = logging.getLogger(__name__)

Code = IndicateurQuartier.Code
Sens = IndicateurQuartier.Sens

# The version a territory starts from (docs/quartiers.md): (code, weight, direction, lower bound, upper bound).
# Percentages are in points (0 to 100); the entered indicators are marks from 1 (poor) to 5 (very good).
INDICATEURS_PAR_DEFAUT = [
    (Code.PART_Q1, "2", Sens.DEFAVORABLE, "10", "50"),
    (Code.PART_PRIORITAIRES, "1", Sens.DEFAVORABLE, "10", "60"),
    (Code.TAUX_REFUS, "2", Sens.DEFAVORABLE, "10", "60"),
    (Code.DUREE_VACANCE, "1", Sens.DEFAVORABLE, "15", "120"),
    (Code.ROTATION, "1", Sens.DEFAVORABLE, "4", "16"),
    (Code.FORME_URBAINE, "1", Sens.FAVORABLE, "1", "5"),
    (Code.AGE_PARC, "1", Sens.FAVORABLE, "1", "5"),
    (Code.SERVICES, "1", Sens.FAVORABLE, "1", "5"),
    (Code.TRANQUILLITE, "2", Sens.FAVORABLE, "1", "5"),
]
# (code, label, minimum score, calls for vigilance)
CLASSES_PAR_DEFAUT = [
    ("VIGILANCE", "vigilance", "0", True),
    ("EQUILIBRE", "équilibre", "40", False),
    ("ATTRACTIF", "attractif", "65", False),
]


class QuartierRefuse(ErreurMetier):
    """A change to the neighbourhood index that the rules refuse."""


@transaction.atomic
def creer_referentiel(*, epci: Epci, date_debut: dt.date, source: str, nb_annees: int = 3) -> ReferentielQuartiers:
    """Open a new version from ``date_debut``: a copy of the version in force then, or the defaults."""
    if not source.strip():
        raise QuartierRefuse("Source : indiquez la délibération ou le document qui fixe cette version.")
    if not 1 <= nb_annees <= 10:
        raise QuartierRefuse("Années observées : entre 1 et 10.")
    versions = ReferentielQuartiers.objects.select_for_update().filter(epci=epci)
    if versions.filter(date_debut__gte=date_debut).exists():
        raise QuartierRefuse(
            f"En vigueur du : une version commence déjà le {date_debut:%d/%m/%Y} ou après ; choisissez une date "
            "postérieure."
        )
    precedente = versions.order_by("-date_debut").first()
    if precedente is not None and (precedente.date_fin is None or precedente.date_fin >= date_debut):
        precedente.date_fin = date_debut - dt.timedelta(days=1)
        precedente.save(update_fields=["date_fin"])
    numero = (precedente.version if precedente else 0) + 1
    nouvelle = ReferentielQuartiers.objects.create(
        epci=epci, version=numero, date_debut=date_debut, source=source.strip(), nb_annees=nb_annees
    )
    if precedente is not None:
        indicateurs = [(i.code, i.poids, i.sens, i.borne_min, i.borne_max) for i in precedente.indicateurs.all()]
        classes = [(c.code, c.libelle, c.score_min, c.vigilance) for c in precedente.classes.all()]
    else:
        indicateurs = [(c, Decimal(p), s, Decimal(a), Decimal(b)) for c, p, s, a, b in INDICATEURS_PAR_DEFAUT]
        classes = [(c, lib, Decimal(m), v) for c, lib, m, v in CLASSES_PAR_DEFAUT]
    IndicateurQuartier.objects.bulk_create(
        IndicateurQuartier(referentiel=nouvelle, code=c, poids=p, sens=s, borne_min=a, borne_max=b)
        for c, p, s, a, b in indicateurs
    )
    ClasseQuartier.objects.bulk_create(
        ClasseQuartier(referentiel=nouvelle, code=c, libelle=lib, score_min=m, vigilance=v) for c, lib, m, v in classes
    )
    return nouvelle


@transaction.atomic
def saisir_note(
    *, quartier: Quartier, code: str, valeur: Decimal, date_valeur: dt.date, source: str, acteur=None
) -> NoteQuartier:
    """Record an entered value of one indicator for one neighbourhood (the earlier ones are kept)."""
    if code in IndicateurQuartier.CALCULES:
        raise QuartierRefuse("Indicateur : celui-ci est calculé par la plateforme, il ne se saisit pas.")
    if code not in Code.values:
        raise QuartierRefuse(f"Indicateur : « {code} » est inconnu.")
    if not (source or "").strip():
        raise QuartierRefuse("Source : indiquez d'où vient cette valeur (diagnostic, enquête, bailleur…).")
    if valeur is None:
        raise QuartierRefuse("Valeur : indiquez une valeur.")
    return NoteQuartier.objects.create(
        quartier=quartier,
        code=code,
        valeur=Decimal(valeur),
        date_valeur=date_valeur,
        source=source.strip(),
        saisie_par=acteur,
    )


def _nombre(valeur) -> float | None:
    return None if valeur is None else float(valeur)


@transaction.atomic
def enregistrer_classement(
    *,
    referentiel: ReferentielQuartiers,
    jour: dt.date,
    periode_debut: dt.date,
    calcules: dict[int, dict[str, dict]],
    declencheur: str,
    acteur=None,
) -> ClassementQuartiers:
    """Classify every neighbourhood of the version's territory and keep the run.

    ``calcules`` maps a neighbourhood's id to its computed indicators: code -> {"valeur": Decimal | None, and
    the counts behind it}. Entered values are the latest at ``jour`` (``notes_en_vigueur``).
    """
    epci = referentiel.epci
    indicateurs = list(referentiel.indicateurs.all())
    classes = list(referentiel.classes.all())
    if not classes:
        raise QuartierRefuse(f"La version {referentiel.version} du référentiel n'a aucune classe : ajoutez-en.")
    if not indicateurs:
        raise QuartierRefuse(f"La version {referentiel.version} du référentiel n'a aucun indicateur : ajoutez-en.")
    seuils = [regles.Seuil(c.code, c.libelle, c.score_min) for c in classes]
    vigilance = {c.code: c.vigilance for c in classes}
    saisies: dict[tuple[int, str], NoteQuartier] = {(n.quartier_id, n.code): n for n in notes_en_vigueur(epci, jour)}
    classement = ClassementQuartiers.objects.create(
        epci=epci,
        referentiel=referentiel,
        jour=jour,
        periode_debut=periode_debut,
        calcule_le=timezone.now(),
        declencheur=declencheur,
        demande_par=acteur,
    )
    resultats = []
    for quartier in Quartier.objects.filter(epci=epci).order_by("pk"):
        lignes = []
        paires = []
        for ind in indicateurs:
            if ind.calcule:
                donnees = dict(calcules.get(quartier.pk, {}).get(ind.code) or {})
                valeur = donnees.pop("valeur", None)
                source = "Calculé par la plateforme"
            else:
                saisie = saisies.get((quartier.pk, ind.code))
                valeur = saisie.valeur if saisie else None
                donnees = {"date_valeur": saisie.date_valeur.isoformat()} if saisie else {}
                source = saisie.source if saisie else ""
            mark = regles.note(valeur, ind.borne_min, ind.borne_max, ind.sens)
            paires.append((mark, ind.poids))
            lignes.append(
                {
                    "code": ind.code,
                    "libelle": ind.get_code_display(),
                    "calcule": ind.calcule,
                    "valeur": _nombre(valeur),
                    "note": _nombre(mark),
                    "poids": _nombre(ind.poids),
                    "source": source,
                    **{k: (v if isinstance(v, int | str) or v is None else float(v)) for k, v in donnees.items()},
                }
            )
        total = regles.score(paires)
        resultat = regles.classe(total, seuils)
        resultats.append(
            ResultatQuartier(
                classement=classement,
                quartier=quartier,
                score=total,
                classe_code=resultat.code if resultat else "",
                classe_libelle=resultat.libelle if resultat else "",
                vigilance=bool(resultat and vigilance[resultat.code]),
                indicateurs=lignes,
            )
        )
    ResultatQuartier.objects.bulk_create(resultats)
    logger.info("Classement des quartiers de %s : %s quartiers", epci.nom, len(resultats))
    return classement
