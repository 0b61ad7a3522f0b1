"""Forms: the dashboards' area filter, and a needs analysis uploaded or entered line by line.
Every field says what is wrong with it, GOV.UK style."""

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

from commissioning.vocabulary import Need
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES
from sufficiency.needs_file import LARGEST_COUNT, LARGEST_SPEND, is_financial_year
from sufficiency.queries import AreaChoices

EVERYWHERE = SelectChoice("", "All in your area")


class AreaFilterForm(FlaskForm):
    """Region, consortium and authority, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    region = SelectField("Region", widget=GovSelect(), default="")
    consortium = SelectField("Consortium", widget=GovSelect(), default="")
    la = SelectField("Local authority", widget=GovSelect(), default="")
    period = SelectField("Period", widget=GovSelect(), default="")
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
    la = SelectField(
        "Local authority",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose the local authority")],
    )

    def set_authorities(self, authorities: list[tuple[str, str]]) -> None:
        self.la.choices = [SelectChoice(code, name) for code, name in authorities]


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
    need_category = SelectField(
        "Need",
        widget=GovSelect(),
        choices=[SelectChoice(need.value, need.label) for need in Need],
        validators=[InputRequired(message="Choose the need")],
    )
    placement_type = RadioField(
        "Placement type",
        widget=GovRadioInput(),
        choices=[SelectChoice(token, name) for token, name in PLACEMENT_TYPES.items()],
        validators=[InputRequired(message="Choose the placement type")],
    )
    projected_children = whole_number("Projected number of children", LARGEST_COUNT)
    current_placements = whole_number("Current placements", LARGEST_COUNT)
    current_annual_spend = whole_number("Current annual spend in pounds", LARGEST_SPEND)
    submit = SubmitField("Save line", widget=GovSubmitInput())

    def validate_period(self, field):
        if not is_financial_year(field.data.strip()):
            raise ValidationError("Enter the period as a financial year, like 2025-26")
