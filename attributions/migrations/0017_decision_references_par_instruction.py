"""A decision's dwelling and holder: one set-based check per statement instead of row-by-row foreign keys.

A foreign key checks each inserted row with its own query (about 1.3-3.5 s per 100,000 decisions at the commit
of an F1 import, measured). The triggers below keep the database's guarantee with one query per statement on
the statement's rows (a transition table): every dwelling and holder a new or changed decision names must exist,
and is locked FOR KEY SHARE as a foreign key would lock it, so a concurrent deletion waits and then fails; a
dwelling or holder a decision names cannot be deleted, have its id changed, or be truncated away.
PostgreSQL only (SQLite, for the demo and the fast tests, relies on the ORM's on_delete=PROTECT). docs/adr/0009.
"""

import django.db.models.deletion
from django.db import migrations, models

DECISIONS = "attributions_decisioncaleol"
REFERENCES = (
    ("logement_id", "attributions_logement", "logement"),
    ("reservataire_id", "cil_reservataire", "réservataire"),
)

CREER = f"""
CREATE FUNCTION attributions_decision_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  attendus bigint;
  trouves bigint;
  manquant bigint;
BEGIN
  SELECT count(DISTINCT logement_id) INTO attendus FROM nouvelles;
  SELECT count(*) INTO trouves FROM (
    SELECT 1 FROM attributions_logement l WHERE l.id IN (SELECT logement_id FROM nouvelles) FOR KEY SHARE OF l
  ) v;
  IF trouves < attendus THEN
    SELECT n.logement_id INTO manquant FROM nouvelles n
      WHERE NOT EXISTS (SELECT 1 FROM attributions_logement l WHERE l.id = n.logement_id) LIMIT 1;
    RAISE EXCEPTION 'décision : le logement % n''existe pas.', manquant USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT count(DISTINCT reservataire_id) INTO attendus FROM nouvelles;
  SELECT count(*) INTO trouves FROM (
    SELECT 1 FROM cil_reservataire r WHERE r.id IN (SELECT reservataire_id FROM nouvelles) FOR KEY SHARE OF r
  ) v;
  IF trouves < attendus THEN
    SELECT n.reservataire_id INTO manquant FROM nouvelles n
      WHERE NOT EXISTS (SELECT 1 FROM cil_reservataire r WHERE r.id = n.reservataire_id) LIMIT 1;
    RAISE EXCEPTION 'décision : le réservataire % n''existe pas.', manquant USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER decision_references_insert AFTER INSERT ON {DECISIONS}
  REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION attributions_decision_references();
CREATE TRIGGER decision_references_update AFTER UPDATE ON {DECISIONS}
  REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION attributions_decision_references();
"""

for colonne, table, nom in REFERENCES:
    CREER += f"""
CREATE FUNCTION {table}_refs_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cite bigint;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    SELECT {colonne} INTO cite FROM {DECISIONS} LIMIT 1;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT d.{colonne} INTO cite FROM {DECISIONS} d WHERE d.{colonne} IN (SELECT id FROM anciennes) LIMIT 1;
  ELSE
    SELECT d.{colonne} INTO cite FROM {DECISIONS} d WHERE d.{colonne} = OLD.id LIMIT 1;
  END IF;
  IF FOUND THEN
    RAISE EXCEPTION '{nom} % : des décisions de CALEOL le citent.', cite USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {table}_refs_decisions_delete AFTER DELETE ON {table}
  REFERENCING OLD TABLE AS anciennes FOR EACH STATEMENT EXECUTE FUNCTION {table}_refs_decisions();
CREATE TRIGGER {table}_refs_decisions_id AFTER UPDATE OF id ON {table}
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {table}_refs_decisions();
CREATE TRIGGER {table}_refs_decisions_truncate AFTER TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {table}_refs_decisions();
"""

SUPPRIMER = f"""
DROP TRIGGER decision_references_insert ON {DECISIONS};
DROP TRIGGER decision_references_update ON {DECISIONS};
DROP FUNCTION attributions_decision_references();
""" + "".join(
    f"""
DROP TRIGGER {table}_refs_decisions_delete ON {table};
DROP TRIGGER {table}_refs_decisions_id ON {table};
DROP TRIGGER {table}_refs_decisions_truncate ON {table};
DROP FUNCTION {table}_refs_decisions();
"""
    for _, table, _ in REFERENCES
)


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREER, params=None)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUPPRIMER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("attributions", "0016_decision_a_qualifier"),
        ("cil", "0009_contour_commune"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decisioncaleol",
            name="logement",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="attributions.logement",
            ),
        ),
        migrations.AlterField(
            model_name="decisioncaleol",
            name="reservataire",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="cil.reservataire",
            ),
        ),
        migrations.RunPython(creer, supprimer),
    ]
