from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.widgets import HiddenInput

from commissioning.forms import Choice, WholeNumber
from commissioning.registry.queries import PLACES_BANDS, SORTS, DirectoryQuery
from commissioning.vocabulary import OfstedGrade, ProvisionType, RegistrationStatus, Sector

ANY = "Any"
# The register fills under a hundred pages: a page number past this is a typing slip.
MOST_PAGES = 100_000


class DirectoryFilterForm(FlaskForm):
    """The directory's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    region = Choice("Region", {}, blank=ANY, message="Select a region from the list", default="")
    la = Choice(
        "Local authority",
        {},
        blank=ANY,
        message="Select a local authority from the list",
        default="",
    )
    provision_type = Choice(
        "Type", ProvisionType, blank=ANY, message="Select a type from the list", default=""
    )
    sector = Choice(
        "Sector", Sector, blank=ANY, message="Select a sector from the list", default=""
    )
    grade = Choice(
        "Ofsted grade (overall)",
        OfstedGrade,
        blank=ANY,
        message="Select a grade from the list",
        default="",
    )
    places = Choice(
        "Registered places",
        {band: f"{band} place{'' if band == '1' else 's'}" for band in PLACES_BANDS},
        blank=ANY,
        message="Select a number of places from the list",
        default="",
    )
    status = Choice(
        "Registration",
        {"open": "Open (active or suspended)", **{s.value: s.label for s in RegistrationStatus}},
        message="Select a registration status from the list",
        default="open",
    )
    has_vacancies = BooleanField("Only homes with vacancies", widget=GovCheckboxInput())
    sort = Choice(
        "Sort by",
        {column: column for column in SORTS},
        message="Choose a column to sort by",
        widget=HiddenInput(),
        default="urn",
    )
    order = Choice(
        "Order",
        {"asc": "Ascending", "desc": "Descending"},
        message="Choose an order",
        widget=HiddenInput(),
        default="asc",
    )
    page = WholeNumber(
        "Page", minimum=1, maximum=MOST_PAGES, example=2, widget=HiddenInput(), default=1
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("region", "la", "provision_type", "sector", "grade", "places", "status"):
            self[name].validators = []  # optional filters: "Any" is an answer

    def set_place_choices(self, regions, local_authorities) -> None:
        self.region.choices = [("", ANY), *((region.code, region.name) for region in regions)]
        self.la.choices = [("", ANY), *((la.code, la.name) for la in local_authorities)]

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
