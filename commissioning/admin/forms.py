from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import EmailField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from commissioning.auth.forms import new_password_field
from commissioning.forms import Choice, Choices, RadioChoice, text_field
from commissioning.vocabulary import Role

NONE = SelectChoice("", "None")


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
    role = RadioChoice("Role", Role, message="Select a role")
    la_code = Choice(
        "Local authority",
        {},
        message="Select a local authority from the list",
        validators=[],
        default="",
    )
    consortium_id = Choice(
        "Consortium",
        {},
        message="Select a consortium from the list",
        validators=[],
        default="",
    )
    provider_id = Choice(
        "Provider (owner organisation)",
        {},
        message="Select a provider from the list",
        validators=[],
        default="",
    )
    password = new_password_field(
        "Initial password", "Enter an initial password", lambda form: form.email.data
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def set_scopes(self, local_authorities, consortia, providers) -> None:
        self.la_code.choices = scope_choices((la.code, la.name) for la in local_authorities)
        self.consortium_id.choices = scope_choices((c.id, c.name) for c in consortia)
        self.provider_id.choices = scope_choices((p.id, p.name) for p in providers)

    def validate_la_code(self, field):
        if self.role.data == Role.COMMISSIONER and not field.data:
            raise ValidationError("Select the local authority the commissioner works for")

    def validate_provider_id(self, field):
        if self.role.data == Role.PROVIDER and not field.data:
            raise ValidationError("Select the provider the account belongs to")
        if self.role.data != Role.PROVIDER and field.data:
            raise ValidationError("Only provider accounts belong to a provider")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    home = text_field("Home URN", limit=12)
    user = text_field("User email address", limit=254)
    submit = SubmitField("Filter", widget=GovSubmitInput())


class TwoFactorRolesForm(FlaskForm):
    roles = Choices(
        "Which roles must use two-factor authentication?",
        Role,
        message="Select roles from the list",
        description="People in these roles set up an authenticator app the next time they sign "
        "in, before they can do anything else. A service holding children's records should "
        "require it of every role.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
