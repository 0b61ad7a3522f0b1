from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, NumberRange, Optional
from wtforms.widgets import HiddenInput

from commissioning import vocabulary
from commissioning.registry.queries import PLACES_BANDS, SORTS, DirectoryQuery

ANY = SelectChoice("", "Any")


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [ANY, *(SelectChoice(value, text) for value, text in options.items())]


class DirectoryFilterForm(FlaskForm):
    """The directory's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    region = SelectField("Region", widget=GovSelect(), default="")
    la = SelectField("Local authority", widget=GovSelect(), default="")
    provision_type = SelectField(
        "Type", widget=GovSelect(), choices=_choices(vocabulary.PROVISION_TYPES), default=""
    )
    sector = SelectField(
        "Sector", widget=GovSelect(), choices=_choices(vocabulary.SECTORS), default=""
    )
    grade = SelectField(
        "Ofsted grade (overall)",
        widget=GovSelect(),
        choices=[*_choices(vocabulary.GRADES), SelectChoice("none", "Not yet inspected")],
        default="",
    )
    places = SelectField(
        "Registered places",
        widget=GovSelect(),
        choices=_choices(
            {band: f"{band} place{'' if band == '1' else 's'}" for band in PLACES_BANDS}
        ),
        default="",
    )
    status = SelectField(
        "Registration",
        widget=GovSelect(),
        choices=[
            SelectChoice("open", "Open (active or suspended)"),
            SelectChoice("active", "Active"),
            SelectChoice("suspended", "Suspended"),
            SelectChoice("closed", "Closed (not on the latest register)"),
        ],
        default="open",
    )
    has_vacancies = BooleanField("Only homes with vacancies", widget=GovCheckboxInput())
    sort = HiddenField(
        default="urn", validators=[AnyOf(list(SORTS), message="Choose a column to sort by")]
    )
    order = HiddenField(
        default="asc", validators=[AnyOf(["asc", "desc"], message="Choose an order")]
    )
    page = IntegerField(
        widget=HiddenInput(), default=1, validators=[Optional(), NumberRange(min=1)]
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def set_place_choices(self, regions, local_authorities) -> None:
        self.region.choices = _choices({region.code: region.name for region in regions})
        self.la.choices = _choices({la.code: la.name for la in local_authorities})

    def to_query(self) -> DirectoryQuery:
        """The filters as a query; a field with a bad value is left out (and shows its error)."""
        valid = {name: field.data for name, field in self._fields.items() if not field.errors}
        return DirectoryQuery(
            region=valid.get("region") or "",
            la=valid.get("la") or "",
            provision_type=valid.get("provision_type") or "",
            sector=valid.get("sector") or "",
            grade=valid.get("grade") or "",
            places=valid.get("places") or "",
            status=valid.get("status") or "open",
            has_vacancies=bool(valid.get("has_vacancies")),
            sort=valid.get("sort") or "urn",
            descending=valid.get("order") == "desc",
            page=valid.get("page") or 1,
        )
