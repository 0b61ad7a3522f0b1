from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from commissioning import vocabulary
from commissioning.auth.forms import new_password_field

NONE = SelectChoice("", "None")
ROLE_CHOICES = [SelectChoice(value, text) for value, text in vocabulary.ROLES.items()]


def scope_choices(options) -> list[SelectChoice]:
    return [NONE, *(SelectChoice(str(value), text) for value, text in options)]


class NewUserForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[InputRequired(message="Select a role")],
    )
    la_code = SelectField("Local authority", widget=GovSelect(), default="")
    consortium_id = SelectField("Consortium", widget=GovSelect(), default="")
    provider_id = SelectField("Provider (owner organisation)", widget=GovSelect(), default="")
    password = new_password_field(
        "Initial password", "Enter an initial password", lambda form: form.email.data
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def set_scopes(self, local_authorities, consortia, providers) -> None:
        self.la_code.choices = scope_choices((la.code, la.name) for la in local_authorities)
        self.consortium_id.choices = scope_choices((c.id, c.name) for c in consortia)
        self.provider_id.choices = scope_choices((p.id, p.name) for p in providers)

    def validate_la_code(self, field):
        if self.role.data == "commissioner" and not field.data:
            raise ValidationError("Select the local authority the commissioner works for")

    def validate_provider_id(self, field):
        if self.role.data == "provider" and not field.data:
            raise ValidationError("Select the provider the account belongs to")
        if self.role.data != "provider" and field.data:
            raise ValidationError("Only provider accounts belong to a provider")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    home = StringField(
        "Home URN",
        widget=GovTextInput(),
        validators=[Length(max=12, message="URN must be 12 characters or fewer")],
    )
    user = StringField(
        "User email address",
        widget=GovTextInput(),
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


class RoleChoices(SelectMultipleField):
    def pre_validate(self, form) -> None:
        if any(role not in vocabulary.ROLES for role in self.data or ()):
            raise ValidationError("Select roles from the list")


class TwoFactorRolesForm(FlaskForm):
    roles = RoleChoices(
        "Which roles must use two-factor authentication?",
        widget=GovCheckboxesInput(),
        description="People in these roles set up an authenticator app the next time they sign "
        "in, before they can do anything else. A service holding children's records should "
        "require it of every role.",
        choices=ROLE_CHOICES,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
