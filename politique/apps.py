from django.apps import AppConfig


class PolitiqueConfig(AppConfig):
    name = "politique"
    verbose_name = "Documents de la politique d'attribution"
