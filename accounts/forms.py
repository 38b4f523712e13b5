from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "The username or password is not right. Both are case-sensitive.",
        "inactive": "This account is not active. Contact your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django autofocuses the username; keyboard users must meet the skip link and notice first.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self) -> str:
        # AuthenticationForm sets max_length without its validator; an over-long
        # name must stop here, before it reaches the lockout table.
        username = self.cleaned_data["username"]
        if len(username) > self.username_field.max_length:
            raise forms.ValidationError("That username is too long.")
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if len(password) > 1024:
            raise forms.ValidationError("That password is too long.")
        return password


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isalnum():
            raise forms.ValidationError("Enter the code using letters and digits only.")
        return token


class EnrolForm(TokenForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="Enter the 6-digit code your app shows after you add the account.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def clean_token(self) -> str:
        token = super().clean_token()
        if not token.isdigit():
            raise forms.ValidationError("The code is 6 digits.")
        return token


class AccessGrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("refuse", "Refuse")], widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        cleaned["confirm"] = cleaned.get("decision") == "confirm"
        return cleaned
