"""The national record (``DossierSne.donnees``, about 5 KB of JSON a demand) compressed with lz4 instead of
PostgreSQL's default pglz: the bulk import spent about half of that table's COPY compressing it (bench/NOTES.md,
SNE section). PostgreSQL only (14 and later, built with lz4, as Debian's and the official images are); rows
already stored keep their compression until rewritten."""

from django.db import migrations


def lz4(apps, schema_editor):
    connexion = schema_editor.connection
    if connexion.vendor != "postgresql":
        return
    with connexion.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        ligne = cursor.fetchone()
        if ligne and ligne[0]:
            cursor.execute("ALTER TABLE sne_dossiersne ALTER COLUMN donnees SET COMPRESSION lz4")


def pglz(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sne_dossiersne ALTER COLUMN donnees SET COMPRESSION pglz")


class Migration(migrations.Migration):
    dependencies = [("sne", "0003_types_evenements_echange")]

    operations = [migrations.RunPython(lz4, pglz)]
