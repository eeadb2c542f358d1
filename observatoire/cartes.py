"""The observatory's maps of a territory (``/observatoire/cartes/``), drawn by the shared component
``cil.cartes``: demand pressure and median waiting time per commune (from the stored indicators,
``observatoire.indicateurs``, never recomputed here), objective A rate per commune (from the objectives engine),
dwellings freed in the year per commune, and the QPV and reception points as markers.

Each function returns a ``cil.cartes.Carte``; the table under each map carries the same figures.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from attributions.models import Vacance
from attributions.selectors import ObjectifsIndisponibles
from cil import contours
from cil.cartes import Carte, Marqueur, carte_communes, format_nombre, position_guichet
from cil.models import ContourCommune, Epci, Guichet, Qpv

# The maps of stored indicators: identifier, title and description (``{annee}``, ``{arrete}``), unit
CARTES_INDICATEURS = {
    "PRESSION": (
        "carte-pression",
        "Pression de la demande en {annee} : demandes en cours par attribution",
        "Demandes en cours souhaitant la commune, rapportées aux attributions de l'année dans la commune "
        "({arrete}). Une commune sans attribution dans l'année est « sans donnée ».",
        "demandes par attribution",
    ),
    "DELAI_MEDIAN": (
        "carte-delai",
        "Délai d'attente médian des ménages logés en {annee}",
        "Médiane, par commune du logement, de l'attente des ménages logés dans l'année : du dépôt de la demande "
        "au bail, à défaut à la décision ({arrete}). Une commune sans ménage logé dans l'année est "
        "« sans donnée ».",
        "mois",
    ),
}


def carte_indicateur(epci: Epci, annee: int, indicateur: str) -> Carte | None:
    """Pressure (demands in force per allocation) or median waiting time (months) per commune, read from the
    indicators stored for the year (``valeurs_par_commune``, docs/observatoire.md). None when the year has not
    been computed yet; a commune without allocation in the year has no value (« sans donnée »)."""
    from .indicateurs import valeurs_par_commune
    from .models import CalculIndicateurs

    ident, titre, description, unite = CARTES_INDICATEURS[indicateur]
    calcul = CalculIndicateurs.objects.filter(epci=epci, annee=annee).first()
    if calcul is None:
        return None
    arrete = f"chiffres arrêtés au {calcul.date_reference:%d/%m/%Y}"
    return carte_communes(
        epci,
        ident=ident,
        titre=titre.format(annee=annee),
        description=description.format(arrete=arrete),
        valeurs=valeurs_par_commune(epci, annee, indicateur),
        unite=unite,
        decimales=1,
    )


def carte_objectif_a(epci: Epci, annee: int) -> Carte | None:
    """Objective A (allocations outside QPV to first-quartile or relocated households) per commune: the rates
    of the engine's breakdown by commune (``calcule_objectifs_epci(details=True)["communes"]``), written by the
    legal rule (``taux_texte``), read from the year's fresh snapshot (``attributions.services.objectifs_du_territoire``:
    nightly, after an import, on demand, or counted once by the first reader after a decision changed) with its
    date. None when the engine cannot count (no first-quartile threshold)."""
    from attributions.services import objectifs_du_territoire

    try:
        # the year's fresh snapshot: counted once and stored when a decision changed since, never a stale one
        resultat, calcule_le = objectifs_du_territoire(epci, annee, details=True)
    except ObjectifsIndisponibles:
        return None
    calcule = f" (objectifs calculés le {timezone.localtime(calcule_le):%d/%m/%Y à %H:%M})"
    valeurs, textes, details = {}, {}, {}
    for ligne in resultat["communes"]:
        a = ligne["hors_qpv"]
        valeurs[ligne["id"]] = a["taux"] * 100 if a["taux"] is not None else None
        if a["taux"] is not None:
            textes[ligne["id"]] = a["taux_texte"]
        details[ligne["id"]] = [
            format_nombre(a["base"]),
            format_nombre(a["numerateur"]),
            "–" if a["atteint"] is None else ("oui" if a["atteint"] else "non"),
        ]
    cible = resultat["hors_qpv"]["cible"]
    return carte_communes(
        epci,
        ident="carte-objectif-a",
        titre=f"Objectif A en {annee} : part des attributions hors QPV au 1er quartile ou à des relogés",
        description=(
            f"Taux par commune du logement attribué, sur le territoire : {resultat['hors_qpv']['taux_texte']}"
            + (f" pour une cible légale de {format_nombre(cible * 100)} %" if cible is not None else "")
            + f"{calcule}. Une commune sans attribution comptée hors QPV est « sans donnée »."
        ),
        valeurs=valeurs,
        textes=textes,
        unite="%",
        decimales=1,
        details=details,
        entetes_details=["Attributions hors QPV comptées", "Dont 1er quartile ou relogés", "Cible atteinte"],
    )


def carte_logements_liberes(epci: Epci, annee: int) -> Carte:
    """Dwellings freed in ``annee``: the vacancies of the territory whose release date (``date_liberation``)
    falls in the year, counted per commune of the dwelling (one SQL aggregate)."""
    comptes = dict(
        Vacance.objects.filter(epci=epci, date_liberation__year=annee)
        .values_list("logement__commune__code_insee")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(comptes.values())
    return carte_communes(
        epci,
        ident="carte-logements-liberes",
        titre=f"Logements libérés en {annee}",
        description=(
            f"{format_nombre(total)} logement(s) libéré(s) en {annee} sur le territoire (vacances déclarées par les "
            "bailleurs, comptées par commune du logement à leur date de libération)."
        ),
        valeurs=comptes,
        valeur_absente=0,
        unite="logement(s)",
    )


def carte_qpv_et_guichets(epci: Epci) -> Carte:
    """The QPV of the 2024 map (shipped points, one per commune that has QPV) and the reception points."""
    centres = {
        code: contours.centre(polygones)
        for code, polygones in ContourCommune.objects.filter(commune__epci=epci).values_list(
            "commune__code_insee", "polygones"
        )
    }
    marqueurs: list[Marqueur] = []
    par_point: dict[tuple[float, float], list] = {}
    qpv = (
        Qpv.objects.filter(Q(epci=epci) | Q(communes__epci=epci), carte=Qpv.Carte.CARTE_2024)
        .distinct()
        .prefetch_related("communes")
        .order_by("code")
    )
    for q in qpv:
        communes = sorted(q.communes.all(), key=lambda c: c.nom)
        point, approche = contours.point_qpv(q.code), False
        if point is None:
            point = next((centres[c.code_insee] for c in communes if centres.get(c.code_insee)), None)
            approche = True
        if point is None:
            continue
        par_point.setdefault((point, approche), []).append((q, communes))
    for (point, approche), groupe in par_point.items():
        noms_communes = sorted({c.nom for _, communes in groupe for c in communes})
        marqueurs.append(
            Marqueur(
                lon=point[0],
                lat=point[1],
                type="qpv",
                libelle=", ".join(f"{q.nom} ({q.code})" for q, _ in groupe),
                commune=", ".join(noms_communes),
                approche=approche,
            )
        )
    for guichet in Guichet.objects.filter(epci=epci).select_related("commune").order_by("nom"):
        position, approche = position_guichet(guichet, centres.get(guichet.commune.code_insee))
        if position is None:
            continue
        marqueurs.append(
            Marqueur(
                lon=position[0],
                lat=position[1],
                type="guichet",
                libelle=guichet.nom,
                detail=f"niveau {guichet.niveau}" + (", enregistre les demandes" if guichet.enregistreur else ""),
                commune=guichet.commune.nom,
                approche=approche,
            )
        )
    return carte_communes(
        epci,
        ident="carte-qpv-guichets",
        titre="Quartiers prioritaires (QPV 2024) et lieux d'accueil des demandeurs",
        description=(
            "Les QPV sont placés au point publié par l'ANCT pour chaque commune qui en compte (plusieurs QPV d'une "
            "même commune partagent ce point) ; les lieux d'accueil à leur adresse, ou au centre de leur commune."
        ),
        marqueurs=marqueurs,
    )
