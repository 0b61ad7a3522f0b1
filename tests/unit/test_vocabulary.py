"""One vocabulary: every list and status defined once, each token with the words users see."""

import pytest

from commissioning import vocabulary
from matching.model import vocab
from matching.vocabulary import Token


def vocabularies() -> list[type[Token]]:
    found, waiting = [], list(Token.__subclasses__())
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    return sorted(found, key=lambda kind: kind.__name__)


def test_the_web_of_record_reads_every_vocabulary_from_one_place():
    defined = {kind.__name__ for kind in vocabularies()}
    exported = {name for name in dir(vocabulary) if name in defined}
    assert exported == defined


@pytest.mark.parametrize("kind", vocabularies(), ids=lambda kind: kind.__name__)
def test_every_token_has_words_of_its_own(kind):
    labels = [member.label for member in kind]
    assert all(label and label[0].isupper() for label in labels), kind
    assert len(set(labels)) == len(labels), f"{kind.__name__} gives two tokens one label"
    assert not [m for m in kind if m.label == m.value], "a label must not be the token itself"


def test_the_optimisers_token_lists_are_the_vocabularies_in_order():
    assert tuple(vocabulary.Need) == vocab.NEEDS
    assert tuple(vocabulary.RiskToSelf) == vocab.RISKS_TO_SELF
    assert tuple(vocabulary.RiskToOthers) == vocab.RISKS_TO_OTHERS
    assert tuple(vocabulary.Sex) == vocab.SEXES
    assert tuple(vocabulary.OfstedGrade) == vocab.OFSTED_GRADES


def test_one_grade_order_best_first():
    grade = vocabulary.OfstedGrade
    assert grade.GOOD.at_least(grade.REQUIRES_IMPROVEMENT)
    assert not grade.REQUIRES_IMPROVEMENT.at_least(grade.GOOD)
    assert not grade.NONE.at_least(grade.INADEQUATE)
