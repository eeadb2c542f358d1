"""Django's SQLite back-end, unordered queries in random order (see tests.ordre_aleatoire)."""
