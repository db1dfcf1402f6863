"""The login form: Django's, with the username's length enforced before anything
is looked up or logged (django-axes records failed usernames in a 255-character
column, and a longer one was a database error on PostgreSQL)."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm puts the limit on the widget only.
        field = self.fields["username"]
        field.max_length = int(field.widget.attrs.get("maxlength") or 150)
        field.validators.append(MaxLengthValidator(field.max_length))
