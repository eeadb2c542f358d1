from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


from .models import TacheExecution  # noqa: E402


@admin.register(TacheExecution)
class TacheExecutionAdmin(admin.ModelAdmin):
    list_display = ("nom", "statut", "debut", "fin", "acteur")
    list_filter = ("statut", "nom")
    search_fields = ("nom",)
    readonly_fields = [f.name for f in TacheExecution._meta.fields]

    def has_add_permission(self, request):
        return False
