"""Column types that refuse any token outside their vocabulary, on SQLite as on PostgreSQL."""

from sqlalchemy import JSON, Enum
from sqlalchemy.types import TypeDecorator

from commissioning.terms import OfferTerms
from commissioning.vocabulary import Token


def token(vocabulary: type[Token], column: str, length: int) -> Enum:
    """A column holding one token of `vocabulary`: a CHECK constraint (named after the
    column) refuses any other value in the database, and SQLAlchemy refuses it before that;
    reads give the vocabulary's members, labels and all."""
    return Enum(
        vocabulary,
        name=column,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class TokenList(TypeDecorator):
    """A JSON list of tokens of one vocabulary, checked on every write, read as members."""

    impl = JSON
    cache_ok = True

    def __init__(self, vocabulary: type[Token]):
        super().__init__()
        self.vocabulary = vocabulary

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        # Raises ValueError, naming the value, for anything outside the vocabulary.
        return [self.vocabulary(item).value for item in value]

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return [self.vocabulary(item) for item in value]


class Terms(TypeDecorator):
    """An offer's terms (commissioning.terms.OfferTerms), kept as JSON, read back typed."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.to_json()

    def process_result_value(self, value, dialect):
        return None if value is None else OfferTerms.from_json(value)
