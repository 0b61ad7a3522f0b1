"""Forms: the dashboards' area filter, and a needs analysis uploaded or entered line by line.
Every field says what is wrong with it, GOV.UK style."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from commissioning.forms import Choice, RadioChoice, WholeNumber
from commissioning.vocabulary import Need
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES
from sufficiency.needs_file import LARGEST_COUNT, LARGEST_SPEND, period_problem
from sufficiency.queries import AreaChoices

EVERYWHERE = SelectChoice("", "All in your area")


class AreaFilterForm(FlaskForm):
    """Region, consortium and authority, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    region = Choice(
        "Region", {}, message="Choose a region from the list", validators=[], default=""
    )
    consortium = Choice(
        "Consortium", {}, message="Choose a consortium from the list", validators=[], default=""
    )
    la = Choice(
        "Local authority",
        {},
        message="Choose a local authority from the list",
        validators=[],
        default="",
    )
    period = Choice(
        "Period", {}, message="Choose a period from the list", validators=[], default=""
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


def whole_number(label: str, largest: int, example: int) -> WholeNumber:
    return WholeNumber(
        label, minimum=0, maximum=largest, example=example, required=f"Enter {label.lower()}"
    )


class NeedsAuthorityForm(FlaskForm):
    la = Choice(
        "Local authority", {}, message="Choose a local authority you write needs analyses for"
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
    need_category = Choice("Need", Need, message="Choose a need from the list")
    placement_type = RadioChoice(
        "Placement type", PLACEMENT_TYPES, message="Choose the placement type"
    )
    projected_children = whole_number("Projected number of children", LARGEST_COUNT, 12)
    current_placements = whole_number("Current placements", LARGEST_COUNT, 10)
    current_annual_spend = whole_number("Current annual spend in pounds", LARGEST_SPEND, 250_000)
    submit = SubmitField("Save line", widget=GovSubmitInput())

    def validate_period(self, field):
        if problem := period_problem((field.data or "").strip(), date.today()):
            raise ValidationError(problem)


class ReplaceNeedsAnalysisForm(FlaskForm):
    replace = SubmitField("Replace it", widget=GovSubmitInput())
    cancel = SubmitField("Cancel and keep the current one", widget=GovSubmitInput())
