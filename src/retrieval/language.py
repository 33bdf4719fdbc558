"""The language a question is asked in, against the sources': the search matches words and meaning in
the sources' language, so a question in another ("Combien de personnes ont demandé de l'aide ?") lands on
whatever shares its names, and is better told to ask again (py3langid, offline).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

# the languages told apart: the model reads English; a guess among every language py3langid knows is
# unsure of short questions ("What did Britain do in September 1971?" reads as Nigerian Pidgin)
LANGUAGES = {
    "en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "cs": "Czech", "ro": "Romanian",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "hu": "Hungarian", "tr": "Turkish",
    "id": "Indonesian",
}
MIN_PROBABILITY = 0.7  # no English question of the evaluation sets or of SQuAD tune reaches it
MIN_LETTERS = 8  # fewer letters say too little to guess from
# for the whole question, names in, when its words alone leave the guess unsure ("Qui dirige la Tchétchénie ?":
# "Qui dirige la" reads as Italian at 0.45); no English question of the evaluation sets or of SQuAD tune passes
# 0.64 so ("car insurance quotes" reads as French at 0.637)
MIN_PROBABILITY_WITH_NAMES = 0.8
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model over `LANGUAGES` (about 0.9 s to load, once)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


# the small words inside names ("Otto von Bismarck", "Leonardo da Vinci"), which belong to the name
NAME_PARTICLES = frozenset("von van der den de da di del della du la le ter ten zu bin ibn al el".split())


def without_names(question: str) -> str:
    """The question without its capitalised words after the first, nor the particles inside names:
    names ("Elena Milashina", "Otto von Bismarck") belong to no language and pull a short question
    toward whichever spells them alike."""
    words = question.split()

    def in_name(i: int) -> bool:
        w = words[i]
        if i > 0 and w[:1].isupper():
            return True
        return (w.lower() in NAME_PARTICLES and 0 < i < len(words) - 1
                and words[i - 1][:1].isupper() and words[i + 1][:1].isupper())

    return " ".join(w for i, w in enumerate(words) if not in_name(i))


def scripts(text: str) -> Counter:
    """How many letters of `text` each script has ("LATIN", "CYRILLIC", "CJK", …)."""
    return Counter(unicodedata.name(ch, "UNKNOWN").split()[0] for ch in text if ch.isalpha())


def main_script(text: str) -> str | None:
    counts = scripts(text)
    return counts.most_common(1)[0][0] if counts else None


def guess(text: str) -> tuple[str, float]:
    """(language code, probability) among `LANGUAGES`."""
    code, probability = _identifier().classify(text)
    return code, float(probability)


def source_language(texts: Iterable[str], sample: int = 4000) -> str:
    """The language most of the sources are written in (the first `sample` characters of each)."""
    votes = Counter(guess(t[:sample])[0] for t in texts if sum(ch.isalpha() for ch in t[:sample]) >= MIN_LETTERS)
    return votes.most_common(1)[0][0] if votes else "en"


def unknown_words(question: str, known: Callable[[str], bool]) -> list[str] | None:
    """The question's words when too few of them are `known` (under a third) and none is capitalised, which could
    be a name: "asdf ghjk", "xxxxxxxx", keys struck at random, which no search should answer (a developer's review:
    "asdf ghjk" had been answered at 0.67 with a link to another story); else None."""
    words = _WORD.findall(question)
    if not words or any(w[:1].isupper() for w in words):
        return None
    return words if sum(known(w.lower()) for w in words) < len(words) / 3 else None


def other_language(question: str, language: str | Callable[[], str], script: str | None,
                   known: Callable[[str], bool]) -> str | None:
    """The name of the language (or script) the question is asked in when it is not the sources' own,
    else None.

    Args:
        language: the sources' language code (`source_language`), or what gives it when first needed
            (guessing it loads the model).
        script: the sources' main script (`main_script`), e.g. "LATIN".
        known: whether a lower-case word may be used without being in another language (the sources'
            words, an English dictionary's): a question made only of them is never guessed at, so the
            model loads only for questions that hold some other word.
    """
    asked = main_script(question)
    if asked is not None and script is not None and asked != script:
        letters = scripts(question)
        if letters[asked] > letters.get(script, 0):
            return f"{asked if asked == 'CJK' else asked.title()} script"  # "Cyrillic script", "CJK script"
    words = [w.lower() for w in _WORD.findall(without_names(question))]
    if all(known(w) for w in words):
        return None
    text = without_names(question)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    code, probability = guess(text)
    if probability < MIN_PROBABILITY:
        code, probability = guess(question)
        probability = probability if probability >= MIN_PROBABILITY_WITH_NAMES else 0.0
    if probability >= MIN_PROBABILITY and code != (language() if callable(language) else language):
        return LANGUAGES.get(code, code)
    return None
