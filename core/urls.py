from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import forms, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # Mon compte: second factor (TOTP), password change
    path("compte/", views.compte, name="compte"),
    path("exports/", views.exports_differes, name="exports"),
    path("exports/<int:pk>/", views.export_differe, name="export"),
    path("exports/<int:pk>/fichier/", views.export_differe_fichier, name="export_fichier"),
    path("compte/second-facteur/activer/", views.second_facteur_activer, name="second_facteur_activer"),
    path("compte/second-facteur/code-qr.svg", views.second_facteur_qr, name="second_facteur_qr"),
    path("compte/second-facteur/verifier/", views.second_facteur_verifier, name="second_facteur_verifier"),
    path("compte/second-facteur/desactiver/", views.second_facteur_desactiver, name="second_facteur_desactiver"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm, success_url=reverse_lazy("core:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Forgotten password: a link by e-mail
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            success_url=reverse_lazy("core:password_reset_done"),
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm, success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The API authenticates by session only: this is how a partner's system opens one.
    path("api/session/", views.api_session, name="api_session"),
    path("confidentialite/", views.confidentialite, name="confidentialite"),
]
