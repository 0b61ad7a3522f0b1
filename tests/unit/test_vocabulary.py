"""The web app's controlled lists are the optimiser's tokens, in the same order."""

from commissioning import vocabulary
from matching.model import vocab


def test_forms_and_optimiser_share_one_vocabulary():
    assert tuple(vocabulary.NEEDS) == vocab.NEEDS
    assert tuple(vocabulary.RISKS_TO_SELF) == vocab.RISKS_TO_SELF
    assert tuple(vocabulary.RISKS_TO_OTHERS) == vocab.RISKS_TO_OTHERS
    assert tuple(vocabulary.SEXES) == vocab.SEXES
