"""Read a validated ``interfaceNuu`` document (as a dict) into the platform's vocabulary (codes.py).

Pure: no database. The service resolves communes, territory, desk and applies the result. What cannot be
read is a ``Constat`` (the file is refused whole); what the platform does not model stays in the national
record (``DossierSne.donnees``) and is exported again as received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from . import codes
from .schemas import Constat

PRENOM_A_NAITRE = "Enfant à naître"
PRENOM_EN_GARDE = "Enfant en garde"
DL = "/interfaceNuu/demande/demandeLogement"
PP = f"{DL}/personnePhysique"


@dataclass
class Radiation:
    motif: str  # platform MotifRadiation, or "REACTIVATION" (national *déradiation*)
    date: dt.date
    commentaire: str = ""
    attribution: dict | None = None  # the attributionLogement block, read


@dataclass
class Lecture:
    type_fichier: str
    date_fichier: str
    numero_national: str
    numero_guichet: str
    date_depot: dt.date
    donnees: dict = field(default_factory=dict)  # Demande fields
    membres: list[dict] = field(default_factory=list)
    ressources: list[dict] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # INSEE codes of the wished communes, in order
    commune_adresse: str = ""  # INSEE code of the postal address (its name is the demand's ``ville``)
    dalo: dt.date | None = None
    renouvellement: dt.date | None = None
    radiation: Radiation | None = None
    constats: list[Constat] = field(default_factory=list)


def _date(valeur) -> dt.date | None:
    return dt.date.fromisoformat(str(valeur)[:10]) if valeur else None


def _code(bloc) -> str | None:
    if isinstance(bloc, dict):
        return bloc.get("@code")
    return None


def _liste(valeur) -> list:
    if valeur is None:
        return []
    return valeur if isinstance(valeur, list) else [valeur]


def _texte(valeur, longueur: int) -> str:
    return ("" if valeur is None else str(valeur)).strip()[:longueur]


def _telephone(personne: dict) -> str:
    for cle in ("telPortable", "telDomicile", "telTravail"):
        if personne.get(cle):
            return str(personne[cle])
    return ""


def _ressources(liste: dict | None, membre_index, lecture: Lecture, chemin: str) -> None:
    for i, detail in enumerate(_liste((liste or {}).get("detailRessource")), start=1):
        code, montant = _code(detail.get("ressource")), detail.get("montant")
        if code is None or montant is None:
            lecture.constats.append(Constat(f"{chemin}/detailRessource[{i}]", "ressource sans code ou sans montant."))
            continue
        if montant < 0:
            lecture.constats.append(
                Constat(f"{chemin}/detailRessource[{i}]/montant", f"montant négatif ({montant}) refusé.")
            )
            continue
        nature = codes.plateforme("ListeRessourceRecue", code)
        lecture.ressources.append(
            {
                "membre_index": membre_index,
                "nature": nature,
                "montant_mensuel": Decimal(montant).quantize(Decimal("0.01")),
            }
        )


def lire(document: dict) -> Lecture:
    entete = document["entete"]
    dl = document["demande"]["demandeLogement"]
    lecture = Lecture(
        type_fichier=entete["typeFichier"],
        date_fichier=str(entete.get("dateFichier") or ""),
        numero_national=_texte(dl.get("numUnique"), 18).upper(),
        numero_guichet=_texte(dl.get("numGuichet"), 5),
        date_depot=_date(dl["dateCreationDemande"]),  # type: ignore[arg-type]
    )
    if lecture.type_fichier not in codes.listes_nationales()["ListeTypeFichier"]:
        connus = ", ".join(codes.listes_nationales()["ListeTypeFichier"])
        lecture.constats.append(
            Constat("/interfaceNuu/entete/typeFichier", f"type « {lecture.type_fichier} » inconnu ({connus}).")
        )
        return lecture
    if not lecture.numero_national:
        lecture.constats.append(
            Constat(f"{DL}/numUnique", "numéro unique national absent : la demande ne peut pas être rapprochée.")
        )
    if "personnePhysique" not in dl:
        lecture.constats.append(
            Constat(f"{DL}/association", "demande d'une association (personne morale) : non prise en charge.")
        )
        return lecture
    pp = dl["personnePhysique"]
    demandeur = pp["demandeur"]
    adresse = demandeur["adressePostale"]
    if adresse.get("etranger"):
        lecture.constats.append(
            Constat(
                f"{PP}/demandeur/adressePostale", "adresse à l'étranger : la plateforme exige une adresse en France."
            )
        )
    lecture.commune_adresse = _code(adresse.get("commune")) or ""
    pro = demandeur["situationProfessionnelle"]
    fiscal = demandeur.get("revenuFiscal") or {}
    montant_fiscal, annee_fiscale = fiscal.get("montantMoins1"), fiscal.get("anneeMoins1")
    if montant_fiscal is None and fiscal.get("montantMoins2") is not None:
        montant_fiscal, annee_fiscale = fiscal.get("montantMoins2"), fiscal.get("anneeMoins2")
    logement = pp["logementActuel"]
    modeles = [_code(m) for m in _liste(logement["listeModeleLogement"].get("modeleLogement"))]
    recherche = dl.get("logementRecherche") or {}
    motifs_codes = [_code(m) for m in _liste((dl.get("principauxMotifDemande") or {}).get("motifDemande"))]
    handicaps = _liste((dl.get("listeHandicap") or {}).get("handicap"))
    aides = {
        _code(a)
        for h in handicaps
        for a in _liste((h.get("listeAideTechniqueHandicap") or {}).get("aideTechniqueHandicap"))
    }
    equipements = {
        _code(e) for h in handicaps for e in _liste((h.get("listeEquipementHandicap") or {}).get("equipementHandicap"))
    }
    besoins = [str(h["besoinParticulier"]) for h in handicaps if h.get("besoinParticulier")]
    lecture.donnees = {
        "numero_national": lecture.numero_national,
        "nom": _texte(demandeur["nom"], 100),
        "nom_naissance": _texte(demandeur.get("nomPatronymique"), 100),
        "prenom": _texte(demandeur["prenom"], 100),
        "date_naissance": _date(demandeur["dateNaissance"]),
        "sexe": codes.plateforme("ListeCivilite", _code(demandeur["civilite"]) or ""),
        "nationalite": codes.plateforme("ListeNationalite", _code(demandeur["nationalite"]) or ""),
        "situation_familiale": codes.plateforme(
            "ListeSituationFamiliale", _code(demandeur["situationFamiliale"]) or ""
        ),
        "adresse": " ".join(p for p in (_texte(adresse.get("numero"), 5), _texte(adresse.get("voie"), 32)) if p),
        "code_postal": _texte(adresse.get("codePostal"), 5),
        "telephone": _telephone(demandeur),
        "email": _texte(demandeur.get("mel"), 254),
        "situation_professionnelle": codes.plateforme(
            "ListeTypeContratTravail", _code(pro["typeContratTravail"]) or ""
        ),
        "employeur": _texte(pro.get("nomEmployeurPrincipal"), 200),
        "revenu_fiscal_reference": montant_fiscal if montant_fiscal is not None and montant_fiscal >= 0 else None,
        "annee_revenu_fiscal": annee_fiscale if montant_fiscal is not None and montant_fiscal >= 0 else None,
        "logement_actuel": codes.plateforme("ListeModeleLogement", modeles[0] or "") if modeles else "AUTRE",
        "loyer_actuel": (
            Decimal(logement["montantMensuelLoyer"]).quantize(Decimal("0.01"))
            if logement.get("montantMensuelLoyer") is not None
            else None
        ),
        "est_mutation": "HLM" in modeles,
        "motifs": list(dict.fromkeys(codes.plateforme("ListeMotifDemande", c or "") for c in motifs_codes)),
        "commentaire": _texte(dl.get("precision"), 255),
        "typologies": list(
            dict.fromkeys(
                codes.plateforme("ListeTypeLogement", _code(t) or "")
                for t in _liste((recherche.get("listeTypeLogement") or {}).get("typeLogement"))
            )
        ),
        "loyer_max": recherche.get("montantLoyer"),
        "accessibilite_pmr": bool(aides & {"4", "5"}),
        "ascenseur_requis": "4" in equipements,
        "besoin_adaptation": " ; ".join(besoins)[:300],
    }
    for localisation in _liste((recherche.get("listeLocalisationSouhaite") or {}).get("localisationSouhaite")):
        code = _code(localisation.get("commune"))
        if code and code not in lecture.communes:
            lecture.communes.append(code)

    # the household: co-applicants, dependants, expected children, children in custody (Platform decision 9:
    # every one counts in the household; an expected child has no consumption unit until its birth)
    _ressources(demandeur.get("listeRessourceRecue"), None, lecture, f"{PP}/demandeur/listeRessourceRecue")
    for i, cot in enumerate(_liste((pp.get("listeCotitulaire") or {}).get("cotitulaire")), start=1):
        index = len(lecture.membres)
        lecture.membres.append(
            {
                "lien": codes.plateforme("ListeLienDemandeur", _code(cot["lienDemandeur"]) or ""),
                "nom": _texte(cot["nom"], 100),
                "prenom": _texte(cot["prenom"], 100),
                "date_naissance": _date(cot["dateNaissance"]),
                "situation_professionnelle": codes.plateforme(
                    "ListeTypeContratTravail", _code(cot["situationProfessionnelle"]["typeContratTravail"]) or ""
                ),
            }
        )
        _ressources(cot.get("listeRessourceRecue"), index, lecture, f"{PP}/listeCotitulaire/cotitulaire[{i}]")
    premier_a_charge = None
    for i, pers in enumerate(_liste((pp.get("listePersonneACharge") or {}).get("personneACharge")), start=1):
        naissance = _date(pers.get("dateNaissance"))
        if naissance is None:
            lecture.constats.append(
                Constat(f"{PP}/listePersonneACharge/personneACharge[{i}]/dateNaissance", "date de naissance absente.")
            )
            continue
        if premier_a_charge is None:
            premier_a_charge = len(lecture.membres)
        lien = _code(pers.get("lienParente"))
        lecture.membres.append(
            {
                "lien": codes.plateforme("ListeLienParente", lien) if lien else "AUTRE",
                "nom": _texte(pers.get("nom"), 100) or lecture.donnees["nom"],
                "prenom": _texte(pers.get("prenom"), 100) or "Personne à charge",
                "date_naissance": naissance,
            }
        )
    _ressources(
        demandeur.get("listeRessourceRecuePersACharge"),
        premier_a_charge,
        lecture,
        f"{PP}/demandeur/listeRessourceRecuePersACharge",
    )
    a_naitre = pp.get("personneANaitre") or {}
    if a_naitre.get("nombre"):
        prevue = _date(a_naitre.get("dateNaissancePrevue"))
        if prevue is None:
            lecture.constats.append(
                Constat(f"{PP}/personneANaitre/dateNaissancePrevue", "date de naissance prévue absente.")
            )
        else:
            for _ in range(a_naitre["nombre"]):
                lecture.membres.append(
                    {
                        "lien": "ENFANT",
                        "nom": lecture.donnees["nom"],
                        "prenom": PRENOM_A_NAITRE,
                        "date_naissance": prevue,
                        "enfant_a_naitre": True,
                    }
                )
    for i, garde in enumerate(_liste((pp.get("listePersonneEnGarde") or {}).get("personneEnGarde")), start=1):
        naissance, coparentalite = _date(garde.get("dateNaissance")), _code(garde.get("coParentalite"))
        if naissance is None:
            lecture.constats.append(
                Constat(f"{PP}/listePersonneEnGarde/personneEnGarde[{i}]/dateNaissance", "date de naissance absente.")
            )
            continue
        lecture.membres.append(
            {
                "lien": "ENFANT",
                "nom": lecture.donnees["nom"],
                "prenom": PRENOM_EN_GARDE,
                "date_naissance": naissance,
                "garde": codes.plateforme("ListeCoparentalite", coparentalite) if coparentalite else "ALTERNEE",
            }
        )
    if logement.get("montantMensuelAPL"):
        lecture.ressources.append(
            {
                "membre_index": None,
                "nature": "AIDE_LOGEMENT",
                "montant_mensuel": Decimal(logement["montantMensuelAPL"]).quantize(Decimal("0.01")),
            }
        )

    dalo = document["demande"].get("informationDalo") or {}
    if codes.plateforme("ListeStatutDalo", _code(dalo.get("statutDalo")) or "NON") == "DALO":
        lecture.dalo = _date(dalo.get("dateDecisionDalo"))
        if lecture.dalo is None:
            lecture.constats.append(
                Constat(
                    "/interfaceNuu/demande/informationDalo/dateDecisionDalo", "statut DALO actif sans date de décision."
                )
            )
    lecture.renouvellement = _date((dl.get("renouvellement") or {}).get("dateRenouvellement"))
    radiation = dl.get("radiation")
    if radiation:
        motif_code = _code(radiation["motifRadiation"]) or ""
        sous_motif = _code(radiation.get("sousMotifIrrecevabilite"))
        commentaire = codes.listes_nationales()["ListeSousMotifRadiationIrrecevabilite"].get(sous_motif or "", "")
        lecture.radiation = Radiation(
            motif=codes.plateforme("ListeMotifsRadiation", motif_code),  # type: ignore[arg-type]
            date=_date(radiation["dateRadiation"]),  # type: ignore[arg-type]
            commentaire=commentaire,
            attribution=_attribution(radiation.get("attributionLogement")),
        )
    if lecture.type_fichier == "RAD" and lecture.radiation is None:
        lecture.constats.append(Constat(DL, "fichier de radiation (RAD) sans bloc « radiation »."))
    if lecture.type_fichier == "REN" and lecture.renouvellement is None:
        lecture.constats.append(Constat(DL, "fichier de renouvellement (REN) sans bloc « renouvellement »."))
    return lecture


def _attribution(bloc: dict | None) -> dict | None:
    if not bloc:
        return None
    type_logement = _code(bloc.get("typeLogement"))
    return {
        "date_bail": _date(bloc["dateSignatureBail"]),
        "numero_rpls": _texte(bloc.get("numeroRpls"), 10),
        "siren_bailleur": _texte(bloc.get("codeSirenBailleur"), 9),
        "type_reservataire": _code(bloc["typeReservataire"]) or "",
        "typologie": codes.plateforme("ListeTypeLogementRPLS", type_logement) if type_logement else "",
        "commune": _code((bloc.get("adresse") or {}).get("commune")) or "",
        "dalo": bool(bloc.get("attribueEnComDALO")),
        "prioritaire": codes.plateforme("ListeAccordCollectif", _code(bloc["accordCollectif"]) or "NONDOC")
        == "PRIORITAIRE",
        "mutation": codes.plateforme("ListeBooleen", _code(bloc["dejaLogeParcBailleur"]) or "NONDOC") == "OUI",
    }
