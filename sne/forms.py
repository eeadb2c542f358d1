from django import forms

TAILLE_MAX = 5 * 1024 * 1024  # a demand's file is a few kilobytes


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier du système national (XML interfaceNuu)",
        help_text="Une demande par fichier, versions 02.00 ou 02.01. Le fichier est validé contre le schéma "
        "national puis importé en entier ou pas du tout ; le réimporter ne change rien.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : ce n'est pas un fichier de demande.")
        if not fichier.name.lower().endswith(".xml"):
            raise forms.ValidationError("Le fichier doit être un XML (extension .xml).")
        return fichier
