"""Every model registered in the admin opens (list and add form) for a platform administrator, in French."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser(username="root", password="x", email="root@example.org")
    client.force_login(user)
    return client


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: (item[0]._meta.app_label, item[0]._meta.model_name))


@pytest.mark.parametrize(("model", "model_admin"), _registered(), ids=lambda v: getattr(v, "__name__", ""))
def test_admin_liste_et_formulaire(superuser_client, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    response = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    if model_admin.has_add_permission(response.wsgi_request):
        assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
