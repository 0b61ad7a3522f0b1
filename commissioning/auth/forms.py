import re
from collections.abc import Callable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from commissioning.auth.passwords import MAX_LENGTH, MIN_LENGTH, TOO_LONG, password_problem


def current_password_field(label: str, missing: str):
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[DataRequired(message=missing), Length(max=MAX_LENGTH, message=TOO_LONG)],
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = current_password_field("Password", "Enter your password")
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class AcceptablePassword:
    """Refuses a new password too short, too long, common or otherwise easy to guess."""

    def __init__(self, email_of: Callable[[FlaskForm], str]):
        self.email_of = email_of

    def __call__(self, form: FlaskForm, field) -> None:
        if problem := password_problem(field.data, self.email_of(form) or ""):
            raise ValidationError(problem)


def new_password_field(label: str, missing: str, email_of: Callable[[FlaskForm], str]):
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=f"At least {MIN_LENGTH} characters. 3 random words make a password that is "
        "long and hard to guess.",
        validators=[
            DataRequired(message=missing),
            AcceptablePassword(email_of),
        ],
    )


class ChangePasswordForm(FlaskForm):
    """Set `account_email` before validating: the new password must not use it."""

    account_email = ""
    current_password = current_password_field("Current password", "Enter your current password")
    new_password = new_password_field(
        "New password", "Enter a new password", lambda form: form.account_email
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Confirm your new password"),
            EqualTo("new_password", message="Enter the same password twice"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


def _without_spaces(value: str | None) -> str | None:
    """Apps show codes as "123 456"; people type them either way."""
    return re.sub(r"\s", "", value) if value else value


class SecurityCodeForm(FlaskForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows for Hearth.",
        filters=[_without_spaces],
        validators=[
            DataRequired(message="Enter the security code"),
            Regexp(r"^[0-9]{6}\Z", message="Enter the security code as 6 digits, like 123456"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
