"""Forms: the dashboards' area filter, and a needs analysis uploaded or entered line by line.
Every field says what is wrong with it, GOV.UK style."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from commissioning.vocabulary import NEEDS
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES
from sufficiency.needs_file import LARGEST_COUNT, LARGEST_SPEND, period_problem
from sufficiency.queries import AreaChoices

EVERYWHERE = SelectChoice("", "All in your area")


class ChoiceMessage:
    """A choice field whose value is not among its choices says so in GOV.UK words, not
    WTForms' "Not a valid choice"."""

    def __init__(self, *args, not_a_choice: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_a_choice = not_a_choice

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.not_a_choice) from None


class ListField(ChoiceMessage, SelectField):
    pass


class OptionsField(ChoiceMessage, RadioField):
    pass


class AreaFilterForm(FlaskForm):
    """Region, consortium and authority, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    region = ListField(
        "Region", widget=GovSelect(), default="", not_a_choice="Choose a region from the list"
    )
    consortium = ListField(
        "Consortium",
        widget=GovSelect(),
        default="",
        not_a_choice="Choose a consortium from the list",
    )
    la = ListField(
        "Local authority",
        widget=GovSelect(),
        default="",
        not_a_choice="Choose a local authority from the list",
    )
    period = ListField(
        "Period", widget=GovSelect(), default="", not_a_choice="Choose a period from the list"
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def set_choices(self, choices: AreaChoices, periods: list[str] | None = None) -> None:
        for field, options in (
            (self.region, choices.regions),
            (self.consortium, choices.consortia),
            (self.la, choices.authorities),
        ):
            field.choices = [EVERYWHERE, *(SelectChoice(value, name) for value, name in options)]
        self.period.choices = [SelectChoice(period, period) for period in periods or [""]]

    def chosen(self) -> dict[str, str]:
        """The valid choices made; a bad value is left out (and shows its error)."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name in ("region", "consortium", "la", "period") and field.data and not field.errors
        }


class WholeNumberField(IntegerField):
    """An IntegerField that leaves a bad value to its validators' messages, not WTForms'."""

    def process_formdata(self, valuelist):
        text = valuelist[0].replace(",", "").strip() if valuelist else ""
        self.data = int(text) if text.isdigit() else None


def whole_number(label: str, largest: int) -> WholeNumberField:
    return WholeNumberField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=f"Enter {label.lower()}"),
            NumberRange(
                min=0,
                max=largest,
                message=f"{label} must be a whole number from 0 to {largest:,}",
            ),
        ],
    )


class NeedsAuthorityForm(FlaskForm):
    la = ListField(
        "Local authority",
        not_a_choice="Choose a local authority you write needs analyses for",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose the local authority")],
    )

    def set_authorities(self, authorities: list[tuple[str, str]], own: str | None) -> None:
        """The authorities the user may write for; their own chosen until they choose."""
        self.la.choices = [SelectChoice(code, name) for code, name in authorities]
        if not self.is_submitted() and own in dict(authorities):
            self.la.data = own


class NeedsUploadForm(NeedsAuthorityForm):
    needs_file = FileField(
        "Needs analysis (CSV)",
        widget=GovFileInput(),
        validators=[InputRequired(message="Choose a CSV file of your needs analysis")],
    )
    submit = SubmitField("Upload", widget=GovSubmitInput())


class NeedsLineForm(NeedsAuthorityForm):
    period = StringField(
        "Period (financial year)",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the period"),
        ],
    )
    need_category = ListField(
        "Need",
        not_a_choice="Choose a need from the list",
        widget=GovSelect(),
        choices=[SelectChoice(token, name) for token, name in NEEDS.items()],
        validators=[InputRequired(message="Choose the need")],
    )
    placement_type = OptionsField(
        "Placement type",
        not_a_choice="Choose the placement type",
        widget=GovRadioInput(),
        choices=[SelectChoice(token, name) for token, name in PLACEMENT_TYPES.items()],
        validators=[InputRequired(message="Choose the placement type")],
    )
    projected_children = whole_number("Projected number of children", LARGEST_COUNT)
    current_placements = whole_number("Current placements", LARGEST_COUNT)
    current_annual_spend = whole_number("Current annual spend in pounds", LARGEST_SPEND)
    submit = SubmitField("Save line", widget=GovSubmitInput())

    def validate_period(self, field):
        if problem := period_problem(field.data.strip(), date.today()):
            raise ValidationError(problem)


class ReplaceNeedsAnalysisForm(FlaskForm):
    replace = SubmitField("Replace it", widget=GovSubmitInput())
    cancel = SubmitField("Cancel and keep the current one", widget=GovSubmitInput())
