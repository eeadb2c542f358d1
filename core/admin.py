from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts; cil.admin replaces it with a version scoped to the territories of EPCI staff."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


from .models import TacheExecution  # noqa: E402


@admin.register(TacheExecution)
class TacheExecutionAdmin(admin.ModelAdmin):
    list_display = ("nom", "statut", "debut", "fin", "acteur")
    list_filter = ("statut", "nom")
    search_fields = ("nom",)
    readonly_fields = [f.name for f in TacheExecution._meta.fields]

    def get_queryset(self, request):
        # The journal names who launched what: a non-superuser reads the jobs they launched themselves.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(acteur=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
