from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

import matching
from commissioning.forms import Choices, RadioChoice, WholeNumber, text_field, weight_field

_DEFAULTS = matching.Weights()


class StartBatchForm(FlaskForm):
    referrals = Choices(
        "Referrals to include",
        {},
        message="Select referrals from the list",
        required="Select at least one referral",
    )
    time_limit = WholeNumber(
        "Time limit in seconds",
        minimum=1,
        maximum=600,
        example=10,
        unit=" seconds",
        required="Enter a time limit",
        hint="The optimiser stops by then with the best proposal it has found.",
        default=10,
        width=3,
    )
    per_km_family = weight_field("per_km_family", _DEFAULTS.per_km_family, required=True)
    per_pound = weight_field("per_pound", _DEFAULTS.per_pound, required=True)
    per_impact_point = weight_field("per_impact_point", _DEFAULTS.per_impact_point, required=True)
    at_a_distance = weight_field("at_a_distance", _DEFAULTS.at_a_distance, required=True)
    submit = SubmitField("Start the proposal", widget=GovSubmitInput())

    def weights(self) -> dict:
        return {
            name: self[name].data
            for name in ("per_km_family", "per_pound", "per_impact_point", "at_a_distance")
        }


class PairingForm(FlaskForm):
    """Pin a child to a home, or rule a home out for them, and run again from this result."""

    referral = text_field(
        "Referral", limit=16, required="Enter a referral reference", hint="Like R-7K2Q9M"
    )
    home = text_field("Home URN", limit=12, required="Enter a home URN", hint="Like 1234567")
    action = RadioChoice(
        "What to do",
        {"pin": "Place this child in this home", "exclude": "Never this home for this child"},
        message="Select pin or exclude",
    )
    submit = SubmitField("Run again with this change", widget=GovSubmitInput())


class SendProposalsForm(FlaskForm):
    proposals = Choices(
        "Proposals to send",
        {},
        message="Select proposals from the list",
        required="Select at least one proposal whose bed is still free",
    )
    send_anyway = BooleanField(
        "Send even to children who already hold an offer from another home",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Send the chosen proposals to their homes", widget=GovSubmitInput())


class CancelForm(FlaskForm):
    submit = SubmitField("Cancel this proposal", widget=GovSubmitInput())
