"""Write a demand as an ``interfaceNuu`` 02.01 document, validated against the schema before it leaves.

The platform's values are written with the national codes of ``codes.py``. A block received from the SNE
(``DossierSne.donnees``) whose meaning the platform did not change is written back as received, so the codes
the platform reads many-to-one (an apprentice « APP » is a fixed-term contract on the platform) and what it
does not model (disability details, maintenance paid...) go back unchanged. What the schema requires and the
platform does not record is reported in ``Export.avertissements`` (docs/sne.md, « Export »).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from attributions.models import DecisionCaleol
from attributions.rules import est_attribution
from cil.models import Commune
from demandes.models import Demande, Ressource
from demandes.rules import normaliser

from . import codes, lecture
from .models import DossierSne
from .schemas import VERSION_EXPORT, vers_xml

RE_MEL = re.compile(r"[a-zA-Z0-9_.\-]+@[a-zA-Z0-9_.\-]+\.[a-zA-Z]{1,3}")


@dataclass
class Export:
    contenu: bytes
    avertissements: list[str] = field(default_factory=list)


def _cle_code(code: str) -> dict:
    return {"@code": code}


def _code_de(bloc) -> str | None:
    return bloc.get("@code") if isinstance(bloc, dict) else None


def _liste(valeur) -> list:
    return [] if valeur is None else valeur if isinstance(valeur, list) else [valeur]


def _commune_de(nom: str, code_postal: str) -> str | None:
    """The INSEE code of a commune named ``nom`` in the department of ``code_postal`` (the demand records a name)."""
    cible = normaliser(nom)
    communes = Commune.objects.filter(departement__in=[code_postal[:2], code_postal[:3]])
    for code, nom_commune in communes.values_list("code_insee", "nom"):
        if normaliser(nom_commune) == cible:
            return code
    return None


class _Ecrivain:
    def __init__(self, demande: Demande):
        self.demande = demande
        self.avertissements: list[str] = []
        try:
            dossier: DossierSne | None = demande.dossier_sne
        except DossierSne.DoesNotExist:
            dossier = None
        self.dossier = dossier
        self.recu = copy.deepcopy(dossier.donnees) if dossier else {}
        self.dl_recu = self.recu.get("demandeLogement", {})
        self.pp_recu = self.dl_recu.get("personnePhysique", {})
        self.membres = list(demande.membres.order_by("pk"))
        self.ressources = list(demande.ressources.order_by("pk"))
        # what the received blocks meant, read the way the import reads them
        self.lu = None
        if self.recu and "personnePhysique" in self.dl_recu:
            document = {"entete": {"typeFichier": "MOD"}, "demande": self.recu}
            try:
                self.lu = lecture.lire(document)
            except (KeyError, TypeError, ValueError):
                self.lu = None

    def texte(self, valeur: str, longueur: int, nom: str) -> str:
        valeur = valeur or ""
        if len(valeur) > longueur:
            self.avertissements.append(f"{nom} tronqué à {longueur} caractères (limite du format national).")
        return valeur[:longueur]

    def localite(self) -> dict:
        d = self.demande
        code = _commune_de(d.ville, d.code_postal)
        if code is None and self.lu is not None and self.lu.donnees.get("code_postal") == d.code_postal:
            code = self.lu.commune_adresse or None
        if code is None:
            self.avertissements.append(f"commune « {d.ville} » absente du référentiel : code INSEE non écrit.")
        return {"codePostal": d.code_postal, "commune": _cle_code(code) if code else {}}

    def adresse(self) -> dict:
        recu = self.pp_recu.get("demandeur", {}).get("adressePostale")
        d = self.demande
        if (
            recu
            and self.lu is not None
            and (self.lu.donnees["adresse"], self.lu.donnees["code_postal"])
            == (
                d.adresse,
                d.code_postal,
            )
        ):
            return recu
        return {"etranger": False, "voie": self.texte(d.adresse, 32, "adresse"), **self.localite()}

    def ressources_de(self, personnes: set, recu_liste: dict | None, cle_lecture) -> dict | None:
        """``personnes``: membre ids (None: the applicant). Kept as received when it means the same."""
        lignes = [
            (r.nature, int(r.montant_mensuel.to_integral_value()))
            for r in self.ressources
            if r.membre_id in personnes and r.nature not in Ressource.NATURES_EXCLUES
        ]
        if recu_liste is not None:
            recues = [
                (codes.plateforme("ListeRessourceRecue", _code_de(x.get("ressource")) or ""), x.get("montant"))
                for x in _liste(recu_liste.get("detailRessource"))
            ]
            if sorted(recues) == sorted(lignes):
                return recu_liste
        for r in self.ressources:
            if r.membre_id in personnes and r.montant_mensuel != r.montant_mensuel.to_integral_value():
                self.avertissements.append("montants des ressources arrondis à l'euro (format national).")
                break
        if not lignes:
            return None  # an empty list element (an empty Python list would write one empty item)
        return {
            "detailRessource": [
                {"ressource": _cle_code(codes.national("ListeRessourceRecue", n)), "montant": m} for n, m in lignes
            ]
        }

    def situation_pro(self, code_plateforme: str, recu: dict | None, employeur: str = "") -> dict:
        bloc = copy.deepcopy(recu) if recu else {"etranger": False, **self.localite()}
        recu_code = _code_de(bloc.get("typeContratTravail"))
        bloc["typeContratTravail"] = _cle_code(codes.national("ListeTypeContratTravail", code_plateforme, recu_code))
        if employeur:
            bloc["nomEmployeurPrincipal"] = self.texte(employeur, 25, "employeur")
        elif "nomEmployeurPrincipal" in bloc and not recu:
            del bloc["nomEmployeurPrincipal"]
        return bloc

    def demandeur(self) -> dict:
        d = self.demande
        recu = copy.deepcopy(self.pp_recu.get("demandeur", {}))
        bloc = {
            "civilite": _cle_code(codes.national("ListeCivilite", d.sexe, _code_de(recu.get("civilite")))),
            "nom": self.texte(d.nom, 36, "nom"),
            "prenom": self.texte(d.prenom, 36, "prénom"),
            "dateNaissance": d.date_naissance.isoformat(),
            "nationalite": _cle_code(codes.national("ListeNationalite", d.nationalite)),
            "situationFamiliale": _cle_code(codes.national("ListeSituationFamiliale", d.situation_familiale)),
        }
        if d.nom_naissance:
            bloc["nomPatronymique"] = self.texte(d.nom_naissance, 36, "nom de naissance")
        telephones = {k: recu[k] for k in ("telDomicile", "telPortable", "telTravail") if k in recu}
        if self.lu is None or self.lu.donnees["telephone"] != d.telephone:
            chiffres = re.sub(r"\D", "", d.telephone or "")
            telephones = {"telPortable": chiffres} if 0 < len(chiffres) <= 10 else {}
            if d.telephone and not telephones:
                self.avertissements.append("téléphone non écrit : le format national attend 10 chiffres au plus.")
        bloc.update(telephones)
        if d.email:
            if RE_MEL.fullmatch(d.email):
                bloc["mel"] = d.email
            else:
                self.avertissements.append("adresse électronique non écrite : refusée par le motif du format national.")
        for cle in ("notifSms", "notifEvt"):
            if cle in recu:
                bloc[cle] = recu[cle]
        bloc["adressePostale"] = self.adresse()
        bloc["situationProfessionnelle"] = self.situation_pro(
            d.situation_professionnelle, recu.get("situationProfessionnelle"), d.employeur
        )
        fiscal = recu.get("revenuFiscal") if recu else None
        if (
            fiscal is None
            or self.lu is None
            or (self.lu.donnees["revenu_fiscal_reference"], self.lu.donnees["annee_revenu_fiscal"])
            != (d.revenu_fiscal_reference, d.annee_revenu_fiscal)
        ):
            fiscal = {}
            if d.revenu_fiscal_reference is not None and d.revenu_fiscal_reference <= 999999:
                fiscal["montantMoins1"] = d.revenu_fiscal_reference
                if d.annee_revenu_fiscal:
                    fiscal["anneeMoins1"] = d.annee_revenu_fiscal
        bloc["revenuFiscal"] = fiscal
        bloc["listeRessourceRecue"] = self.ressources_de({None}, recu.get("listeRessourceRecue"), None)
        bloc["listeRessourceVersee"] = recu.get("listeRessourceVersee")
        a_charge = {m.pk for m in self.membres if m.lien != "CO_TITULAIRE"}
        bloc["listeRessourceRecuePersACharge"] = self.ressources_de(
            a_charge, recu.get("listeRessourceRecuePersACharge"), None
        )
        bloc["listeRessourceVerseePersACharge"] = recu.get("listeRessourceVerseePersACharge")
        return bloc

    def cotitulaires(self) -> list[dict]:
        d = self.demande
        recus = _liste((self.pp_recu.get("listeCotitulaire") or {}).get("cotitulaire"))
        sortie = []
        for m in (m for m in self.membres if m.lien == "CO_TITULAIRE"):
            recu = next(
                (
                    r
                    for r in recus
                    if (r.get("nom"), r.get("prenom"), r.get("dateNaissance"))
                    == (m.nom[:36], m.prenom[:36], m.date_naissance.isoformat())
                ),
                None,
            )
            if recu is None:
                self.avertissements.append(
                    f"cotitulaire {m.prenom} {m.nom} : civilité, nationalité et situation familiale non connues de "
                    "la plateforme, reprises du demandeur (civilité opposée)."
                )
                recu = {
                    "civilite": _cle_code("2" if d.sexe == "M" else "1"),
                    "nationalite": _cle_code(codes.national("ListeNationalite", d.nationalite)),
                    "situationFamiliale": _cle_code(codes.national("ListeSituationFamiliale", d.situation_familiale)),
                    "lienDemandeur": _cle_code(
                        {"MARIE": "M", "PACSE": "P", "CONCUBINAGE": "C"}.get(d.situation_familiale, "L")
                    ),
                }
            bloc = {
                "civilite": recu["civilite"],
                "nom": self.texte(m.nom, 36, "nom du cotitulaire"),
                "prenom": self.texte(m.prenom, 36, "prénom du cotitulaire"),
                "dateNaissance": m.date_naissance.isoformat(),
                "nationalite": recu["nationalite"],
                "situationFamiliale": recu["situationFamiliale"],
                "lienDemandeur": recu["lienDemandeur"],
                "situationProfessionnelle": self.situation_pro(
                    m.situation_professionnelle, recu.get("situationProfessionnelle")
                ),
                "listeRessourceRecue": self.ressources_de({m.pk}, recu.get("listeRessourceRecue"), None),
                "listeRessourceVersee": recu.get("listeRessourceVersee"),
            }
            for cle in ("nomPatronymique", "telDomicile", "telPortable", "telTravail", "revenuFiscal"):
                if cle in recu:
                    bloc[cle] = recu[cle]
            sortie.append(bloc)
        return sortie

    def personne_physique(self) -> dict:
        pp: dict = {"demandeur": self.demandeur()}
        for cle in ("adresseLogement",):
            if cle in self.pp_recu:
                pp[cle] = self.pp_recu[cle]
        recus_charge = _liste((self.pp_recu.get("listePersonneACharge") or {}).get("personneACharge"))
        recus_garde = _liste((self.pp_recu.get("listePersonneEnGarde") or {}).get("personneEnGarde"))
        a_charge, a_naitre, en_garde = [], [], []
        for m in self.membres:
            if m.lien == "CO_TITULAIRE":
                continue
            if m.enfant_a_naitre:
                a_naitre.append(m)
            elif m.garde:
                recu = next((r for r in recus_garde if r.get("dateNaissance") == m.date_naissance.isoformat()), {})
                bloc = {"dateNaissance": m.date_naissance.isoformat()}
                if "sexe" in recu:
                    bloc["sexe"] = recu["sexe"]
                bloc["coParentalite"] = _cle_code(codes.national("ListeCoparentalite", m.garde))
                en_garde.append(bloc)
            else:
                recu = next((r for r in recus_charge if r.get("dateNaissance") == m.date_naissance.isoformat()), {})
                bloc = {
                    "nom": self.texte(m.nom, 24, "nom d'une personne à charge"),
                    "prenom": self.texte(m.prenom, 24, "prénom d'une personne à charge"),
                    "dateNaissance": m.date_naissance.isoformat(),
                }
                if "sexe" in recu:
                    bloc["sexe"] = recu["sexe"]
                bloc["lienParente"] = _cle_code(codes.national("ListeLienParente", m.lien))
                a_charge.append(bloc)
        if a_charge:
            pp["listePersonneACharge"] = {"personneACharge": a_charge}
        if a_naitre:
            dates = sorted({m.date_naissance for m in a_naitre})
            if len(dates) > 1:
                self.avertissements.append("enfants à naître à plusieurs dates : la première est écrite.")
            pp["personneANaitre"] = {"nombre": min(len(a_naitre), 9), "dateNaissancePrevue": dates[0].isoformat()}
        if en_garde:
            pp["listePersonneEnGarde"] = {"personneEnGarde": en_garde}
        cotitulaires = self.cotitulaires()
        if cotitulaires:
            pp["listeCotitulaire"] = {"cotitulaire": cotitulaires}
        pp["logementActuel"] = self.logement_actuel()
        return pp

    def logement_actuel(self) -> dict:
        d = self.demande
        recu = copy.deepcopy(self.pp_recu.get("logementActuel") or {})
        modeles_recus = [_code_de(m) for m in _liste((recu.get("listeModeleLogement") or {}).get("modeleLogement"))]
        if (
            modeles_recus
            and codes.plateforme("ListeModeleLogement", modeles_recus[0] or "") == d.logement_actuel
            and ("HLM" in modeles_recus) == d.est_mutation
        ):
            modeles = modeles_recus
        else:
            modeles = [codes.national("ListeModeleLogement", d.logement_actuel)]
            if d.est_mutation and modeles[0] != "HLM":
                modeles.append("HLM")
        bloc = recu or {}
        bloc["listeModeleLogement"] = {"modeleLogement": [_cle_code(c) for c in modeles]}
        bloc.pop("montantMensuelLoyer", None)
        if d.loyer_actuel is not None:
            bloc["montantMensuelLoyer"] = min(int(d.loyer_actuel.to_integral_value()), 9999)
        aides = sum((r.montant_mensuel for r in self.ressources if r.nature in Ressource.NATURES_EXCLUES), Decimal(0))
        bloc.pop("montantMensuelAPL", None)
        if aides:
            bloc["montantMensuelAPL"] = min(int(aides.to_integral_value()), 9999)
        bloc["proprietaire"] = d.logement_actuel == Demande.LogementActuel.PROPRIETAIRE
        if "codePostal" not in bloc and "codePostalEtranger" not in bloc:
            bloc.update(self.localite())
        return bloc

    def logement_recherche(self) -> dict | None:
        d = self.demande
        recu = copy.deepcopy(self.dl_recu.get("logementRecherche") or {})
        communes = list(d.communes_souhaitees.order_by("code_insee").values_list("code_insee", flat=True))
        if not d.typologies or not communes:
            if d.typologies or communes:
                self.avertissements.append(
                    "souhaits non écrits : le format national exige au moins une typologie et une commune."
                )
            return None
        types_recus = [_code_de(t) for t in _liste((recu.get("listeTypeLogement") or {}).get("typeLogement"))]
        if list(dict.fromkeys(codes.plateforme("ListeTypeLogement", t or "") for t in types_recus)) != d.typologies:
            types_recus = [codes.national("ListeTypeLogement", t) for t in d.typologies]
        localisations = _liste((recu.get("listeLocalisationSouhaite") or {}).get("localisationSouhaite"))
        if sorted({_code_de(x.get("commune")) for x in localisations}) != communes:
            localisations = [{"commune": _cle_code(c)} for c in communes]
        bloc = recu
        bloc.setdefault("demandeElargie", False)
        bloc["listeTypeLogement"] = {"typeLogement": [_cle_code(t) for t in types_recus]}
        bloc["listeLocalisationSouhaite"] = {"localisationSouhaite": localisations}
        bloc.pop("montantLoyer", None)
        if d.loyer_max is not None:
            bloc["montantLoyer"] = min(d.loyer_max, 9999)
        return bloc

    def motifs(self) -> dict | None:
        d = self.demande
        recu = copy.deepcopy(self.dl_recu.get("principauxMotifDemande") or {})
        codes_recus = [_code_de(m) for m in _liste(recu.get("motifDemande"))]
        if list(dict.fromkeys(codes.plateforme("ListeMotifDemande", c or "") for c in codes_recus)) != d.motifs:
            codes_recus = [codes.national("ListeMotifDemande", m) for m in d.motifs]
        if not codes_recus:
            return None
        recu["motifDemande"] = [_cle_code(c) for c in codes_recus]
        return recu

    def handicap(self) -> dict | None:
        d = self.demande
        recu = self.dl_recu.get("listeHandicap")
        if (
            recu is not None
            and self.lu is not None
            and (
                self.lu.donnees["accessibilite_pmr"],
                self.lu.donnees["ascenseur_requis"],
                self.lu.donnees["besoin_adaptation"],
            )
            == (d.accessibilite_pmr, d.ascenseur_requis, d.besoin_adaptation)
        ):
            return recu
        if not (d.accessibilite_pmr or d.ascenseur_requis or d.besoin_adaptation):
            return None
        handicap: dict = {}
        if d.accessibilite_pmr:
            handicap["listeAideTechniqueHandicap"] = {"aideTechniqueHandicap": [_cle_code("4")]}
        if d.ascenseur_requis:
            handicap["listeEquipementHandicap"] = {"equipementHandicap": [_cle_code("4")]}
        if d.besoin_adaptation:
            handicap["besoinParticulier"] = self.texte(d.besoin_adaptation, 132, "besoin d'adaptation")
        return {"handicap": [handicap]}

    def radiation(self) -> dict | None:
        d = self.demande
        if d.statut != "RADIEE":
            return None
        recu = copy.deepcopy(self.dl_recu.get("radiation") or {})
        code = codes.national("ListeMotifsRadiation", d.motif_radiation, _code_de(recu.get("motifRadiation")))
        bloc: dict = {"dateRadiation": d.date_radiation.isoformat(), "motifRadiation": _cle_code(code)}
        if code == "RADIRR" and "sousMotifIrrecevabilite" in recu:
            bloc["sousMotifIrrecevabilite"] = recu["sousMotifIrrecevabilite"]
        if code == "RADATT":
            attribution = self.attribution(recu.get("attributionLogement"))
            if attribution:
                bloc["attributionLogement"] = attribution
        return bloc

    def attribution(self, recu: dict | None) -> dict | None:
        decision = (
            DecisionCaleol.objects.filter(numero_unique=self.demande.numero_unique, date_bail__isnull=False)
            .select_related("logement", "bailleur", "reservataire")
            .order_by("-date_bail", "-pk")
            .first()
        )
        if decision is None or not est_attribution(decision.type_decision):
            return recu
        if decision.reservataire_a_qualifier:
            type_national = "COLTER" if decision.reservataire.code == "SNE-COLTER" else "AUTRES"
        else:
            type_national = codes.national("ListeTypeReservataire", decision.reservataire.type)
        bloc = copy.deepcopy(recu) if recu else {"accordCollectif": _cle_code("NONDOC")}
        bloc.update(
            {
                "dateSignatureBail": decision.date_bail.isoformat(),
                "dejaLogeParcBailleur": _cle_code("OUI" if decision.mutation else "NON"),
                "numeroRpls": decision.logement.identifiant[:10],
                "typeReservataire": _cle_code(type_national),
                "codeSirenBailleur": decision.bailleur.siren,
                "typeLogement": _cle_code(codes.national("ListeTypeLogementRPLS", decision.typologie)),
            }
        )
        if decision.dalo:
            bloc["attribueEnComDALO"] = True
        return bloc

    def document(self, type_fichier: str | None) -> dict:
        d = self.demande
        dl: dict = {
            "numGuichet": (self.dossier.numero_guichet if self.dossier else "") or f"P{d.guichet_id}"[:5],
        }
        if d.numero_national:
            dl["numUnique"] = d.numero_national
        for cle in ("numUniqueAssocie",):
            if cle in self.dl_recu:
                dl[cle] = self.dl_recu[cle]
        dl["refInterne"] = d.numero_unique
        dl["dateCreationDemande"] = d.date_depot.isoformat()
        for cle in ("forcerDoublon", "renouvellementElec", "informationTraitement"):
            if cle in self.dl_recu:
                dl[cle] = self.dl_recu[cle]
        dl["precision"] = self.texte(d.commentaire, 255, "précisions")
        recherche = self.logement_recherche()
        if recherche:
            dl["logementRecherche"] = recherche
        motifs = self.motifs()
        if motifs:
            dl["principauxMotifDemande"] = motifs
        dl["personnePhysique"] = self.personne_physique()
        handicap = self.handicap()
        if handicap:
            dl["listeHandicap"] = handicap
        if d.date_dernier_renouvellement:
            dl["renouvellement"] = {"dateRenouvellement": d.date_dernier_renouvellement.isoformat()}
        radiation = self.radiation()
        if radiation:
            dl["radiation"] = radiation
        demande: dict = {}
        dalo = d.decisions_dalo.filter(prioritaire_urgent=True).order_by("-date_decision").first()
        recu_dalo = copy.deepcopy(self.recu.get("informationDalo") or {})
        if dalo is not None:
            statut = codes.national("ListeStatutDalo", "DALO", _code_de(recu_dalo.get("statutDalo")))
            recu_dalo.update({"statutDalo": _cle_code(statut), "dateDecisionDalo": dalo.date_decision.isoformat()})
            demande["informationDalo"] = recu_dalo
        elif recu_dalo and codes.plateforme("ListeStatutDalo", _code_de(recu_dalo.get("statutDalo")) or "NON") is None:
            demande["informationDalo"] = recu_dalo
        demande["demandeLogement"] = dl
        if type_fichier is None:
            type_fichier = "RAD" if d.statut == "RADIEE" else "MOD" if self.dossier else "CRE"
        return {
            "@versionInterface": VERSION_EXPORT,
            "entete": {"typeFichier": type_fichier, "dateFichier": timezone.now().isoformat(timespec="seconds")},
            "demande": demande,
        }


def exporter(demande: Demande, *, type_fichier: str | None = None) -> Export:
    """The demand as an ``interfaceNuu`` 02.01 file; raises if the result did not validate (never sent)."""
    ecrivain = _Ecrivain(demande)
    document = ecrivain.document(type_fichier)
    contenu = vers_xml(document, VERSION_EXPORT)
    return Export(contenu=contenu, avertissements=list(dict.fromkeys(ecrivain.avertissements)))
