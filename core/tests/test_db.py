"""Portable SQL expressions give the same answer on SQLite and PostgreSQL (the suite runs on both)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import DateField, DecimalField, IntegerField, Value

from core.db import DureeJours, Quotient
from core.models import User

pytestmark = pytest.mark.django_db

MONTANT = DecimalField(max_digits=14, decimal_places=4)


@pytest.mark.parametrize(
    ("numerateur", "denominateur", "attendu"),
    [
        (Value(450, output_field=IntegerField()), Value(1800, output_field=IntegerField()), Decimal("0.25")),
        (Value(Decimal("450.00"), output_field=MONTANT), Value(Decimal("1800.00"), output_field=MONTANT), "0.25"),
        (Value(Decimal("1"), output_field=MONTANT), Value(Decimal("3"), output_field=MONTANT), "0.3333"),
        (Value(Decimal("2000"), output_field=MONTANT), Value(Decimal("1000"), output_field=MONTANT), "2"),
    ],
)
def test_quotient_jamais_une_division_entiere(numerateur, denominateur, attendu):
    User.objects.create_user(username="u", password="x")
    valeur = User.objects.annotate(q=Quotient(numerateur, denominateur)).values_list("q", flat=True).get()
    assert Decimal(str(valeur)).quantize(Decimal("0.0001")) == Decimal(attendu).quantize(Decimal("0.0001"))


def test_duree_en_jours():
    User.objects.create_user(username="u", password="x")
    debut = Value(dt.date(2026, 3, 2), output_field=DateField())
    fin = Value(dt.date(2026, 6, 1), output_field=DateField())
    assert User.objects.annotate(d=DureeJours(fin, debut)).values_list("d", flat=True).get() == 91


def test_ordre_alphabetique_francais_sur_les_deux_bases():
    """Accented names sort with their letter ("Échirolles" before "Vizille")."""
    from cil.models import Commune, Epci
    from core.db import cle_fr, ordre_fr

    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole", type=Epci.Type.METROPOLE)
    noms = ["Vizille", "Échirolles", "Eybens", "Grenoble", "Le Gua", "Œuilly", "Ornon", "eybens-bas"]
    for i, nom in enumerate(noms):
        Commune.objects.create(code_insee=f"38{i:03d}", nom=nom, departement="38", epci=epci)
    attendu = ["Échirolles", "Eybens", "eybens-bas", "Grenoble", "Le Gua", "Œuilly", "Ornon", "Vizille"]
    assert sorted(noms, key=cle_fr) == attendu
    assert list(Commune.objects.values_list("nom", flat=True)) == attendu  # the model's default ordering
    assert list(epci.communes.order_by(ordre_fr("nom", descending=True)).values_list("nom", flat=True)) == attendu[::-1]


@pytest.mark.parametrize(
    ("valeurs", "fraction", "attendu"),
    [
        ([10], 0.5, 10.0),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.8, 3.4),
        ([30, 10, 20], 0.5, 20.0),
        ([0, 100], 0.8, 80.0),
        ([5, 5, 5, 7, 400], 0.8, 85.6),
    ],
)
def test_centile_comme_percentile_cont_sur_les_deux_bases(valeurs, fraction, attendu):
    """core.db.Percentile gives PostgreSQL's percentile_cont on PostgreSQL and SQLite, per group, in SQL."""
    from django.db.models import Count

    from cil.models import Commune, Epci
    from core.db import Percentile, percentile_cont

    assert percentile_cont(valeurs, fraction) == pytest.approx(attendu)
    epci = Epci.objects.create(siren="200040715", nom="Grenoble-Alpes-Métropole")
    autre = Epci.objects.create(siren="243800604", nom="Pays Voironnais")
    for i, v in enumerate(valeurs):
        Commune.objects.create(code_insee=f"38{i:03d}", nom=f"C{i}", departement="38", epci=epci, population=v)
    Commune.objects.create(code_insee="38999", nom="Voiron", departement="38", epci=autre, population=99999)
    lignes = (
        Commune.objects.values("epci__siren")
        .annotate(n=Count("pk"), p=Percentile("population", fraction))
        .order_by("epci__siren")
    )
    assert [(r["epci__siren"], r["n"], pytest.approx(r["p"])) for r in lignes] == [
        ("200040715", len(valeurs), attendu),
        ("243800604", 1, 99999.0),
    ]
    assert Commune.objects.filter(epci=autre, population__lt=0).aggregate(p=Percentile("population", 0.5))["p"] is None


@pytest.mark.django_db
def test_statistiques_du_planificateur_apres_une_ecriture_en_masse():
    """After a bulk write the planner knows the table's real size (autovacuum may be off or not have run)."""
    from django.db import connection

    from core.db import mettre_a_jour_statistiques

    User.objects.bulk_create([User(username=f"lot{i}") for i in range(300)])
    mettre_a_jour_statistiques()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_user'")
        else:
            cursor.execute("SELECT CAST(substr(stat, 1, instr(stat, ' ') - 1) AS REAL) FROM sqlite_stat1 "
                           "WHERE tbl = 'core_user' AND idx IS NOT NULL")  # fmt: skip
        assert cursor.fetchone()[0] >= 300


@pytest.mark.parametrize(
    ("jours", "mois"),
    [(None, None), (0, 0.0), (30.4375, 1.0), (365.25, 12.0), (Decimal("91.3125"), 3.0), (45, 45 / 30.4375)],
)
def test_une_duree_en_jours_en_mois_de_365_25_sur_12_jours(jours, mois):
    from core.durees import en_mois

    assert en_mois(jours) == pytest.approx(mois) if mois is not None else en_mois(jours) is None


def test_nombre_de_lignes_liees_sur_une_page(monde_demandes):
    """nombre_de: the related rows of each outer row, 0 when none, the same as annotate(Count) on both databases,
    on a sorted and limited page."""
    from django.db.models import Count

    from core.db import nombre_de
    from demandes.models import Demande, MembreMenage
    from demandes.tests.factories import creer_demande

    for n in (0, 1, 3):
        demande = creer_demande(monde_demandes.guichet, nom=f"Compte{n}")
        for i in range(n):
            demande.membres.create(lien="ENFANT", nom="X", prenom=f"E{i}", date_naissance=dt.date(2015, 1, 1 + i))
    qs = Demande.objects.filter(nom__startswith="Compte").order_by("-nom")
    avec = list(qs.annotate(n=nombre_de(MembreMenage.objects.all(), "demande")).values_list("nom", "n")[:2])
    assert avec == [("Compte3", 3), ("Compte1", 1)]
    par_jointure = dict(qs.annotate(n=Count("membres")).values_list("nom", "n"))
    assert dict(qs.annotate(n=nombre_de(MembreMenage.objects.all(), "demande")).values_list("nom", "n")) == par_jointure
    assert par_jointure["Compte0"] == 0


@pytest.mark.parametrize(
    "instant_utc, compte",
    [
        ("2026-01-31T22:59:59", False),  # 23:59:59 in Paris on 31 January: the day before
        ("2026-01-31T23:00:00", True),  # midnight in Paris on 1 February (winter, UTC+1)
        ("2026-02-28T22:59:59", True),  # 23:59:59 on the last day
        ("2026-02-28T23:00:00", False),  # midnight after the last day
        ("2026-06-30T21:59:59", True),  # summer (UTC+2): 23:59:59 on 30 June
        ("2026-06-30T22:00:00", False),
    ],
)
def test_jours_locaux_borne_la_colonne_aux_jours_de_paris(instant_utc, compte, settings):
    """core.db.jours_locaux: the rows of local days, by a range on the column itself (index-friendly), the same
    rows as ``champ__date`` gives (the local date of each row)."""
    from core.db import jours_locaux
    from core.models import ExportDiffere

    assert settings.TIME_ZONE == "Europe/Paris"
    instant = dt.datetime.fromisoformat(instant_utc).replace(tzinfo=dt.UTC)
    user = User.objects.create_user(username="u")
    export = ExportDiffere.objects.create(utilisateur=user, producteur="p", titre="t", nom_fichier="f.csv")
    ExportDiffere.objects.filter(pk=export.pk).update(cree_le=instant)
    fin = dt.date(2026, 6, 30) if instant.month >= 6 else dt.date(2026, 2, 28)
    debut = dt.date(2026, 6, 1) if instant.month >= 6 else dt.date(2026, 2, 1)
    par_plage = ExportDiffere.objects.filter(jours_locaux("cree_le", debut, fin)).exists()
    par_date = ExportDiffere.objects.filter(cree_le__date__gte=debut, cree_le__date__lte=fin).exists()
    assert par_plage == par_date == compte
