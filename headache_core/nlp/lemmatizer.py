"""A lookup lemmatizer that ignores case.

spaCy's lookup mode looks a token up by its exact text, so "Muscles" stays "Muscles" while
"muscles" becomes "muscle". Patients type in every case, and both the entity patterns and the
intent featurizer match on lemmas, so this one looks up the lower-cased text.
"""

from typing import Any

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Token

MODE = "lowercase_lookup"


class LowercaseLookupLemmatizer(Lemmatizer):
    """Lookup lemmatizer keyed on `token.lower_`; every lemma it gives is lower case."""

    @classmethod
    def get_lookups_config(cls, mode: str) -> tuple[list[str], list[str]]:
        if mode == MODE:
            return (["lemma_lookup"], [])
        return super().get_lookups_config(mode)

    def lowercase_lookup_lemmatize(self, token: Token) -> list[str]:
        table = self.lookups.get_table("lemma_lookup", {})
        lemma = table.get(token.lower_, token.lower_)
        return [lemma.lower() if isinstance(lemma, str) else token.lower_]


@Language.factory(
    "lowercase_lemmatizer",
    assigns=["token.lemma"],
    default_config={"model": None, "mode": MODE, "overwrite": False},
)
def make_lowercase_lemmatizer(
    nlp: Language, model: Any, name: str, mode: str, overwrite: bool
) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)
