"""Every token and status of the web of record, defined once with the words users see.

The optimiser's tokens (needs, risks, grades...) are matching.vocabulary's, re-exported here so
the app has one place to read them from. A member is its token (a str, as stored in the
database and written to JSON); `.label` is what a page shows; named groups sit beside the list
they group. The database refuses any other value (commissioning.columns).
"""

from matching.vocabulary import (
    HomeType,
    LivingAlongside,
    Need,
    NeededBy,
    OfstedGrade,
    Pets,
    RegistrationStatus,
    RiskToOthers,
    RiskToSelf,
    Sex,
    Token,
)

__all__ = [
    "HomeType",
    "LivingAlongside",
    "Need",
    "NeededBy",
    "OfstedGrade",
    "Pets",
    "RegistrationStatus",
    "RiskToOthers",
    "RiskToSelf",
    "Sex",
    "Token",
]


class ProvisionType(Token):
    """Ofsted's provision types that are children's homes in law."""

    CHILDRENS_HOME = "childrens_home", "Children's home"
    SECURE_CHILDRENS_HOME = "secure_childrens_home", "Secure children's home"
    RESIDENTIAL_SPECIAL_SCHOOL = (
        "residential_special_school",
        "Residential special school (registered as a children's home)",
    )

    @property
    def home_type(self) -> HomeType:
        """What the optimiser sees: a residential special school registered as a children's
        home is one in law."""
        if self is ProvisionType.SECURE_CHILDRENS_HOME:
            return HomeType.SECURE_CHILDRENS_HOME
        return HomeType.CHILDRENS_HOME


class Sector(Token):
    PRIVATE = "private", "Private"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary"
    HEALTH_AUTHORITY = "health_authority", "Health authority"


class LocationPrecision(Token):
    """How precisely Hearth knows where a home is: Ofsted redacts homes' postcodes."""

    LOCAL_AUTHORITY = (
        "local_authority",
        "Approximate: somewhere in its local authority (Ofsted does not publish homes' postcodes)",
    )
    DISTRICT = "district", "Postcode district"


class PostcodeAreaKind(Token):
    DISTRICT = "district", "Postcode district"
    SECTOR = "sector", "Postcode sector"


class Role(Token):
    COMMISSIONER = "commissioner", "Commissioner"
    PROVIDER = "provider", "Provider"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Admin"


class CommunicationNeed(Token):
    ESOL = "esol", "English as a second or other language (ESOL)"
    BSL = "bsl", "British Sign Language (BSL)"
    MAKATON = "makaton", "Makaton"
    OTHER_SIGNING = "other_signing", "Another sign or symbol system"
    INTERPRETER = "interpreter", "Needs an interpreter"


class ReferralStatus(Token):
    """Where a referral is in its life; commissioning.lifecycle says which moves are allowed."""

    DRAFT = "draft", "Draft"
    READY = "ready", "Ready to send"
    OFFERED = "offered", "Sent to homes"
    PLACED = "placed", "Placed"
    ENDED = "ended", "Placement ended"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Submitted and waiting for a home: the waiting list a search or a batch works on.
ReferralStatus.OPEN = frozenset({ReferralStatus.READY, ReferralStatus.OFFERED})


class WithdrawalReason(Token):
    """Why a placing authority withdrew a referral."""

    PLACED_ELSEWHERE = "placed_elsewhere", "Placed elsewhere, outside Hearth"
    NO_LONGER_NEEDED = "no_longer_needed", "A placement is no longer needed"
    RETURNED_HOME = "returned_home", "Returned home to family"
    FOSTERING = "fostering", "Going to a foster placement instead"
    OTHER = "other", "Another reason"


class OfferStatus(Token):
    SENT = "sent", "Waiting for the home"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CONFIRMED = "confirmed", "Placement confirmed"


# Offers a home may still answer or a commissioner may still confirm.
OfferStatus.OPEN = frozenset({OfferStatus.SENT, OfferStatus.ACCEPTED})


class OfferWithdrawal(Token):
    """Why an offer was withdrawn: the home is told."""

    OTHER_HOME_CHOSEN = "other_home_chosen", "The child was placed in another home"
    REFERRAL_WITHDRAWN = "referral_withdrawn", "The placing authority withdrew the referral"
    BY_PLACING_AUTHORITY = "by_placing_authority", "The placing authority withdrew this offer"


class DeclineReason(Token):
    """Why a home declines a referral: kept for the sufficiency dashboards."""

    NO_VACANCY = "no_vacancy", "No vacancy now"
    IMPACT_ON_CURRENT_GROUP = "impact_on_current_group", "Impact on the current group"
    OUTSIDE_STATEMENT_OF_PURPOSE = (
        "outside_statement_of_purpose",
        "Outside the statement of purpose",
    )
    CANNOT_MEET_NEEDS = "cannot_meet_needs", "Cannot meet the child's needs"
    LOCATION_UNSUITABLE = "location_unsuitable", "Location unsuitable for the child"
    STAFFING = "staffing", "Not enough staff"
    OTHER = "other", "Another reason (in the assessment)"


class ApprovalKind(Token):
    """Approvals the Care Planning, Placement and Case Review (England) Regulations 2010,
    reg 11 (as amended 2013), requires before a placement is made."""

    OUT_OF_AREA = "out_of_area", "Nominated officer (placement out of area)"
    AT_A_DISTANCE = "at_a_distance", "Director of Children's Services (placement at a distance)"


class PlacementEndReason(Token):
    """The SSDA903 return's reasons for a placement change (DfE, children looked after
    return guidance): the code is shown too, as returns officers know it."""

    CARPL = "CARPL", "The care plan changed or was carried out (CARPL)"
    CHILD = "CHILD", "The child asked for the placement to end (CHILD)"
    CREQB = "CREQB", "The home asked for it to end because of the child's behaviour (CREQB)"
    CREQO = "CREQO", "The home asked for it to end for another reason (CREQO)"
    CLOSE = "CLOSE", "The home closed or stopped providing care (CLOSE)"
    ALLEG = "ALLEG", "An allegation was made (section 47 enquiry) (ALLEG)"
    STAND = "STAND", "Concern about the standards of care (STAND)"
    LAREQ = "LAREQ", "The placing authority asked for it to end (LAREQ)"
    CUSTOD = "CUSTOD", "Custody arrangement (CUSTOD)"
    APPRR = "APPRR", "The home's approval or registration was removed (APPRR)"
    PLACE = "PLACE", "Change in the status of the placement only (PLACE)"
    OTHER = "OTHER", "Another reason (OTHER)"


class BatchStatus(Token):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


BatchStatus.ACTIVE = frozenset({BatchStatus.QUEUED, BatchStatus.RUNNING})


class NeedsAnalysisStatus(Token):
    """A needs analysis saved, or waiting for its author to confirm it replaces the last one."""

    SAVED = "saved", "Saved"
    PENDING = "pending", "Waiting to be confirmed"


class NeedsAnalysisSource(Token):
    UPLOAD = "upload", "Uploaded as a CSV file"
    FORM = "form", "Entered line by line"


class AuditObject(Token):
    HOME = "home", "Home"
    REFERRAL = "referral", "Referral"
    USER = "user", "Account"
    ROLE_POLICY = "role_policy", "Role settings"
    BATCH = "batch", "Batch proposal"
    NEEDS_ANALYSIS = "needs_analysis", "Needs analysis"


class AuditAction(Token):
    VACANCIES_UPDATE = "vacancies.update", "Vacancies updated"
    STATEMENT_OF_PURPOSE_UPDATE = "statement_of_purpose.update", "Statement of purpose updated"
    FEE_UPDATE = "fee.update", "Weekly fee updated"
    LOCATION_UPDATE = "location.update", "Location updated"
    LOCATION_ASK = "location.ask", "Postcode district asked for"
    RESIDENT_ADD = "resident.add", "Child added to the current group"
    RESIDENT_REMOVE = "resident.remove", "Child removed from the current group"
    USER_CREATE = "user.create", "Account created"
    USER_DISABLE = "user.disable", "Account disabled"
    USER_ENABLE = "user.enable", "Account enabled"
    USER_SIGN_IN = "user.sign_in", "Signed in"
    USER_SIGN_OUT = "user.sign_out", "Signed out"
    USER_PASSWORD_CHANGE = "user.password_change", "Password changed"
    USER_TWO_FACTOR_ENABLE = "user.two_factor_enable", "Two-factor authentication set up"
    USER_TWO_FACTOR_RESET = "user.two_factor_reset", "Two-factor authentication reset"
    ROLE_POLICY_TWO_FACTOR = (
        "role_policy.two_factor",
        "Roles requiring two-factor authentication changed",
    )
    REFERRAL_CREATE = "referral.create", "Referral started"
    REFERRAL_UPDATE = "referral.update", "Referral changed"
    REFERRAL_SUBMIT = "referral.submit", "Referral submitted"
    REFERRAL_AMEND = "referral.amend", "Referral amended after it was sent"
    REFERRAL_WITHDRAW = "referral.withdraw", "Referral withdrawn"
    REFERRAL_DELETE = "referral.delete", "Draft referral deleted"
    SIBLING_ADD = "sibling.add", "Brother or sister added to the group"
    SIBLING_REMOVE = "sibling.remove", "Brother or sister removed from the group"
    OFFER_SEND = "offer.send", "Referral sent to the home"
    OFFER_ACCEPT = "offer.accept", "Home accepted"
    OFFER_DECLINE = "offer.decline", "Home declined"
    OFFER_WITHDRAW = "offer.withdraw", "Offer withdrawn"
    PLACEMENT_CONFIRM = "placement.confirm", "Placement confirmed"
    PLACEMENT_START = "placement.start", "Child placed in the home"
    PLACEMENT_END = "placement.end", "Placement ended"
    BATCH_START = "batch.start", "Batch proposal started"
    BATCH_CANCEL = "batch.cancel", "Batch proposal cancelled"
    NEEDS_ANALYSIS_UPLOAD = "needs_analysis.upload", "Needs analysis uploaded"
    NEEDS_ANALYSIS_FORM = "needs_analysis.form", "Needs analysis line entered"


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def label(token: Token | None, missing: str = "Not given") -> str:
    """What a page shows for a token (a member of a vocabulary, never a bare string)."""
    return missing if token is None else token.label


def labels(tokens, missing: str = "None") -> str:
    """A list of tokens in words, in the order given."""
    return ", ".join(token.label for token in tokens or ()) or missing
