"""Who said it: a ledger of the quotations in a source, each attributed to its speaker.

Rules (generic, no names built in):

- Quote marks: curly “…” ‘…’ and straight "…" '…'; apostrophes (it’s, don't) are not marks. A
  double quote left open at the end of a paragraph runs to its end (multi-paragraph quotes).
- Kinds: words inside marks are "direct". Short quoted terms are "scare" (not speech): a quote of
  at most four words in the document's secondary marks (single quotes where speech uses double),
  a short quote nested inside another quote, or a quote of at most three words with no attribution.
- Attribution, nearest first: in the quote's sentence, `“…,” SUBJECT says` / `“…,” says SUBJECT`
  after the quote, `SUBJECT says (that) … “…”` / `SUBJECT said: “…”` before it; then another
  attribution in the same paragraph; then, for a paragraph that is only a quotation, the previous
  paragraph's attribution (`continued`, with that attribution as the evidence).
- Subjects: names with honorifics ("Ms Sokirianskaia"), full names, role or organisation names
  ("The Chechen Minister for Information"), appositives ("Jane Doe, a director at X, says"),
  pronouns (he/she resolve to the last named person whose known gender fits, it/they to the last
  named organisation) and definite descriptions ("the network" -> the last named "... Network").
  Full names and later short forms are one speaker ("Jane Doe" ... "Ms Doe" ... "Doe").
- Reported speech ("Ms Doe says it appears ...", "..., she says.") becomes "reported" entries, and so does
  a sentence attributed by "according to X" ("According to the lead engineer, Jane Doe, the bridge will
  be ...", "..., according to police."; `_according_subject` says what X may be).
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate

from .chunking import ChunkSettings, make_passages
from .models import (
    SECTION_LABELS, Citation, Document, Evidence, LedgerEntry, Passage, SpeakerQuestion, name_pattern,
)
from .sparse import fold_accents, stopwords, tokenize

__all__ = [
    "appositives", "attribute_span", "build_ledger", "fold_accents", "ledger_metrics", "matching_role", "name_matches",
    "narration", "normalize_text", "parse_claim_check", "parse_speaker_question", "quotes_by", "role_matches",
    "speaker_heads", "speaker_question", "title_before", "who_said", "writers_clause",
]

# ---------------------------------------------------------------------------------------------
# Word lists

SPEECH_VERBS = frozenset("""
say says said saying tell tells told telling write writes wrote writing add adds added adding
explain explains explained state states stated claim claims claimed argue argues argued insist
insists insisted warn warns warned note notes noted continue continues continued recall recalls
recalled reply replies replied respond responds responded ask asks asked announce announces
announced declare declares declared post posts posted tweet tweets tweeted comment comments
commented concede concedes conceded admit admits admitted acknowledge acknowledges acknowledged
predict predicts predicted allege alleges alleged maintain maintains maintained
confirm confirms confirmed caution cautions cautioned
""".split())
# speech verbs that also say what a people or a state did ("the Normans maintained a distinct culture",
# "it continued to evolve", "the Armenian state"): an attribution by one of them alone may be no speech
DOUBLE_DUTY_VERBS = frozenset("""
continue continues continued maintain maintains maintained state states declare declares declared note
notes noted post posts posted recall recalls recalled
""".split())
_PLAIN_SPEECH_VERBS = SPEECH_VERBS - DOUBLE_DUTY_VERBS
AUXILIARIES = frozenset("has have had was is were will would also later then previously earlier "
                        "once again has also had also".split())
FEMALE_HONORIFICS = frozenset("ms mrs miss madam madame dame lady".split())
MALE_HONORIFICS = frozenset("mr sir lord".split())
HONORIFICS = FEMALE_HONORIFICS | MALE_HONORIFICS | frozenset("mx dr prof professor rev fr".split())
ROLE_WORDS = frozenset("""
minister president director secretary spokesman spokeswoman spokesperson chief chairman
chairwoman chair head leader governor mayor senator ambassador prosecutor commissioner officer
editor general judge prime premier chancellor king queen prince princess pope manager ceo founder
adviser advisor counsel attorney sheriff inspector captain colonel deputy vice representative
mp councillor coordinator researcher analyst
treasurer principal coach librarian chef superintendent sergeant constable detective lieutenant
""".split())  # the last line: "Treasurer Kevin O'Brien said", "Coach Ana Lima" (a developer's review: kept in the name)
# the last word of a title written in lower case before a name ("said product lead Daniel Achterberg")
_TITLE_HEADS = ROLE_WORDS | frozenset("lead author curator engineer scientist designer owner".split())
ORG_WORDS = frozenset("""
network group ministry council court committee government agency office party union association
organisation organization watch foundation institute university police service services
department commission bank company corporation inc ltd news times post press authority army
forces assembly parliament senate congress kremlin federation centre center fund board trust
society coalition alliance league club team media corp llc international tribunal bureau
prosecutors community campaign project network
""".split())
DESCRIPTION_HEADS = ROLE_WORDS | ORG_WORDS | frozenset(
    "official officials spokespeople statement source sources activists activist lawyer lawyers "
    "researchers experts expert investigators witnesses witness".split())
NAME_STOP = frozenset("""
however yesterday today tonight earlier later meanwhile but and in on at last this that then
when while after before since although though because so also still now
""".split())
CONNECTORS = frozenset("of for and de da del della van von bin al la le du der den on".split())
PRONOUNS = frozenset("he she they it we".split())
# kinds of document a developer's sources are: "What does the FAQ say about …?" asks the FAQ, quoting no one
DOCUMENT_KINDS = frozenset("faq faqs release minutes memo transcript notice newsletter blog webpage website "
                           "abstract changelog guide judgment judgement interview paper".split())
GENERIC_NAMES = frozenset("article report story source text document piece author writer it "
                          "he she they this that".split()) | DOCUMENT_KINDS
# parts of a page that "say" things without being speakers: "What does the byline say?" asks for the
# byline, not for a quote of someone the source describes as "the byline"
# ("Full photo credit line?": no one); nor a quotation ("Exact words of the 'phone call' quote")
PAGE_PARTS = frozenset("byline dateline caption headline headlines title teaser summary standfirst link lede "
                       "paragraph sentence credit photo picture image quote quotes quotation quotations line lines "
                       "remark remarks comment comments".split())

_OPEN_D, _CLOSE_D, _STRAIGHT_D = "“„«", "”»", '"'
_OPEN_S, _CLOSE_S, _STRAIGHT_S = "‘‹", "’›", "'"
_QUOTE_CHARS = _OPEN_D + _CLOSE_D + _STRAIGHT_D + _OPEN_S + _CLOSE_S + _STRAIGHT_S
_WORD = re.compile(r"[\w’'\-.&]+")
_TOKEN = re.compile(r"\S+")

# ---------------------------------------------------------------------------------------------
# Text normalisation and name matching


_PUNCT = frozenset(string.punctuation) - {"/"}


@lru_cache(maxsize=1 << 16)  # ledger quotes are normalised again on every speaker question
def normalize_text(text: str) -> str:
    """SQuAD-style: fold quotes, lowercase, drop punctuation and articles, fold whitespace."""
    text = unicodedata.normalize("NFKC", text)
    for ch in "‘’‚‛′`´":
        text = text.replace(ch, "'")
    for ch in "“”„‟″«»":
        text = text.replace(ch, '"')
    text = text.lower()
    text = "".join(" " if ch in "–—…•/" else ch for ch in text if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


# a title's short forms and small words, which say nothing of whom it names: "the info minister", "the Chechen
# Minister of Information" for the "Chechen Minister for Information" (a journalist's review: "quotes no words of
# theirs; it quotes the Chechen Minister for Information")
_SHORT_FORMS = {"info": "information", "govt": "government", "dept": "department", "intl": "international"}
_NAME_JOINERS = frozenset("of for".split())


_SHORT_NAMES = {("united", "states"): ["us"], ("usa",): ["us"], ("united", "kingdom"): ["uk"],
                ("united", "nations"): ["un"], ("european", "union"): ["eu"]}


# letters after a name, no part of it: "Ms Lucia Reyes MP" is the "Ms REYES" of a committee's transcript
_POST_NOMINALS = frozenset("mp mps mep msp mla mpp mhk qc kc obe mbe cbe kbe dbe phd frs".split())


def _name_tokens(name: str) -> list[str]:
    tokens = normalize_text(name.replace("’s", "").replace("'s", "")).split()
    tokens = tokens[:-1] if len(tokens) > 2 and tokens[-1] in _POST_NOMINALS else tokens
    return [_SHORT_FORMS.get(t, t) for t in tokens if t not in HONORIFICS and t not in _NAME_JOINERS]


@lru_cache(maxsize=8192)  # the same name pairs recur on every speaker question
def token_like(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.8


def name_matches(query: str, name: str | None) -> bool:
    """Does `query` name the speaker `name`? Full names, short forms and honorifics, any case.

    "Sokirianskaia", "ms sokirianskaia" and "Ekaterina Sokirianskaia" all name "Ekaterina
    Sokirianskaia"; "the network" names "Russia LGBT Network"; "Elena Doe" does not name "Jane Doe".
    Slight misspellings of long tokens (transliterations) are tolerated, and accents are not needed:
    "Tomas Ibanez" names "Tomás Ibáñez".
    """
    if not name:
        return False
    asked, full = _name_tokens(fold_accents(query)), _name_tokens(fold_accents(name))
    if not asked or not full:
        return False
    # a country by its name or its initials: "the United States" is a speaker's "US"
    asked, full = _SHORT_NAMES.get(tuple(asked), asked), _SHORT_NAMES.get(tuple(full), full)
    if len(asked) == 1 and asked[0] not in full and any(asked[0] == f + "s" for f in full):
        return False  # "Chechens" are a people, not the "Chechen Minister for Information"
    return all(any(token_like(a, f) for f in full) for a in asked)


# How a news report names one person by the job of another it quotes: a question's "the reporter"
# finds a speaker the source calls "the journalist". Kept to occupations, where the words are close
# to interchangeable; "the expert" stays unresolved rather than guessed.
ROLE_SYNONYMS = (
    frozenset("journalist reporter correspondent".split()),
    frozenset("spokesman spokeswoman spokesperson".split()),
)
_ROLE_STOP = frozenset("of for with at in on from by and to who which that".split())
_ROLE_HEAD_END = re.compile(r"\b(?:of|for|with|at|in|on|from|by|to|who|which|that|behind|based|whose)\b")
_APPOSITIVE_AFTER = re.compile(r",[ \t]+([^,.;:!?()“”\"\n]{2,120}?),(?!\d)")  # not "borrowed 1,286 books"
# a speech verb, then a description and a comma right before the name: "…,” says the exhibition's curator, ▮Dr …"
_SAID_BY_DESCRIBED = re.compile(r"\b(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\s+[^,.;:!?\n]{2,80},\s*$")
_APPOSITIVE_IN_LIST = re.compile(r",[ \t]+([a-z][^,.;:!?()“”\"\n]{2,100}?)[ \t]*(?:;|\n|$)")
# "…, said Jane Doe, a researcher at the Institute." ends the sentence instead of a second comma
_APPOSITIVE_LAST = re.compile(r",[ \t]+((?:a|an|the|who)\s[^,.;:!?()“”\"\n]{2,118}?)[.;](?:\s|$)")
# "…," said Dr Annika Virtanen, Chief Executive Officer of Kestrel Battery Systems." (a developer's review: no post)
_TITLE_LAST = re.compile(r",[ \t]+([A-Z][^,.;:!?()“”\"\n]{2,100}?)[.;](?:\s|$)")
_DETERMINER = re.compile(r"\b(?:the|a|an)\s", re.IGNORECASE)
# "Our librarian, Mr Daniel Kowalski, reports …" (a developer's review: no description of him)
_POSSESSIVE_OPENING = re.compile(r"(?:our|their|its|his|her|my|your)\s", re.IGNORECASE)
_HONORIFIC = r"(?:Ms|Mr|Mrs|Miss|Mx|Dr|Prof|Sir|Dame)"  # as written before a name
_TRAILING_HONORIFIC = re.compile(r"\s*\b" + _HONORIFIC + r"\.?$")
# a clause, not a description: its subject's verb comes before any relative pronoun ("According to the engineer,
# Priya Raman, the bridge will be 84 metres long": "the bridge will be …" does not describe her)
_A_CLAUSE = re.compile(r"(?:the|a|an)\s(?:(?!(?:who|which|that|whose)\s)\S+\s){1,4}?(?:will|would|is|was|are|were|has"
                       r"|have|had|can|could|should|must|may|might|did|does|do)\b", re.IGNORECASE)


def appositives(text: str, start: int, end: int, speaks: bool = False) -> list[str]:
    """How the source describes the name at `[start, end)` in passing: the phrase set off by commas
    after it ("Jane Doe, director of the Institute, says" -> "director of the Institute"; "Ms Doe,
    who writes for the Post," -> "who writes for the Post"), or by a comma and the sentence's end when it
    opens with "a", "an", "the" or "who" ("…, said Jane Doe, a researcher at the Institute."), or before
    it ("the journalist behind the report, Jane Doe, says" -> "the journalist behind the report"), and
    a title right before it (`title_before`; `speaks`: the name is of someone the source quotes)."""
    found = [title] if (title := title_before(text, start, speaks)) else []
    line = text.rfind("\n", 0, start) + 1
    if (asked := _addressed(text, line, len(text))) and asked[0] <= start and end <= asked[1]:
        return found  # "Q: Mr Wielgus, the council approved the scheme …": whom a question is put to, not described
    m = _APPOSITIVE_AFTER.match(text, end) or _APPOSITIVE_LAST.match(text, end)
    if m and _words(m.group(1)) <= 15 and re.search(r"\b[a-z]", m.group(1)) and not _A_CLAUSE.match(m.group(1)):
        found.append(m.group(1).strip())
    elif (m := _APPOSITIVE_IN_LIST.match(text, end) or _TITLE_LAST.match(text, end)) and (
            head := _head_words(m.group(1))) and (head[-1] in POST_WORDS or _agent_noun(head[-1])):
        # "Guests: Dr Amara Okafor, hydrologist at the University of Northbridge; Tomasz Wielgus, deputy mayor of
        # Port Ellison": a post after the name, ended by a semicolon or the line (a developer's review)
        found.append(m.group(1).strip())
    # a phrase before the name is an appositive only if a comma follows, or the sentence ends after a speech verb
    # ("…,” says the exhibition's curator, Dr Lucia Ferrante.": a developer's review had "the curator" be her
    # assistant, the only one described so)
    ends = text[end:end + 1] in (".", "!", "?") and bool(_SAID_BY_DESCRIBED.search(text, max(0, start - 120), start))
    if text[end:end + 1] == "," or ends:
        before = _TRAILING_HONORIFIC.sub("", text[max(0, start - 160):start].rstrip())  # "…, Dr Fiona Walsh,"
        if before.endswith(","):
            chunk = re.split(r"[,.;:!?()“”\"\n]", before[:-1])[-1]
            d = _DETERMINER.search(chunk) or _POSSESSIVE_OPENING.match(chunk.strip())
            if d and 2 <= _words(chunk[d.start():]) <= 12:
                found.append(chunk[d.start():].strip())
    return found


# a word that names what someone does by its ending ("baker", "shopkeeper", "pensioner", "student",
# "historian", "chairwoman"), for a title before a speaker's name; not these words that end so
_AGENT_NOUN = re.compile(r"[a-z]{2,}(?:er|or|ist|ian|eer|man|woman|person|ant|ent)")
_NOT_AGENTS = frozenset("""
after over under never ever whether either neither other another rather together her per later earlier former
latter however whatever whenever wherever moreover for nor or upon often winter summer water number order when
then than recent current different important significant
""".split())
_AFTER_NAME = name_pattern(r"(?:[A-Z][\w’'\-]*\.?[ \t]+){0,3}[A-Z][\w’'\-]+(?:[ \t]*,[^,.;:!?\n]{1,60},)?"
                         r"(?:[ \t]+(?:has|have|had|was|is|also|later|then|once|again|would|will))*[ \t]+([A-Za-z]+)")


def _agent_noun(word: str) -> bool:
    return bool(_AGENT_NOUN.fullmatch(word)) and word not in _NOT_AGENTS


def _describes_occupation(word: str) -> bool:
    """A lower-case word that may stand before an occupation and say what kind it is: "café" in "Local café owner",
    "stall" in "Food stall holder"; not a small word, a verb of saying or a form of another verb ("blamed")."""
    return (word.isalpha() and word.islower() and word not in stopwords() and word not in SPEECH_VERBS
            and not word.endswith(("ed", "ing")))


def title_before(text: str, start: int, speaks: bool = False) -> str | None:
    """The title written right before the name at `start`, if it names an occupation: "Transport
    Minister" in "said Transport Minister John Smith", "Human Rights Watch researcher" in "Human Rights
    Watch researcher Tanya Lokshina said"; capitalised words and occupations, back to the first other
    word or punctuation. An occupation is one of `OCCUPATIONS`, or, for a speaker (a speech verb right after
    the name, or among the three words before the title, or `speaks`: someone the source quotes elsewhere), a
    lower-case word with an agent's ending: "Local baker" in "Local baker Otto Fischer said", "Danish artist" in
    "designed by Danish artist Søren Ødegaard" of a page that quotes him, not "winter" in "The winter Otto Fischer
    opened his shop"."""
    before = text[max(0, start - 100):start]
    if not before[-1:].isspace():
        return None
    taken: list[str] = []
    words = before[before.rfind("\n") + 1:].split()[-8:]  # a title stands on the name's line, not a heading above
    for i, word in enumerate(reversed(words)):
        if word[-1] in ",.;:!?()“”\"‘’'":
            break
        if i == 0 and word.lower().rstrip(".") in HONORIFICS - {"prof", "professor"}:
            continue  # "spokesman Mr John Doe": the title is "spokesman"
        if not (word[:1].isupper() or word.lower() in OCCUPATIONS or _agent_noun(word)):
            if not (taken and taken[-1].islower() and _describes_occupation(word) and sum(
                    not (w[:1].isupper() or w in OCCUPATIONS or _agent_noun(w)) for w in taken) < 2):
                break
        taken.append(word)
    if not any(w.lower() in OCCUPATIONS for w in taken):
        if not any(_agent_noun(w) for w in taken):
            return None
        after = _AFTER_NAME.match(text, start)
        preceding = []
        for word in reversed(words[:len(words) - len(taken)][-3:]):
            if word[-1] in ",.;:!?()“”\"‘’'":
                break
            preceding.append(word.lower())
        if not (speaks or (after and after.group(1).lower() in SPEECH_VERBS) or set(preceding) & SPEECH_VERBS):
            return None
    return " ".join(reversed(taken))


def _head_words(phrase: str) -> list[str]:
    """A description's words up to its first preposition or relative clause, normalised: its head is
    the last ("Russia Project Director with …" -> ["russia", "project", "director"])."""
    return [w for w in normalize_text(_ROLE_HEAD_END.split(phrase.lower(), maxsplit=1)[0]).split()
            if w not in HONORIFICS]


def _role_forms(token: str) -> frozenset[str]:
    for group in ROLE_SYNONYMS:
        if token in group:
            return group
    return frozenset((token,))


def matching_role(query: str, descriptions: Sequence[str]) -> str | None:
    """The description of a speaker (`LedgerEntry.speaker_roles`) that `query` ("the Crisis Group
    director", "the reporter") refers to, else None. The query's last word must name what a
    description is (its last word before its first preposition or relative clause: "director" in
    "Russia Project Director with the International Crisis Group", "researcher" in "Human Rights Watch
    researcher", not "group" or "watch"), and its other content words must be among the speaker's
    descriptions; occupations match their synonyms (`ROLE_SYNONYMS`)."""
    query = " ".join(_POST_INITIALS.get(t, t) for t in normalize_text(query).split())  # "the CEO"
    asked = [t for t in query.split() if t not in _ROLE_STOP]
    if not asked or not descriptions or asked[0][:1].isdigit():
        return None
    head = _ROLE_HEAD_END.split(query, maxsplit=1)
    if len(head) == 2 and head[0].split() and head[1].split():
        # "the journalist from Novaya Gazeta": what they are comes before what they belong to (a journalist's
        # review: Milashina, "who writes for Novaya Gazeta", had not been found)
        last = head[0].split()[-1]
        asked = [t for t in asked if t != last] + [last]

    def among(token: str, words: Iterable[str]) -> bool:
        return any(token_like(f, w) for f in _role_forms(token) for w in words)

    words = {w for d in descriptions for w in normalize_text(d).split()}
    if asked[-1] in EXPERT_WORDS:  # "the think tank expert": an expert, whatever the source calls their body
        asked = [a for a in asked[:-1] if a not in EXPERT_BODIES] + asked[-1:]
    if not all(among(a, words) for a in asked[:-1]):
        return None
    for description in descriptions:
        if among(asked[-1], _head_words(description)[-1:]):
            return description
    for description in descriptions:  # "the chief executive": the "Chief Executive Officer of …"
        heads = _head_words(description)
        if len(asked) > 1 and heads == asked + ["officer"]:
            return description
    for description in descriptions:  # "the police": the one who speaks for them ("Victoria Police spokesman")
        if (set(_head_words(description)[-1:]) & SPOKES_WORDS
                and all(among(a, normalize_text(description).split()) for a in asked)):
            return description
    if asked[-1] in EXPERT_WORDS:  # "the expert": someone who studies the matter, not a party to it
        for description in descriptions:
            if (set(_head_words(description)[-1:]) & EXPERT_HEADS
                    and not set(normalize_text(description).split()) & OFFICIAL_WORDS):
                return description
    return None


# a post by its initials: "the CEO" is the "Chief Executive Officer of Kestrel Battery Systems" (a developer's review)
_POST_INITIALS = {"ceo": "chief executive officer", "cfo": "chief financial officer", "coo": "chief operating officer",
                  "cto": "chief technology officer", "md": "managing director"}
SPOKES_WORDS = frozenset("spokesman spokeswoman spokesperson spokespeople representative".split())
_SPOKES_FORMS = re.compile(r"\bspokes(?:man|men|woman|women|person|persons|people)\b", re.IGNORECASE)

# What a journalist calls someone quoted for what they know ("the expert", "the Crisis Group analyst"),
# and the descriptions that make a speaker one: a director or researcher outside government.
EXPERT_WORDS = frozenset("expert experts analyst specialist scholar academic observer researcher".split())
# what a journalist may call the body an expert works for, which the source need not ("the think-tank expert")
EXPERT_BODIES = frozenset("think tank thinktank ngo nonprofit non profit research monitoring advocacy watchdog".split())
EXPERT_HEADS = frozenset("director researcher analyst professor scientist fellow scholar academic specialist "
                         "expert lecturer economist historian".split())
OFFICIAL_WORDS = frozenset("minister ministry government kremlin police federal state department parliament "
                           "army military president prosecutor prosecutors official spokesman spokeswoman "
                           "spokesperson".split())


def fold_spokes(text: str) -> str:
    """`text` with every form of "spokesman" as "spokespeople": "Kadyrov's spokesmen" are the source's "Spokespeople
    for the Chechen leader" (a journalist's review had them declined as no one the source names)."""
    return _SPOKES_FORMS.sub("spokespeople", text)


# Words that name what a speaker is, not what they belong to: a description counts for
# `speaker_heads` only with one of these as its head ("director", not "company" or "policy").
OCCUPATIONS = ROLE_WORDS | frozenset(
    "journalist reporter correspondent writer columnist expert activist lawyer official spokespeople "
    "researcher scientist professor doctor witness investigator campaigner".split())


def speaker_heads(forms: Iterable[str], descriptions: Iterable[str] = (), kind: str | None = None
                  ) -> frozenset[str]:
    """The words a question would use for a speaker, normalised: a person's surname (of a name of
    two words or more), a role's head ("minister" of "Chechen Minister for Information") and the head
    of a description when it is an occupation ("journalist", with its synonyms). Organisations give
    none: their heads ("group", "court") name too much."""
    heads: set[str] = set()

    def head(phrase: str) -> str | None:
        words = _head_words(phrase)
        return words[-1] if words else None

    for form in forms:
        if kind == "person" and len(_name_tokens(form)) >= 2:
            heads.add(_name_tokens(form)[-1])
        elif kind == "role" and (h := head(form)):
            heads |= _role_forms(h)
    for description in descriptions:
        if (h := head(description)) in OCCUPATIONS:
            heads |= _role_forms(h)
    return frozenset(heads)


def speaks_for(entry: LedgerEntry, name: str) -> bool:
    """Whether the source describes `entry`'s speaker as holding a post with `name` ("Russia Project Director with
    the International Crisis Group" for "the Crisis Group"): their words are its ("Who's the one person with sway
    over Grozny, according to the Crisis Group?" had been declined as not the Crisis Group's words)."""
    wanted = set(tokenize(name))
    return bool(wanted) and any(wanted <= set(tokenize(role)) and set(_head_words(role)[-1:]) & POST_WORDS
                                for role in entry.speaker_roles)


def role_matches(query: str, descriptions: Sequence[str]) -> bool:
    """Does `query` describe the speaker the source describes with `descriptions` (`matching_role`)?"""
    return matching_role(query, descriptions) is not None


# -- who holds a post: "Who is the prosecutor leading the inquiry?" of a source that names none --------------

# Words for a post someone holds, and words for the same post: "the Chechen leader" is the one the source
# calls "Chechen President Ramzan Kadyrov". A generic head ("official") is any post of whatever its
# modifiers name ("the Crisis Group official": its director).
POST_WORDS = ROLE_WORDS | OCCUPATIONS | SPOKES_WORDS | frozenset("official politician lawmaker diplomat".split())
POST_SYNONYMS = tuple(g | {"spokespeople"} if "spokesman" in g else g for g in ROLE_SYNONYMS) + (
    frozenset("leader president head ruler chief premier".split()),
)
GENERIC_POSTS = frozenset("official representative".split())
_IDENTITY_ASKED = re.compile(
    r"^\s*(?:(?:what|which)\s+(?:is|was|are|were)\s+the\s+(?:full\s+)?names?\s+of|what['’]s\s+the\s+(?:full\s+)?names?"
    r"\s+of|(?:the\s+)?names?\s+of"
    r"|who\s+(?:is|was|are|were)|who['’]s|which)\s+(?P<rest>[^?]+?)\s*[?.!]*\s*$", re.IGNORECASE)
_POST_COMPLEMENT = frozenset("of for at with".split())
# where a post's complement ends: "the editor-in-chief of the newspaper | that broke the story"
_COMPLEMENT_END = frozenset("who whom whose that which leading quoted named in on by to during after before when "
                            "where and or".split())
_NAME_PAIR = name_pattern(r"(?=\b([A-Z][\w’'\-]+[ \t]+[A-Z][\w’'\-]+)\b)")
_HONORIFIC_NAME = name_pattern(r"\b" + _HONORIFIC + r"\.?\s+[A-Z][\w’'\-]+")
_CAPITALISED_RUN = name_pattern(r"(?<![\w’'])(?:[A-Z][\w’'\-]+[ \t]+){1,4}[A-Z][\w’'\-]+")


def post_forms(word: str) -> frozenset[str]:
    """`word` as a post, singular, with the words for the same post; empty when it names none."""
    word = word.lower().split("-")[0]  # "editor-in-chief"
    for form in (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word):
        if form in POST_WORDS:
            return next((g for g in POST_SYNONYMS if form in g), frozenset((form,)))
    return frozenset()


@dataclass(frozen=True)
class PostAsked:
    """A question for the name of whoever holds a post: "Who is the prosecutor …?"."""

    head: str                   # the post, as asked: "prosecutor"
    modifiers: frozenset[str]   # whose post, normalised: {"chechnya", "information"}
    phrase: str                 # "Chechnya's Minister for Information"
    owner: frozenset[str] = frozenset()  # whose, by a possessive, any case: {"network"} of "the network's spokesperson"


def post_asked(question: str) -> PostAsked | None:
    """The post whose holder the question asks to be named ("the prosecutor" in "Who is the prosecutor
    leading the inquiry?", "Which US official expressed concern?", "Name of Kadyrov's spokesman?"), else
    None: a question about anything but a post ("Which newspaper …?"), or one where a verb comes before the
    post ("Who is credited as the photographer?")."""
    m = _IDENTITY_ASKED.match(" ".join(question.split()))
    if not m or re.search(r"\b(?:and|or)\s+(?:who|what|which|where|when|how)\b", m.group("rest"), re.IGNORECASE):
        return None  # two questions in one ("Who is the prosecutor and who is the Chechen president?")
    words = [w.strip(",;:") for w in m.group("rest").split()]
    at = next((i for i, w in enumerate(words) if post_forms(w)), None)
    if at is None:
        return None
    while at + 1 < len(words) and post_forms(words[at + 1]):  # "Prime Minister"
        at += 1
    before = words[:at]
    determiner = ("the", "a", "an", "this", "that")
    if before and not (before[0].lower() in determiner or before[0][:1].isupper() or re.search(r"['’]s?$", before[0])):
        return None
    if any(w.lower() in determiner for w in before[1:]):  # "the mosque the leaders visited": another noun first
        return None
    if (m.group(0).lstrip().lower().startswith("which") and post_forms(words[at]) and words[at].lower().endswith("s")
            and not re.search(r"\bby name\b", question, re.IGNORECASE)):
        return None  # "Which politicians condemned …?" may be answered by who they are: "… from both sides"
    end = at + 1
    if end < len(words) and words[end].lower() in _POST_COMPLEMENT:  # "Minister for Information", "of the opposition"
        end += 1
        while end < len(words) and words[end].lower() not in _COMPLEMENT_END:
            end += 1
    phrase = " ".join(words[:end])
    determined = re.match(r"(?:the|a|an|this|that)\s+", phrase, flags=re.IGNORECASE)
    phrase = phrase[determined.end():] if determined else phrase
    # whose post, by the names the question gives ("Chechnya's", "US", "for Information"): a lower-case word
    # ("the regime's leader", "the federal prosecutor") may be the source's other word for it
    modifiers = {w for w in normalize_text(re.sub(r"['’]s\b", "", " ".join(
        x for x in before + words[at + 1:end] if x[:1].isupper()))).split()}
    owner = {w for x in before if re.search(r"['’]s$", x) for w in normalize_text(re.sub(r"['’]s$", "", x)).split()}
    return PostAsked(head=words[at].lower(), modifiers=frozenset(modifiers), owner=frozenset(owner),
                     phrase=f"the {phrase}" if determined or not any(re.search(r"['’]s?$", w) for w in before)
                     else phrase)


def named_posts(text: str) -> list[tuple[str, str]]:
    """(name, description) for each name `text` describes by a title before it or an appositive
    (`appositives`): ("Vladimir Putin", "Russian Prime Minister"), ("Elena Milashina", "the journalist
    behind the initial newspaper report")."""
    out = []
    for m in _NAME_PAIR.finditer(text):
        start, end = m.start(1), m.end(1)
        if post_forms(m.group(1).split()[0]):  # "Minister Vladimir" of "Prime Minister Vladimir Putin"
            continue
        out += [(m.group(1), d) for d in appositives(text, start, end)]
    return list(dict.fromkeys(out))


def holds_post(asked: PostAsked, description: str) -> bool:
    """Whether the source's `description` of someone makes them the holder of the post asked about: its
    head is the post or a word for it (any post for a generic one) and, when the question says whose post,
    it shares a word with that."""
    heads = _head_words(description)
    if not heads:
        return False
    head = post_forms(heads[-1]) or (post_forms(heads[-2]) if len(heads) > 1 else frozenset())  # "chief executive"
    asked_forms = post_forms(asked.head)
    if not (head & asked_forms or (asked_forms & GENERIC_POSTS and head)):
        return False
    # a place's name and its adjective alike ("Chechnya", "Chechen")
    return not asked.modifiers or any(token_like(m, w) for m in asked.modifiers
                                      for w in normalize_text(description).split())


def post_holders(asked: PostAsked, texts: Sequence[str]) -> list[tuple[int, str, str]]:
    """(index, name, description) for each of `texts` that names someone by a title or appositive of the post asked
    about, every word of whose post it holds: "Chechen President Ramzan Kadyrov" for "the Chechen leader"; not
    "Russian Prime Minister Vladimir Putin" for "the Russian Justice Minister"."""
    def all_of(description: str) -> bool:
        words = normalize_text(description).split()
        return all(any(token_like(m, w) for w in words) for m in asked.modifiers)

    return [(i, name, d) for i, t in enumerate(texts) for name, d in named_posts(t)
            if holds_post(asked, d) and all_of(d)]


def post_unnamed(asked: PostAsked, texts: Sequence[str],
                 descriptions: Iterable[str] = ()) -> list[int]:
    """The texts (indexes) that mention the post asked about, when none of `texts` names its holder
    (`named_posts`) and none of `descriptions` (the speakers' own, `LedgerEntry.speaker_roles`) is of it;
    else []: the source names someone as it, or never mentions it."""
    described = [d for t in texts for _, d in named_posts(t)] if texts else []
    if any(holds_post(asked, d) for d in (*descriptions, *described)):
        return []
    forms = post_forms(asked.head)

    def mentions(text: str) -> bool:  # the post, not given to anyone named in this sentence; "heads to" is a verb
        words = normalize_text(text).split()
        said = any(post_forms(w) & forms and not (w == "heads" and after != "of")
                   for w, after in zip(words, words[1:] + [""]))
        return said and not any(post_forms(h[-1]) & forms for _, d in named_posts(text) if (h := _head_words(d)))

    return [i for i, t in enumerate(texts) if mentions(t)]


# ---------------------------------------------------------------------------------------------
# Quote marks


@dataclass
class _Quote:
    open: int  # index of the opening mark
    close: int | None  # index of the closing mark; None: runs to the paragraph end
    start: int  # quoted text, trimmed
    end: int
    family: str  # "double" | "single"
    depth: int = 0
    paragraph: int = 0


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def find_quotes(text: str, start: int, end: int) -> list[_Quote]:
    """Quotations in `text[start:end]` (one paragraph), outermost and nested."""
    marks: list[tuple[int, str, str]] = []  # (index, family, "open"|"close"|"either")
    for i in range(start, end):
        ch = text[i]
        if ch not in _QUOTE_CHARS:
            continue
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        family = "double" if ch in _OPEN_D + _CLOSE_D + _STRAIGHT_D else "single"
        if ch in _OPEN_D + _OPEN_S:
            role = "open"
        elif ch in _CLOSE_D + _CLOSE_S:
            if family == "single" and _is_word(prev) and _is_word(nxt):
                continue  # apostrophe: it’s
            role = "close"
        else:  # straight mark: decide from its neighbours
            if family == "single" and _is_word(prev) and _is_word(nxt):
                continue
            before_open = prev.isspace() or prev in "([{—–-/" + _OPEN_D + _OPEN_S
            if before_open and not nxt.isspace():
                role = "open"
            elif not prev.isspace():
                role = "close"
            else:
                continue
        marks.append((i, family, role))
    stack: list[tuple[int, str]] = []
    pairs: list[tuple[int, int | None, str]] = []
    for i, family, role in marks:
        if role == "open":
            stack.append((i, family))
            continue
        match = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), None)
        if match is None:
            continue  # a closing mark with nothing to close: an apostrophe (networks’) or a typo
        pairs.append((stack[match][0], i, family))
        del stack[match:]
    if stack and stack[0][1] == "double":  # left open: the quote continues in the next paragraph
        pairs.append((stack[0][0], None, "double"))
    quotes = []
    for o, c, family in pairs:
        lo, hi = o + 1, (c if c is not None else end)
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            quotes.append(_Quote(open=o, close=c, start=lo, end=hi, family=family))
    quotes.sort(key=lambda q: q.open)
    for q in quotes:
        q_end = q.close if q.close is not None else end
        q.depth = sum(
            1 for p in quotes if p is not q and p.open < q.open and (p.close or end) > q_end
        )
    return quotes


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:[’'\-][^\W_]+)*", text))


# ---------------------------------------------------------------------------------------------
# Noun phrases that can be speakers


@dataclass
class _NP:
    kind: str  # "pronoun" | "person" | "role" | "org" | "desc"
    text: str  # as written (without a leading "The")
    honorific: str | None = None


def _is_cap(token: str) -> bool:
    token = token.strip("()")
    return bool(token) and token[0].isupper()


def parse_np(phrase: str) -> _NP | None:
    """A speaker noun phrase filling all of `phrase`, or None."""
    phrase = phrase.strip().strip(",;:—–-").strip()
    tokens = phrase.split()
    if not tokens or len(tokens) > 8 or any(re.search(r"[,;:()\"“”‘’]$|^[‘“\"]", t) for t in tokens):
        return None
    lower = [t.lower().rstrip(".") for t in tokens]
    if len(tokens) == 1 and lower[0] in PRONOUNS:
        return _NP("pronoun", lower[0])
    if tokens == ["I"]:  # the one speaking: a transcript's turn says who (`turn_speaker`), never a name "I"
        return _NP("pronoun", "i")
    article = lower[0] == "the"
    body, lbody = (tokens[1:], lower[1:]) if article else (tokens, lower)
    if not body:
        return None
    # a title in lower case, up to three words ending in a post: "coach", "head chef", "product lead", "lead author",
    # "museum director"
    titled = next((k for k in (3, 2, 1) if len(body) > k and all(t.islower() and t.isalpha() for t in body[:k])
                   and lbody[k - 1] in _TITLE_HEADS), 0)
    if not titled and not article:  # "said Rovers manager Gemma Clarke" (a developer's review: "Rovers" spoke)
        titled = next((k for k in (3, 2) if len(body) > k + 1 and body[k - 1].islower() and lbody[k - 1] in _TITLE_HEADS
                       and all(_is_cap(t) and t.isalpha() for t in body[:k - 1])), 0)
    named = body[titled:]
    if named and lbody[titled] in FEMALE_HONORIFICS | MALE_HONORIFICS and len(named) >= 3:
        named = named[1:]  # "said spokesman Mr John Doe": John Doe, as for "Mr Daniel Kowalski"
    if (not article and titled and 2 <= len(named) <= 4
            and all(_is_cap(t) and re.sub(r"[-’']", "", t).isalpha() for t in named)):
        # "“Bring a towel,” said coach Ana Lima.", "said head chef Marco Bellini" (a developer's review: a scare
        # quote of no one), "said product lead Daniel Achterberg", "said lead author Dr Ingrid Halvorsen", "says
        # museum director Harriet Osei-Bonsu" (another developer's review)
        return _NP("person", " ".join(named), honorific=" ".join(lbody[:titled]))
    if all(_is_cap(t) or (i and lt in CONNECTORS) for i, (t, lt) in enumerate(zip(body, lbody))) \
            and _is_cap(body[-1]):
        if lbody[0] in NAME_STOP:
            return None
        text = " ".join(body)
        if lbody[0] in HONORIFICS and len(body) >= 2:
            # "Mr Daniel Kowalski" is Daniel Kowalski (a developer's review: the honorific kept in the name); "Ms
            # Sokirianskaia" stays whole, a short form joined to the full name, and "Professor Tom Reed" keeps the
            # title that says what he is
            plain = lbody[0] in FEMALE_HONORIFICS | MALE_HONORIFICS | {"mx"} and len(body) >= 3
            return _NP("person", " ".join(body[1:]) if plain else text, honorific=lbody[0])
        roles = [i for i, lt in enumerate(lbody) if lt in ROLE_WORDS]
        if any(lt in ORG_WORDS for lt in lbody) or all(t.isupper() and len(t) > 1 for t in body):
            return _NP("org", text)
        if roles:
            after = body[roles[-1] + 1:]
            if after and not article and all(_is_cap(t) for t in after) and len(after) <= 3:
                return _NP("person", " ".join(after), honorific=lbody[roles[-1]])
            return _NP("role", text)
        if article:
            return _NP("org", text)
        if len(body) <= 4 and all(t.isalpha() or "-" in t or "’" in t or "'" in t for t in body):
            return _NP("person", text)
        return None
    if article and 1 <= len(body) <= 4 and lbody[-1].isalpha() and lbody[-1] in DESCRIPTION_HEADS:
        return _NP("desc", " ".join(body))
    return None


def suffix_np(text: str) -> tuple[int, _NP] | None:
    """The longest speaker noun phrase that ends `text`, as (offset in `text`, phrase)."""
    stripped = text.rstrip()
    tokens = list(_TOKEN.finditer(stripped))
    best = None
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 9), -1):
        np_ = parse_np(stripped[tokens[k].start():])
        if np_ is not None:
            best = (tokens[k].start(), np_)
        elif best is not None and k < len(tokens) - 4:
            break
    if best is not None:  # start at an honorific inside the phrase ("Yesterday Ms Doe")
        off, np_ = best
        before = stripped[:off].split()[-2:]
        if (np_.kind != "pronoun" and len(before) == 2 and before[1] in _PLACE_PREPOSITIONS
                and before[0].isalpha() and before[0].islower()):
            return None  # "Some residents on Mill Lane say …": a place the speakers are from, not a speaker
        return off, np_
    return None


_PLACE_PREPOSITIONS = frozenset("on in at from near across along around".split())


_DESCRIBED_NAME = re.compile(r"(?:the|a|an|our|its|their|his|her)\s+[^,.;:!?\n“”\"]{2,60},[ \t]+"
                             r"(?P<name>[A-Z][\w’'.\-]*(?:[ \t]+[A-Z][\w’'.\-]*){1,3})[ \t]*(?=[.;!?]|$)")


def prefix_np(text: str) -> tuple[int, int, _NP] | None:
    """The longest speaker noun phrase that starts `text` (after spaces), with its offsets."""
    lead = len(text) - len(text.lstrip())
    described = _DESCRIBED_NAME.match(text, lead)
    name = described.group("name").rstrip(".") if described else ""  # the sentence's full stop is no initial's
    if described and (np_ := parse_np(name)) is not None and np_.kind == "person":
        # "…,” says the exhibition's curator, Dr Lucia Ferrante.": the name after its description (a developer's
        # review: the quote had been no one's)
        return described.start("name"), described.start("name") + len(name), np_
    clause = re.split(r"[,;:.!?—–]|\s[-]\s", text[lead:], maxsplit=1)[0]
    tokens = list(_TOKEN.finditer(clause))
    for k in range(min(len(tokens), 8), 0, -1):
        end = tokens[k - 1].end()
        np_ = parse_np(clause[:end])
        if np_ is not None:
            return lead, lead + end, np_
    return None


# ---------------------------------------------------------------------------------------------
# Attributions


@dataclass
class _Attribution:
    subject_start: int
    subject_end: int
    verb_start: int
    verb_end: int
    np: _NP
    post_quote: bool  # directly follows a closing quote mark
    entity: "_Entity | None" = None
    antecedent: tuple[int, int] | None = None
    confidence: float = 1.0
    according: bool = False  # "according to X": the sentence around it is X's, wherever X stands in it

    @property
    def span(self) -> tuple[int, int]:
        return min(self.subject_start, self.verb_start), max(self.subject_end, self.verb_end)


def _verbs(text: str, lo: int, hi: int) -> Iterable[re.Match]:
    for m in re.finditer(r"[A-Za-z]+", text[lo:hi]):
        if m.group().lower() in SPEECH_VERBS:
            yield m


def _skip_aux(before: str) -> str:
    """`before` without trailing auxiliaries ("she has also" -> "she")."""
    while True:
        m = re.search(r"(\s+)([A-Za-z]+)\s*$", before)
        if not m or m.group(2).lower() not in AUXILIARIES:
            return before
        before = before[:m.start()]


def _subject_before(text: str, lo: int, verb_at: int) -> tuple[int, int, _NP] | None:
    """Subject of a verb at `verb_at`, found in `text[lo:verb_at]`, with appositives skipped."""
    before = _skip_aux(text[lo:verb_at])
    if not before.strip():
        return None
    trimmed = before.rstrip()
    if not trimmed.endswith(","):
        found = suffix_np(trimmed)
        if found is None:
            return None
        off, np_ = found
        return lo + off, lo + len(trimmed), np_
    inner = trimmed[:-1]
    cut = inner.rfind(",")
    segment = inner[cut + 1:]
    named = parse_np(segment)
    if named is not None and named.kind in ("person", "org", "role"):  # "..., Jane Doe, telling"
        seg_lo = cut + 1 + (len(segment) - len(segment.lstrip()))
        return lo + seg_lo, lo + len(inner), named
    if cut < 0:
        return None
    found = suffix_np(inner[:cut])  # "Jane Doe, a director at X, says"
    if found is None or found[1].kind == "desc":
        return None
    off, np_ = found
    return lo + off, lo + len(inner[:cut].rstrip()), np_


_ACCORDING = re.compile(r"\b(according[ \t]+to)[ \t]+", re.IGNORECASE)
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}


def _according_subject(text: str, at: int, hi: int) -> tuple[int, int, _NP] | None:
    """Whom "according to" at `at` names, as (start, end, phrase), filling the words up to the next
    punctuation: a name, a title or an organisation ("Ms Doe", "Human Rights Watch"), a description
    ("the police", "police", "local officials"), "him"/"her"/"them", or a name after a description set off
    by commas ("the firm's lead engineer, Priya Raman,"). Not a plan, figures or custom."""
    lead = len(text[at:hi]) - len(text[at:hi].lstrip())
    start = at + lead
    parts = re.split(r"([,;:.!?—–()“”\"]|\s-\s)", text[start:hi], maxsplit=2)
    clause = parts[0].rstrip()
    np_ = parse_np(clause) if clause and not re.search(r"[’']s$", clause) else None
    if np_ is None and clause.lower() in _OBJECT_PRONOUNS:
        np_ = _NP("pronoun", _OBJECT_PRONOUNS[clause.lower()])
    if np_ is None and 1 <= len(words := clause.split()) <= 3 and all(w.isalpha() and w.islower() for w in words) \
            and words[-1] in DESCRIPTION_HEADS:  # "according to police", "according to local officials"
        np_ = _NP("desc", clause)
    if np_ is not None:
        return start, start + len(clause), np_
    if len(parts) == 5 and parts[1] == "," and parts[3] == "," and _DETERMINER.match(clause + " "):
        named = parse_np(parts[2])  # "the firm's lead engineer, Priya Raman, the bridge …"
        if named is not None and named.kind in ("person", "org", "role"):
            a = start + len(parts[0]) + 1
            a += len(parts[2]) - len(parts[2].lstrip())
            return a, a + len(parts[2].strip()), named
    return None


def _according(text: str, lo: int, hi: int) -> list[_Attribution]:
    """The "according to X" attributions in `text[lo:hi]`: "according to" is the verb."""
    out = []
    for m in _ACCORDING.finditer(text, lo, hi):
        found = _according_subject(text, m.end(1), hi)
        if found is not None:
            a, b, np_ = found
            out.append(_Attribution(a, b, m.start(1), m.end(1), np_, False, according=True))
    return out


def attributions_in(text: str, lo: int, hi: int, *, after_quote: bool = False) -> list[_Attribution]:
    """Speech attributions in `text[lo:hi]`, a stretch outside quote marks, in order.

    With `after_quote`, the stretch starts right after a closing mark: a subject-verb pair or an
    inverted verb-subject pair at its very start is flagged `post_quote`.
    """
    out: list[_Attribution] = []
    if after_quote:
        lead = re.match(r"[\s,;:.!?—–-]*", text[lo:hi]).end()
        start = lo + lead
        for m in _verbs(text, start, hi):
            v0, v1 = start + m.start(), start + m.end()
            subject = parse_np(_skip_aux(text[start:v0]))
            if subject is not None:
                s_text = _skip_aux(text[start:v0]).rstrip()
                out.append(_Attribution(start, start + len(s_text), v0, v1, subject, True))
            elif not text[start:v0].strip():  # inverted: "…,” says Ms Doe."
                found = prefix_np(text[v1:hi])
                if found is not None:
                    a, b, np_ = found
                    out.append(_Attribution(v1 + a, v1 + b, v0, v1, np_, True))
            break  # only the first verb can attach to the quote
        for att in _according(text, start, hi)[:1]:  # "…,” according to Ms Doe."
            if att.verb_start == start:
                att.post_quote = True
                out.append(att)
    for att in _according(text, lo, hi):
        if not any(a.verb_start == att.verb_start for a in out):
            out.append(att)
    for m in _verbs(text, lo, hi):
        v0, v1 = lo + m.start(), lo + m.end()
        if any(a.verb_start == v0 for a in out):
            continue
        subject = _subject_before(text, lo, v0)
        if subject is not None:
            a, b, np_ = subject
            if np_.kind == "pronoun" and text[a:b].lower() in ("it", "they") and \
                    re.match(r"\s*(is|was|would|will|seems)\b", text[v1:hi]):
                continue
            out.append(_Attribution(a, b, v0, v1, np_, False))
            continue
        if re.match(r"\s*,?\s*$", text[max(lo, v0 - 3):v0]) and text[lo:v0].rstrip().endswith(","):
            found = prefix_np(text[v1:hi])  # "…, says Ms Doe."
            if found is not None and found[2].kind != "pronoun":
                a, b, np_ = found
                out.append(_Attribution(v1 + a, v1 + b, v0, v1, np_, False))
    return out


# ---------------------------------------------------------------------------------------------
# Speakers: named entities, short forms, pronouns


@dataclass(eq=False)
class _Entity:
    kind: str  # "person" | "role" | "org"
    names: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)  # "Russia director of X", "who writes for Y"
    gender: str | None = None
    strong: bool = False  # a speaker, or named with an honorific

    @property
    def surname(self) -> str | None:
        if self.kind != "person":
            return None
        return _name_tokens(self.names[0])[-1] if self.names and _name_tokens(self.names[0]) else None

    @property
    def display(self) -> str:
        bare = [n for n in self.names if n.split()[0].lower().rstrip(".") not in HONORIFICS]
        return max(bare or self.names, key=lambda n: (len(n.split()), len(n)))

    def forms(self) -> tuple[str, ...]:
        forms = list(dict.fromkeys(self.names))
        return tuple(sorted(forms, key=lambda n: (-len(n.split()), n)))


class _Speakers:
    def __init__(self):
        self.entities: list[_Entity] = []
        # each entity under the key a new name must share to join it, in the order met: a person's
        # surname, anyone else's whole name (every name an entity is given shares it, so it never moves)
        self._keyed: dict[tuple, list[_Entity]] = {}
        self._tokens: dict[int, list[str]] = {}  # the display name's tokens, which a longer name changes

    def add(self, np_: _NP, strong: bool = True) -> _Entity | None:
        """The entity a named phrase refers to, created or joined by short form."""
        if np_.kind in ("pronoun", "desc"):
            return None
        tokens = _name_tokens(np_.text)
        if not tokens:
            return None
        gender = ("F" if np_.honorific in FEMALE_HONORIFICS
                  else "M" if np_.honorific in MALE_HONORIFICS else None)
        if np_.kind == "person":  # same surname, and one of them has no first name or both the same
            entity = next((e for e in self._keyed.get(("person", tokens[-1]), ())
                           if len(tokens) == 1 or len(self._tokens[id(e)]) == 1
                           or tokens[:-1] == self._tokens[id(e)][:-1]), None)
        else:
            entity = next(iter(self._keyed.get((np_.kind, tuple(tokens)), ())), None)
        if entity is None:
            entity = _Entity(kind=np_.kind)
            self.entities.append(entity)
            key = ("person", tokens[-1]) if np_.kind == "person" else (np_.kind, tuple(tokens))
            self._keyed.setdefault(key, []).append(entity)
        if np_.text not in entity.names:
            entity.names.append(np_.text)
            self._tokens[id(entity)] = _name_tokens(entity.display)
        entity.gender = entity.gender or gender
        entity.strong = entity.strong or strong or np_.honorific in HONORIFICS
        return entity

    def by_description(self, np_: _NP, before: int, mentions: list[tuple[int, _Entity]]):
        words = _name_tokens(np_.text)
        head, modifiers = words[-1], words[:-1]
        for pos, entity in reversed(mentions):
            if pos >= before:
                continue
            for name in entity.names:
                tokens = _name_tokens(name)
                if tokens and tokens[-1] == head and all(m in tokens for m in modifiers):
                    return pos, entity
        return None


def _fits(pronoun: str, entity: _Entity) -> bool:
    if pronoun == "she":
        return entity.kind in ("person", "role") and entity.gender != "M"
    if pronoun == "he":
        return entity.kind in ("person", "role") and entity.gender != "F"
    if pronoun == "it":
        return entity.kind == "org"
    return entity.kind == "org" or pronoun == "they"


# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass
class _Item:
    quote: _Quote | None
    start: int
    end: int
    paragraph: int
    kind: str
    attribution: _Attribution | None = None
    continued: bool = False
    confidence: float = 0.0


_LEDGER_CACHE: dict[tuple[str, str, int], list[LedgerEntry]] = {}


def build_ledger(
    document: Document,
    passages: Sequence[Passage] | None = None,
    *,
    include_reported: bool = True,
) -> list[LedgerEntry]:
    """Every quotation in `document`, in order, with its speaker and the evidence.

    Args:
        document: an ingested document (`load_document`, or `Retriever.documents[doc_id]`).
        passages: the document's passages, to fill `Citation.passage_id` as the index has them;
            by default the document is chunked with the default `ChunkSettings`.
        include_reported: also list sentences of reported speech (kind "reported").

    Example:
        >>> ledger = build_ledger(load_document("data/sbs-2017-04-19-chechnya.txt"))
        >>> [(e.speaker, e.quote) for e in ledger if e.kind == "direct"][0]
        ('Ekaterina Sokirianskaia', "It is a real disaster, it's getting out of control,")
    """
    key = (document.doc_id, document.sha256, hash(tuple(p.passage_id for p in passages or ())))
    if key not in _LEDGER_CACHE:
        if len(_LEDGER_CACHE) > 256:
            _LEDGER_CACHE.clear()
        _LEDGER_CACHE[key] = _build(document, passages)
    ledger = _LEDGER_CACHE[key]
    return ledger if include_reported else [e for e in ledger if e.kind != "reported"]


def _contained_spans(spans: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie inside another, different span (one sweep, not all pairs)."""
    out, reach = set(), -1
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if reach >= end:  # an earlier span starts no later and ends no sooner
            out.add((start, end))
        reach = max(reach, end)
    return out


def _build(document: Document, passages: Sequence[Passage] | None) -> list[LedgerEntry]:
    text = document.text
    paragraphs = document.paragraphs
    quotes: list[_Quote] = []
    for p in paragraphs:
        for q in find_quotes(text, p.start, p.end):
            q.paragraph = p.number
            quotes.append(q)
    top = [q for q in quotes if q.depth == 0]
    long_by_family = {f: sum(1 for q in top if q.family == f and _words(text[q.start:q.end]) > 4)
                      for f in ("double", "single")}
    primary = "single" if long_by_family["single"] > long_by_family["double"] else "double"

    # masked(lo, hi): some top-level quote holds text[lo:hi]; with the quotes by opening mark, that is
    # the farthest reach of those opening at or before lo
    by_open = sorted(top, key=lambda q: q.open)
    opens = [q.open for q in by_open]
    reach = list(accumulate(((q.close if q.close is not None else q.end) + 1 for q in by_open), max))

    def masked(lo: int, hi: int) -> bool:
        k = bisect_right(opens, lo)
        return k > 0 and hi <= reach[k - 1]

    # 1. Raw attributions: around each top-level quote and in every sentence outside quotes.
    raw: dict[tuple[int, int], _Attribution] = {}
    sentences: dict[int, list[tuple[int, int]]] = {}
    top_in: dict[int, list[_Quote]] = {}
    for q in by_open:
        top_in.setdefault(q.paragraph, []).append(q)
    for p in paragraphs:
        spans = [(s.start, s.end) for s in p.sentences] or [(p.start, p.end)]
        sentences[p.number] = spans
        para_top = top_in.get(p.number, [])
        cuts = [p.start]
        for q in para_top:
            cuts += [q.open, (q.close + 1) if q.close is not None else p.end]
        cuts.append(p.end)
        for k in range(0, len(cuts), 2):
            lo, hi = cuts[k], cuts[k + 1]
            if hi <= lo:
                continue
            after = k > 0
            # split the stretch at sentence ends so that subjects stay in their sentence
            bounds = sorted({lo, hi, *(e for _, e in spans if lo < e < hi)})
            for a, b in zip(bounds, bounds[1:]):
                for att in attributions_in(text, a, b, after_quote=after and a == lo):
                    raw.setdefault((att.subject_start, att.verb_start), att)
    attributions = sorted(raw.values(), key=lambda a: a.span)

    # 2. Entities from named subjects and honorific mentions, then their mentions in order.
    speakers = _Speakers()
    for att in attributions:
        att.entity = speakers.add(att.np)
    for m in _HONORIFIC_NAME.finditer(text):
        if not masked(m.start(), m.end()):
            np_ = parse_np(re.sub(r"[’']s$", "", m.group()))  # "Mr Cole's figures": Mr Cole
            if np_ is not None:
                speakers.add(np_)
    for m in _CAPITALISED_RUN.finditer(text):
        if masked(m.start(), m.end()):
            continue
        phrase = re.sub(r"[’']s$", "", m.group())
        np_ = parse_np(phrase) or parse_np(phrase.split(None, 1)[1])  # sentence-initial word
        if np_ is not None and np_.kind == "person":
            speakers.add(np_, strong=False)  # named in passing: joins short forms, weak antecedent
    searched: list[tuple[str, bool, _Entity]] = []  # (form, case-sensitive, entity)
    for entity in speakers.entities:
        forms = set(entity.names)
        if entity.kind == "person" and entity.surname and len(_name_tokens(entity.display)) > 1:
            forms.add(entity.display.split()[-1])
        searched += [(form, entity.kind == "person", entity) for form in forms]
    named = [(a, b, e) for a, b, e in _occurrences(text, searched) if not masked(a, b)]  # outside quotes
    inside = _contained_spans((a, b) for a, b, _ in named)  # "Doe" inside "Jane Doe" is one mention
    rank = {id(e): i for i, e in enumerate(speakers.entities)}  # a name several share: in the order met
    named = sorted({m for m in named if (m[0], m[1]) not in inside},
                   key=lambda m: (m[0], m[1], rank[id(m[2])]))
    mentions: list[tuple[int, _Entity]] = [(a, e) for a, _, e in named]
    speaking = {id(att.entity) for att in attributions}
    for a, b, entity in named:
        for description in appositives(text, a, b, speaks=id(entity) in speaking):
            if description not in entity.descriptions:
                entity.descriptions.append(description)

    named_as: dict[int, list[tuple[int, int]]] = {}  # each entity's mentions by name, in order
    for a, b, e in named:
        named_as.setdefault(id(e), []).append((a, b))

    def last_named(entity: _Entity, before: int) -> tuple[int, int] | None:
        found = named_as.get(id(entity), [])
        k = bisect_left(found, before, key=lambda m: m[0])
        return found[k - 1] if k else None

    def last_fitting(pronoun: str, before: int, para_start: int) -> tuple[int, _Entity] | None:
        """The mention a pronoun refers to: the last fitting strong one (a speaker) or one of the pronoun's
        gender in its paragraph, else the last fitting one there, else the last fitting strong one, else the
        last fitting one. "Mr O'Brien said the surplus was due to a deal with Harbour Hardware. He warned …":
        O'Brien, not the company named in his words (a developer's review: "He" was Harbour Hardware, at 1.00)."""
        last = here = None
        for pos, e in reversed(mentions[:bisect_left(mentions, before, key=lambda m: m[0])]):
            if not _fits(pronoun, e):
                continue
            if pos >= para_start:
                if e.strong or e.gender == {"he": "M", "she": "F"}.get(pronoun):
                    return pos, e
                here = here or (pos, e)
                continue
            if here is not None:
                return here
            last = last or (pos, e)
            if e.strong:
                return pos, e
        return here or last

    para_starts = [p.start for p in paragraphs]

    def turn_speaker(pos: int) -> tuple[int, _Entity] | None:
        """Who speaks in the turn of a transcript that holds `pos`: "A: Dr Okafor: …", or an "A:" after "Q: Dr
        Okafor, …?" (a developer's review: "I said at the council meeting, “…”" had been the words of "I")."""
        k = max(bisect_right(para_starts, pos) - 1, 0)
        label = _turn_label(text, paragraphs[k].start, paragraphs[k].end)
        if label is None and k > 0 and _ANSWER_TURN.match(text, paragraphs[k].start):
            label = _addressed(text, paragraphs[k - 1].start, paragraphs[k - 1].end)
        if label is None:
            return None
        return next(((a, e) for a, e in mentions if label[0] <= a < label[1] and e.kind == "person"), None)

    # 3. Resolve pronouns and descriptions in reading order.
    for att in attributions:
        if att.np.kind == "pronoun":
            pronoun = att.np.text
            para_start = _paragraph_start(paragraphs, para_starts, att.subject_start)
            found = turn_speaker(att.subject_start) if pronoun == "i" else \
                last_fitting(pronoun, att.subject_start, para_start)
            if found is not None:
                entity = found[1]
                att.entity, att.confidence = entity, 0.9
                if pronoun in ("she", "he") and entity.kind == "person":
                    entity.gender = entity.gender or ("F" if pronoun == "she" else "M")
        elif att.np.kind == "desc":
            found = speakers.by_description(att.np, att.subject_start, mentions)
            if found is not None:
                att.entity, att.confidence = found[1], 0.9
        if att.entity is not None:
            if att.np.kind in ("pronoun", "desc"):
                att.antecedent = last_named(att.entity, att.subject_start)
            insort(mentions, (att.subject_start, att.entity), key=lambda m: m[0])

    # 4. Quotes: kind and attribution.
    def sentence_of(paragraph: int, pos: int) -> tuple[int, int]:
        for a, b in sentences[paragraph]:
            if a <= pos < b:
                return a, b
        return sentences[paragraph][0][0], sentences[paragraph][-1][1]

    para_atts: dict[int, list[_Attribution]] = {}
    para_of = {}
    for att in attributions:  # in text order, as paragraph by paragraph
        k = bisect_right(para_starts, att.subject_start) - 1
        if k >= 0 and att.subject_start < paragraphs[k].end:
            para_atts.setdefault(paragraphs[k].number, []).append(att)
            para_of[id(att)] = paragraphs[k].number

    items: list[_Item] = []
    for q in quotes:
        n_words = _words(text[q.start:q.end])
        if q.depth > 0:
            kind = "scare" if n_words <= 4 else "direct"
            items.append(_Item(q, q.start, q.end, q.paragraph, kind))
            continue
        if q.family != primary and n_words <= 4:
            items.append(_Item(q, q.start, q.end, q.paragraph, "scare"))
            continue
        s_lo, s_hi = sentence_of(q.paragraph, q.open)
        e_lo, e_hi = sentence_of(q.paragraph, q.close if q.close is not None else q.end - 1)
        close = q.close if q.close is not None else q.end
        local = [a for a in para_atts.get(q.paragraph, ())
                 if s_lo <= a.subject_start < e_hi or s_lo <= a.verb_start < e_hi]
        # no other quote opens between the quote and an attribution after / before it
        after = [a for a in local if a.post_quote and close < a.span[0]
                 and bisect_right(opens, close) == bisect_left(opens, a.span[0])]
        before = [a for a in local if a.span[1] <= q.open and not a.post_quote]
        prior_post = [a for a in local if a.post_quote and a.span[1] <= q.open
                      and bisect_left(opens, a.span[1]) == bisect_left(opens, q.open)]
        chosen = (after[:1] or prior_post[-1:] or before[:1])
        item = _Item(q, q.start, q.end, q.paragraph, "direct")
        if chosen:
            item.attribution, item.confidence = chosen[0], chosen[0].confidence
        items.append(item)

    # reported speech: sentences whose attribution is followed by a clause, or ends them
    reported: list[_Item] = []
    for p in paragraphs:
        for s_lo, s_hi in sentences[p.number]:
            for att in para_atts.get(p.number, ()):
                if att.post_quote or not (s_lo <= att.span[0] < s_hi):
                    continue
                if att.according:  # "According to X, …", "…, according to X.": the sentence, if it says more
                    a, b = att.span
                    said = text[s_lo:a] + " " + re.split(r"[“\"‘]", text[b:s_hi], maxsplit=1)[0]
                    if _words(said) >= 3:
                        reported.append(_Item(None, s_lo, s_hi, p.number, "reported", att,
                                              confidence=att.confidence))
                        break
                    continue
                rest = text[att.verb_end:s_hi]
                if att.verb_start < att.subject_start:  # "…, says Ms Doe."
                    rest = text[att.subject_end:s_hi]
                head = re.split(r"[“\"‘]", rest, maxsplit=1)[0]
                clause_after = _words(re.sub(r"^\W*(that\b)?", "", head)) >= 3 \
                    and att.subject_start < att.verb_start
                tail = text[s_lo:att.span[0]].rstrip()
                clause_before = (tail.endswith(",") and _words(tail) >= 3 and
                                 not re.search(r"[”\"’]\s*,?$", tail) and _words(rest) <= 4)
                if clause_after:
                    # from the sentence's start when only a few words describing the speaker come before: "The
                    # mayor, Helen Okafor, said …" had been quoted from "Helen Okafor, said …" (a developer's review);
                    # not "Prosecutors announced … an investigation, with Elena Milashina, telling SBS …"
                    lead = text[s_lo:att.span[0]]
                    start = s_lo if _words(lead) <= 4 and not re.search(r"[“”\"‘’;:]", lead) else att.span[0]
                    reported.append(_Item(None, start, s_hi, p.number, "reported", att,
                                          confidence=att.confidence))
                    break
                if clause_before:
                    reported.append(_Item(None, s_lo, s_hi, p.number, "reported", att,
                                          confidence=att.confidence))
                    break

    # quotes without attribution in their sentence: the paragraph's, then continuation
    last_attribution: dict[int, _Attribution] = {}
    continued_from: dict[int, _Attribution] = {}
    by_paragraph = {p.number: p for p in paragraphs}
    direct_in: dict[int, list[_Item]] = {}
    for i in items:
        if i.kind == "direct" and i.quote.depth == 0:
            direct_in.setdefault(i.paragraph, []).append(i)
    for p in paragraphs:
        own = direct_in.get(p.number, [])
        pending = [i for i in own if i.attribution is None]
        for item in pending:
            near = sorted(para_atts.get(p.number, ()), key=lambda a: (a.span[0] > item.start,
                                                                        abs(a.span[0] - item.start)))
            near = [a for a in near if a.entity is not None or a.np.kind != "pronoun"]
            if near:
                item.attribution, item.confidence = near[0], 0.8 * near[0].confidence
        pending = [i for i in own if i.attribution is None]
        residue = text[p.start:p.end]
        for q in sorted((i.quote for i in own), key=lambda q: -q.open):
            close = q.close if q.close is not None else p.end - 1
            residue = residue[:q.open - p.start] + residue[close + 1 - p.start:]
        only_quotes = own and not re.search(r"[^\W_]", residue)
        prev = by_paragraph.get(p.number - 1)
        if pending and only_quotes and p.section == "body" and prev is not None \
                and prev.number in last_attribution:
            for item in pending:
                item.attribution = last_attribution[prev.number]
                item.continued, item.confidence = True, 0.8 * item.attribution.confidence
            continued_from[p.number] = last_attribution[prev.number]
        candidates = [a for a in para_atts.get(p.number, ()) if a.entity is not None]
        if candidates:
            last_attribution[p.number] = candidates[-1]
        elif p.number in continued_from:
            last_attribution[p.number] = continued_from[p.number]

    items += _turn_items(text, paragraphs, sentences, mentions, items)

    for item in items:  # short unattributed fragments are terms, not speech
        if item.kind == "direct" and item.attribution is None and item.quote.depth == 0:
            if _words(text[item.start:item.end]) <= 3 and not _only_quote_paragraph(
                    text, by_paragraph[item.paragraph], item.quote):
                item.kind = "scare"

    # 5. Citations.
    passages = list(passages) if passages is not None else make_passages(document, ChunkSettings())
    passages = [ps for ps in passages if ps.doc_id == document.doc_id]
    passage_for = _PassageFinder(passages)
    entries = []
    for item in sorted(items + reported, key=lambda i: (i.start, i.kind != "reported")):
        att = item.attribution
        entity = att.entity if att is not None else None
        speaker = None
        if item.kind != "scare" and att is not None:
            speaker = entity.display if entity is not None else (
                None if att.np.kind == "pronoun" else text[att.subject_start:att.subject_end])
        if item.kind != "scare" and speaker is None:
            att = None
        passage = passage_for(item.start, item.end)
        paragraph = by_paragraph[item.paragraph]
        citation = Citation(
            doc_id=document.doc_id, doc_title=document.title,
            passage_id=passage.passage_id if passage else f"{document.doc_id}:p{item.paragraph:04d}",
            paragraph=item.paragraph, section=paragraph.section,
            section_label=SECTION_LABELS[paragraph.section], quote=text[item.start:item.end],
            start=item.start, end=item.end, score=item.confidence if speaker else 0.0,
            source_sha256=document.sha256, speaker=speaker,
            quote_kind=None if item.kind == "scare" else item.kind,
        )
        evidence = antecedent = None
        if att is not None and speaker is not None:
            a, b = att.span
            evidence = Evidence(text=text[a:b], start=a, end=b)
            if att.antecedent is not None:
                a, b = att.antecedent
                antecedent = Evidence(text=text[a:b], start=a, end=b)
        entries.append(LedgerEntry(
            citation=citation, kind=item.kind, speaker=speaker,
            speaker_forms=entity.forms() if entity is not None and speaker else (),
            speaker_roles=tuple(entity.descriptions) if entity is not None and speaker else (),
            speaker_kind=entity.kind if entity is not None and speaker else None,
            evidence=evidence, antecedent=antecedent, continued=item.continued,
            nested=bool(item.quote and item.quote.depth), confidence=citation.score,
        ))
    return entries


def _only_quote_paragraph(text: str, paragraph, quote: _Quote) -> bool:
    close = quote.close if quote.close is not None else paragraph.end - 1
    residue = text[paragraph.start:quote.open] + text[close + 1:paragraph.end]
    return not re.search(r"[^\W_]", residue)


_WORD = re.compile(r"\w+")


def _occurrences(text: str, forms: Sequence[tuple[str, bool, object]]) -> list[tuple[int, int, object]]:
    """Every (start, end, owner) where a form occurs in `text` as whole words (not inside a longer
    word), matched case-sensitively or not, each form's occurrences not overlapping one another: what
    one `re.finditer` per form over the whole text finds, in a single pass over the text's words (a
    long document names hundreds of people, and its text was read once for each)."""
    by_first: dict[tuple[str, bool], list[tuple[int, str, bool, object]]] = {}
    found: list[tuple[int, int, object]] = []
    for n, (form, case, owner) in enumerate(forms):
        first = _WORD.match(form)
        if first is None or len(form.lower()) != len(form):  # not a word first, or odd case: searched alone
            found += [(m.start(), m.end(), owner) for m in re.finditer(
                r"(?<![\w])" + re.escape(form) + r"(?![\w])", text, flags=0 if case else re.IGNORECASE)]
            continue
        key = (first.group(), True) if case else (first.group().lower(), False)
        by_first.setdefault(key, []).append((n, form if case else form.lower(), case, owner))
    taken: dict[int, int] = {}  # per form and owner, where its last occurrence ended
    for w in _WORD.finditer(text):
        at = w.start()
        for key in ((w.group(), True), (w.group().lower(), False)):
            for n, form, case, owner in by_first.get(key, ()):
                end = at + len(form)
                same = text.startswith(form, at) if case else text[at:end].lower() == form
                if (same and at >= taken.get(n, 0)
                        and not (end < len(text) and (text[end].isalnum() or text[end] == "_"))):
                    taken[n] = end
                    found.append((at, end, owner))
    return found


# a transcript's turns: "A: …" answers the question before it; "A: Dr Okafor: …", "Dr Okafor: …" name who speaks
_ANSWER_TURN = re.compile(r"[ \t]*(?:A|Answer)[ \t]*:[ \t]*")
_LABEL = r"(?P<label>[A-Z][\w’'.\-]*(?:[ \t]+[A-Z][\w’'.\-]*){0,3})"
_LABELLED_TURN = re.compile(r"[ \t]*(?:(?:A|Answer)[ \t]*:[ \t]*)?" + _LABEL + r"[ \t]*:[ \t]")
_ADDRESSING_QUESTION = re.compile(r"[ \t]*(?:Q|Question)[ \t]*:[ \t]*" + _LABEL + r"[ \t]*,")


def _turn_items(text: str, paragraphs: Sequence, sentences: Mapping[int, Sequence[tuple[int, int]]],
                mentions: Sequence[tuple[int, _Entity]], items: Sequence[_Item]) -> list[_Item]:
    """A transcript's turns as their speakers' words: each sentence after the label of a turn that names a person
    ("Mr HARGREAVES: It is a spiral, yes." in a committee's transcript; a developer's review: "not as anyone's words"),
    where the source has at least two such turns; sentences holding a quotation keep it as it is."""
    turns = []
    for p in paragraphs:
        label = speaker_turn(text, p.start, p.end)
        if label is None:
            continue
        entity = next((e for a, e in mentions if label[0] <= a < label[1] and e.kind == "person"), None)
        if entity:
            turns.append((p, label, entity))
    if len(turns) < 2:
        return []
    out = []
    for p, (a, b), entity in turns:
        body = text.index(":", b) + 1  # the label with its colon is the attribution ("Mr HARGREAVES:")
        quoted = [(i.start, i.end) for i in items if i.paragraph == p.number]
        for s_lo, s_hi in sentences[p.number]:
            lo = max(s_lo, body)
            lo += len(text[lo:s_hi]) - len(text[lo:s_hi].lstrip())
            if lo >= s_hi or any(q_lo < s_hi and lo < q_hi for q_lo, q_hi in quoted):
                continue
            said = _Attribution(a, b, b, body, _NP("person", text[a:b]), post_quote=False, entity=entity)
            out.append(_Item(None, lo, s_hi, p.number, "direct", said, confidence=0.9))
    return out


def speaker_turn(text: str, start: int, end: int | None = None) -> tuple[int, int] | None:
    """The span of the label of a transcript's turn that opens at `start` and names someone ("Mr HARGREAVES" in "Mr
    HARGREAVES: It is a spiral, yes.", "Dr Okafor" in "A: Dr Okafor: …"), by an honorific, capitals or an "A:";
    not "Harbourside Rovers: Smith; Jones, …", a team's line-up."""
    label = _turn_label(text, start, len(text) if end is None else end)
    words = text[label[0]:label[1]].split() if label else []
    if words and (words[0].lower().rstrip(".") in HONORIFICS or any(w.isupper() and len(w) > 1 for w in words)
                  or _ANSWER_TURN.match(text, start)):
        return label
    return None


def _turn_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the name a transcript's turn opens with ("Dr Okafor" in "A: Dr Okafor: …"), or None."""
    m = _LABELLED_TURN.match(text, start, end)
    return m.span("label") if m and m.group("label") not in ("Q", "A", "Question", "Answer") else None


def _addressed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the name a transcript's question is put to ("Mr Wielgus" in "Q: Mr Wielgus, the council …"), or
    None."""
    m = _ADDRESSING_QUESTION.match(text, start, end)
    return m.span("label") if m else None


def _paragraph_start(paragraphs: Sequence, starts: list[int], pos: int) -> int:
    """The start of the first paragraph that holds `pos`, its end included (`starts`: theirs, in
    order)."""
    k = bisect_right(starts, pos) - 1  # the last paragraph that starts at or before pos
    while k > 0 and paragraphs[k - 1].end >= pos:
        k -= 1
    return paragraphs[max(k, 0)].start


class _PassageFinder:
    """The passage that overlaps a span most (the first in the passages' order on a tie), without
    reading them all: by start, only those that begin before the span ends and whose farthest end so
    far passes its start can overlap it."""

    def __init__(self, passages: Sequence[Passage]):
        self.order = sorted(range(len(passages)), key=lambda i: passages[i].start)
        self.passages = passages
        self.starts = [passages[i].start for i in self.order]
        self.reach = list(accumulate((passages[i].end for i in self.order), max))

    def __call__(self, start: int, end: int) -> Passage | None:
        first, stop = bisect_right(self.reach, start), bisect_left(self.starts, end)
        best, overlap = None, 0
        for i in sorted(self.order[first:stop]):
            p = self.passages[i]
            o = min(end, p.end) - max(start, p.start)
            if o > overlap:
                best, overlap = p, o
        return best


# ---------------------------------------------------------------------------------------------
# Questions about speakers


_STOP = frozenset("is are was were be been of to in and or that this it its for on by with as at from "
                  "about what who how did does do say said".split())


def quotes_by(
    ledger: Sequence[LedgerEntry], name: str, *, about: str | None = None,
    kinds: Iterable[str] = ("direct", "reported"),
) -> list[LedgerEntry]:
    """Entries whose speaker is `name` (full name or short form, any case) or, when no speaker has
    that name, is described so by the source ("the journalist" for "the journalist behind the
    report, Elena Milashina", `role_matches`), in document order.

    With `about`, entries sharing more of its words come first (document order among equals).
    """
    kinds = set(kinds)
    spoken = [e for e in ledger if e.kind in kinds and e.speaker]
    found = [e for e in spoken
             if name_matches(name, e.speaker) or any(name_matches(name, f) for f in e.speaker_forms)
             or _titled_name(name, e)]
    if not found:  # by name first: "the Crisis Group" is the group, not its director
        found = [e for e in spoken if role_matches(name, e.speaker_roles) or _by_title(name, e.speaker)]
        # "the curator" is the exhibition's curator, not the "Assistant curator", unless asked so (a developer's
        # review)
        asked = set(normalize_text(name).split())
        plain = [e for e in found if not (set(normalize_text(matching_role(name, e.speaker_roles) or "").split())
                                          & _UNDER_WORDS - asked)]
        found = plain or found
    if not found:  # "the Chechen side": whoever the source names as Chechen
        found = [e for e in spoken if _on_the_side(name, e)]
    if about:
        topic = {t for t in normalize_text(about).split() if t not in _STOP}
        found.sort(key=lambda e: -len(topic & set(normalize_text(e.quote).split())))
    return found


def _titled_name(query: str, entry: LedgerEntry) -> bool:
    """Does `query` ("Mayor Green") name the speaker by a title the source gives them ("said Mayor Thomas
    Green") and a part of their name?"""
    words = query.split()
    roles = {normalize_text(r) for r in entry.speaker_roles}
    return any(normalize_text(" ".join(words[:i])) in roles and name_matches(" ".join(words[i:]), entry.speaker)
               for i in range(1, len(words)))


# words that make a post another's deputy: "Assistant curator" is not "the curator"
_UNDER_WORDS = frozenset("assistant deputy vice associate junior acting former".split())
SIDE_WORDS = frozenset("side camp authorities officials government leadership administration".split())


def _on_the_side(query: str, entry: LedgerEntry) -> bool:
    """Does `query` ("the Chechen side", "the Chechen authorities") name a side the speaker belongs to by
    the words of their name or description ("Chechen Minister for Information")?"""
    words = [w for w in normalize_text(query).split() if w not in _ROLE_STOP]
    if len(words) < 2 or words[-1] not in SIDE_WORDS | GENERIC_POSTS:
        return False
    if words[-1] in GENERIC_POSTS and not any(set(_head_words(form)[-1:]) & POST_WORDS for form in (
            entry.speaker or "", *entry.speaker_forms, *entry.speaker_roles)):
        return False  # "the Chechen official": one who holds a post (the Chechen Minister for Information)
    known = set(normalize_text(" ".join((entry.speaker or "", *entry.speaker_forms, *entry.speaker_roles))).split())
    return all(w in known for w in words[:-1])  # "Russian" is not "Russia": the side a word names


_TITLE_FORMS = {"prof": "professor", "dr": "doctor"}


def _by_title(query: str, speaker: str | None) -> bool:
    """Does `query` ("the professor") name the title a speaker's name opens with ("Professor Tom Reed")?"""
    words = normalize_text(query).split()
    first = (speaker or "").split()[:1]
    if len(words) != 1 or not first:
        return False
    title = first[0].lower().rstrip(".")
    return title in HONORIFICS | ROLE_WORDS and _TITLE_FORMS.get(title, title) == _TITLE_FORMS.get(words[0], words[0])


def _content_tokens(text: str) -> list[str]:
    return normalize_text(text).split()


def quote_similarity(asked: str, quote: str) -> float:
    """How well `asked` matches `quote`: 1.0 for containment either way, else token overlap."""
    a, q = normalize_text(asked), normalize_text(quote)
    if not a or not q:
        return 0.0
    if a in q or (q in a and len(q.split()) >= 1 and len(q) >= 0.5 * len(a)):
        return 1.0
    at, qt = a.split(), set(q.split())
    stop = {"is", "are", "was", "were", "of", "to", "in", "and", "that", "it", "for", "on", "be", "by"}
    content = [t for t in at if t not in stop] or at
    return sum(t in qt for t in content) / len(content)


def _outside_quotes(entry: LedgerEntry, quoted: Sequence[LedgerEntry], starts: Sequence[int]) -> str:
    """A reported entry's words outside the quotations it contains. `quoted`: the non-reported
    entries of the entry's document, by start (`starts`)."""
    text = entry.quote
    first, last = bisect_left(starts, entry.start), bisect_left(starts, entry.end)
    inner = sorted((e for e in quoted[first:last] if e is not entry and e.end <= entry.end),
                   key=lambda e: -e.start)
    for e in inner:
        text = text[:e.start - entry.start] + " " + text[e.end - entry.start:]
    return text


def _quoted_by_document(ledger: Sequence[LedgerEntry]) -> dict[str, tuple[list[LedgerEntry], list[int]]]:
    """Each document's quotation entries (not reported speech) by start, with their starts."""
    grouped: dict[str, list[LedgerEntry]] = {}
    for e in ledger:
        if e.kind != "reported":
            grouped.setdefault(e.citation.doc_id, []).append(e)
    out = {}
    for doc_id, entries in grouped.items():
        entries.sort(key=lambda e: e.start)
        out[doc_id] = (entries, [e.start for e in entries])
    return out


# A clause the writer adds after reported speech: "The network says it intends to refer the matter to
# the court, although without a referral it's unlikely the court will have jurisdiction". What follows
# "although" is not reported as the network's words; the source leaves open whose they are.
# a contrast after the attribution (", although …"), or an aside after a dash that names what was said
# ("– an allegation Human Rights Watch has raised"): the writer's words, perhaps, more than the speaker's
_WRITERS_CLAUSE = re.compile(
    r"[,;]\s+(?P<word>although|though|even\s+though|but|however|whereas|while|yet)\b"
    r"|\s(?P<aside>[–—]\s+(?:an?|the)\s+(?:allegation|claim|charge|accusation|assertion|concern|complaint|"
    r"criticism|finding|view|position|point)s?)\b", re.IGNORECASE)


def writers_clause(entry: LedgerEntry) -> tuple[str, str, str] | None:
    """A reported sentence split at a contrastive clause after its attribution: (the words before it,
    the connective, the clause), else None."""
    if entry.kind != "reported" or entry.evidence is None:
        return None
    m = _WRITERS_CLAUSE.search(entry.quote, max(0, entry.evidence.end - entry.start))
    if m is None:
        return None
    return entry.quote[:m.start()], (m.group("word") or m.group("aside")).lower(), entry.quote[m.end():].strip()


def _in_writers_clause(entry: LedgerEntry, start: int) -> bool:
    split = writers_clause(entry)
    return split is not None and start >= entry.start + len(split[0])


def narration(sentence: str, sentence_start: int, quoted: Sequence[LedgerEntry]) -> str:
    """The words of `sentence` (at offset `sentence_start`) outside the quotations `quoted`: around a
    direct quotation, the writer's own ("… he wrote on Instagram, a popular platform for Kadyrov
    himself")."""
    text = sentence
    for e in sorted(quoted, key=lambda e: -e.start):
        a, b = e.start - sentence_start, e.end - sentence_start
        if 0 <= a <= b <= len(text):
            text = text[:a] + " " + text[b:]
    return " ".join(text.replace("“", " ").replace("”", " ").replace('"', " ").split())


_KIND_ORDER = {"direct": 0, "reported": 1, "scare": 2}


def who_said(
    ledger: Sequence[LedgerEntry], text: str, *, min_overlap: float = 0.6
) -> list[LedgerEntry]:
    """Entries whose quote matches `text` (normalised containment or token overlap), best first.

    Direct quotes rank before reported speech, and attributed entries before unattributed ones
    at equal similarity; a reported sentence is matched on its own words, not on the quotations
    inside it. Scare quotes are included with speaker None: the source does not attribute them.
    """
    scored = []
    quoted = _quoted_by_document(ledger)
    owns = {}
    for e in ledger:
        own = _outside_quotes(e, *quoted.get(e.citation.doc_id, ([], []))) if e.kind == "reported" else e.quote
        s = quote_similarity(text, own)
        if s >= min_overlap:
            owns[id(e)] = own
            scored.append((-round(s, 3), e))
    best = sorted(t[0] for t in scored)[:2]
    if len(best) == 2 and best[0] == best[1]:  # a tie at the top: the only case the weights are read
        # at equal overlap, the quotation that shares the rarer words: "Who called the Chechen government hysterical?"
        # is nearer the minister's "hysterical" than a "federal government" (a journalist's review)
        held = Counter(w for e in ledger for w in set(normalize_text(e.quote).split()))
        weight = {w: math.log((1 + len(ledger)) / (1 + held[w])) + 1 for w in normalize_text(text).split()}
        shared = {id(e): -sum(v for w, v in weight.items() if w in set(normalize_text(owns[id(e)]).split()))
                  for _, e in scored}
    else:
        shared = {}
    scored.sort(key=lambda t: (t[0], shared.get(id(t[1]), 0.0), _KIND_ORDER[t[1].kind], t[1].speaker is None,
                               t[1].start))
    return [e for _, e in scored]


_NAME = r"(?P<name>[\w’'.\- ]{2,60}?)"
_BY_PATTERNS = [
    # "What did the minister post on insta?": where it was posted is no topic ("… about the reports" is)
    re.compile(r"^(?:what(?:\s+else)?|which\s+\w+)\s+(?:did|does|do|has|have|had)\s+" + _NAME
               + r"\s+(?:post|posted|tweet|tweeted)\b(?:\s+(?:on|to|via|in)\s+(?:(?:his|her|their|its|the|a)\s+)?"
               r"(?P<medium>[\w-]+)(?:\s+(?:account|page|feed|channel|media))?)?"
               r"(?:\s+(?:about|regarding|concerning|on)\s+(?P<topic>.+?))?\s*\??$", re.I),
    re.compile(r"^(?:what(?:\s+else)?|which\s+\w+)\s+(?:did|does|do|has|have|had)\s+" + _NAME +
               r"(?:\s+(?:himself|herself|themselves|itself))?"
               # "What did the minister tell SBS?": whom they told, which the source may name (his words are a post)
               r"\s+(?:(?:tell|told)\s+(?!(?:about|on|regarding|of|concerning|via|through|in)\b)(?:the\s+)?"
               r"(?P<medium>[\w-]+)\b|(?:say|said|tell|told|write|wrote|claim|argue|think|reply|respond|add|state)\b"
               r"(?:\s+\w+)??)(?:\s+(?:about|on|regarding|of|concerning|via|through|in\s+(?:response|reply|answer)\s+to)"
               r"\s+(?P<topic>.+?))?\s*\??$", re.I),
    re.compile(r"^what\s+(?:was|has\s+been|is)\s+said\s+by\s+" + _NAME +
               r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+?))?\s*\??$", re.I),
    # "Give me the exact words of the Chechen minister on Instagram", "What were the words of …?" (a journalist in the
    # browser: his reported speech came first)
    re.compile(r"^(?:(?:show|list|give|find)(?:\s+me)?\s+|i(?:\s+(?:need|want|would\s+like)|['’]d\s+like)\s+"
               r"|what\s+(?:were|are|was|is)\s+)?(?:all\s+"
               r"|any\s+)?(?:the\s+|a\s+|some\s+|one\s+|two\s+|three\s+)?(?:(?:best|strongest|strong|key|main|top|good"
               r"|great|powerful|striking|memorable|punchy|short|direct|full|exact|money|killer|usable|quotable|printable"
               r"|vivid|colou?rful|most\s+\w+)\s+)?"
               r"(?:quotes?|words|remarks|comments)\s+(?:from|by|of)\s+" + _NAME
               + r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+?))?"
               # "… I can use", "… for my story" (a journalist in the browser: her paraphrase had come, not her quote)
               r"(?:\s+(?:(?:that\s+)?(?:i|we)\s+(?:can|could)\s+(?:use|run|quote)|to\s+use"
               r"|for\s+(?:my|our|the|a|an)\s+(?:story|piece|article|copy|report|script|lede|lead|intro|headline)))?"
               r"\s*[?.]?$", re.I),
    # "Quote Milashina on Putin", not "Quote on impunity" (a topic: a journalist's review had it read as a name)
    re.compile(r"^quote\s+(?!(?:on|about|regarding|concerning|re|for|from|of)\b)" + _NAME
               # "Quote the minister's line about …", "… rhetorical question about …": the minister's
               + r"(?:['’]s(?:\s+[\w-]+){1,2}?)?"
               + r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+?))?\s*[?.]?$", re.I),
    # "Did Kadyrov comment?", "Has the Kremlin responded to the reports?"
    re.compile(r"^(?:did|has|have|does|do)\s+" + _NAME + r"\s+(?:comment|commented|respond|responded|reply|replied"
               r"|speak|spoke|spoken|say\s+anything|said\s+anything)"
               r"(?:\s+(?:on|about|to|regarding)\s+(?P<topic>.+?))?\s*\??$", re.I),
    re.compile(r"^(?:how|what)\s+(?:did|does|do|has|have)\s+" + _NAME +
               r"\s+(?:describe|described|call|called)\s+(?P<topic>.+?)\s*\??$", re.I),
    # "What is Milashina's view?", "What's the network's position on the ICC?"
    re.compile(r"^what(?:['’]s|\s+is|\s+was|\s+are|\s+were)\s+" + _NAME + r"['’]s?\s+(?:view|views|opinion|opinions"
               r"|position|stance|take|response|reaction|comment|comments|verdict|assessment|message)"
               r"(?:\s+(?:on|about|of|regarding|to)\s+(?P<topic>.+?))?\s*\??$", re.I),
    # "How did Kadyrov respond?", "How has the Kremlin reacted to the reports?"
    re.compile(r"^how\s+(?:did|does|do|has|have|had)\s+" + _NAME + r"\s+(?:respond|responded|react|reacted|reply"
               r"|replied)(?:\s+(?:to|on)\s+(?P<topic>.+?))?\s*\??$", re.I),
    # "kadyrov reaction?", "Kremlin's line on the reports", "Milashina response": a journalist's shorthand
    re.compile(r"^(?!(?:what|which|who|whom|how|where|when|why|are|is|were|was|did|do|does|has|have|any|all|some|give"
               r"|show|list|find|get|the\s+(?:main|best|key|top|other))\b)" + _NAME
               # "Sokirianskaia's one-word verdict …": hers, with up to two words of its own
               + r"(?:['’]s(?:\s+[\w-]+){0,2}?)?"
               r"\s+(?:reaction|reactions|response|responses|view|views|position|stance|take|line"
               r"|comment|comments|verdict)(?:\s+(?:on|about|regarding|to)\s+(?P<topic>.+?))?\s*[?.]?$", re.I),
    # "Milashina quotes", "Sokirianskaia's quotes on Putin"
    re.compile(r"^(?!(?:what|which|who|whom|how|where|when|why|are|is|were|was|did|do|does|has|have|any|all|some|give"
               r"|show|list|find|get|the\s+(?:main|best|key|top|other))\b)" + _NAME
               + r"(?:['’]s)?\s+(?:quotes|quotations)(?:\s+(?:on|about|regarding)\s+(?P<topic>.+?))?\s*[?.]?$", re.I),
    # "Give me Kadyrov's quote", "Kadyrov's own quote?", "Milashina's best line?", "Kadyrov's own quote on the
    # reports — what did he personally say?" (news_fresh10: the minister's words came at 0.62, as no one's question)
    re.compile(r"^(?:(?:give|show|find|get)(?:\s+me)?\s+)?(?!(?:what|which|who|whom|how|where|when|why|are|is|were"
               r"|was|did|do|does|has|have|any|all|some|the\s+(?:main|best|key|top|other))\b)"
               # a name of up to four words, none a preposition: not "In Sokirianskaia's quote about the taboo, who
               # …?" nor "Opening words of Milashina's quote …", which ask about the quote's words
               r"(?P<name>(?:(?!(?:in|on|of|from|at|by|for|with|about|to|words?|opening|closing|first|last)\b)"
               r"[\w’'.\-]+\s+){0,3}[\w’'.\-]+)"
               r"['’]s\s+(?:own\s+|best\s+|exact\s+|actual\s+|key\s+|main\s+)*(?:quote|quotation|line|words)"
               r"(?:\s+(?:on|about|regarding)\s+(?P<topic>[^,;]+?))?"
               r"(?:\s*[—–-]+\s*what\s+(?:did|does)\s+(?:he|she|they|it)\s+(?:\w+\s+)?(?:say|said)\b.*?)?"
               r"\s*[?.]?$", re.I),
    # "What is Kadyrov quoted as saying?"
    re.compile(r"^what\s+(?:is|was|are|were)\s+" + _NAME + r"\s+quoted\s+(?:as\s+)?saying"
               r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+?))?\s*\??$", re.I),
    # "Is Kadyrov quoted?", "Does the article quote Human Rights Watch?"
    re.compile(r"^(?:is|was|are|were)\s+" + _NAME + r"\s+(?:quoted|interviewed|cited)"
               r"(?:\s+(?:in|by)\s+(?:the|this)\s+(?:article|story|report|piece|source))?"
               r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+?))?\s*\??$", re.I),
    re.compile(r"^(?:does|did)\s+(?:the|this)\s+(?:article|story|report|piece|source)\s+(?:quote|cite|interview)\s+"
               + _NAME + r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+?))?\s*\??$", re.I),
]
_WHO = re.compile(
    r"^who\s+(?:said|says|wrote|writes|told\s+\w+|tells\s+\w+|claimed|claims|stated|warned|argued|"
    r"called|described|characteri[sz]ed|is\s+quoted\s+(?:as\s+)?saying|was\s+quoted\s+(?:as\s+)?saying)"
    r"(?:\s+that)?\s*[:,]?\s*(?P<text>.+?)\s*\??$", re.I)
# words in quote marks asked about as a line: "Whose words are “…”?", "Who is the source of the quote “…”?", "Who
# speaks the line “…”?", "Who's the ‘real disaster’ quote attributed to?" (a fact-checker's and a translator's)
_QUOTED_TEXT = r"(?P<text>[\"“‘'].+[\"”’'])"
_LINE = r"(?:quote|quotation|line|words|remark|comment|phrase|statement)"
_WHO_LINE = [re.compile(p, re.I) for p in (
    r"^whose\s+(?:" + _LINE + r")\s+(?:is|are|was|were)\s*[:,]?\s*" + _QUOTED_TEXT + r"\s*\??$",
    r"^who\s+(?:is|was)\s+(?:the\s+)?(?:source|author|speaker|origin)\s+of\s+(?:the\s+)?" + _LINE
    + r"s?\s*[:,]?\s*" + _QUOTED_TEXT + r"\s*\??$",
    r"^who\s+(?:speaks|spoke|says|said|utters|uttered|wrote)\s+the\s+" + _LINE + r"s?\s*[:,]?\s*" + _QUOTED_TEXT
    + r"\s*\??$",
    r"^(?:who\s+is|who['’]s|who\s+was)\s+the\s+" + _QUOTED_TEXT + r"\s+" + _LINE + r"\s+(?:attributed|credited)\s+to"
    r"\s*\??$",
    # "Who used the word 'rascals'?" (a journalist's review: declined, its note saying whose word it is)
    r"^who\s+(?:used|uses|chose|coined)\s+the\s+(?:word|words|term|phrase|expression)\s*[:,]?\s*(?P<text>.+?)\s*\??$",
    r"^(?:to\s+)?whom\s+(?:is|was)\s+(?:the\s+)?" + _LINE + r"\s*[:,]?\s*" + _QUOTED_TEXT
    + r"\s+(?:attributed|credited)(?:\s+to)?\s*\??$",
)]


# "Did Sokirianskaia say (that) the federal government will intervene?": whether the source gives these
# words, or words close to them, to that speaker
_CLAIM = re.compile(
    r"^(?:did|does|has|have|had)\s+" + _NAME + r"\s+(?:say|said|(?:tell|told)\s+(?:the\s+)?\w+|claim|claimed"
    r"|state|stated"
    r"|warn|warned|argue|argued|write|wrote|suggest|suggested)\s+(?:that\s+)?(?P<claim>.+?)\s*\??$", re.I)


# "Did Milashina call the response outrageous?", "Has the network denied …?": a question whose subject is
# the one whose words are asked about
_SUBJECT_VERBS = (
    r"(?:say|said|call|called|deny|denied|claim|claimed|describe|described|accuse|accused|admit|admitted|confirm"
    r"|confirmed|tell|told|warn|warned|suggest|suggested|argue|argued|critici[sz]e|critici[sz]ed|condemn|condemned"
    r"|blame|blamed|announce|announced|promise|promised|insist|insisted|write|wrote|state|stated|express|expressed"
    r"|voice|voiced|refer|referred|post|posted|tweet|tweeted"
    # "Why did Bellini recommend red wine?" (a developer's review: his "whole milk" given, the wine Amari's)
    r"|recommend|recommended|advise|advised|urge|urged)")
# the verb in lower case, as in `_WH_SPEECH`: "Did the State Department call for …?" is not "the" stating
_SUBJECT = re.compile(r"^(?:did|does|do|has|have|had)\s+" + _NAME + r"\s+(?-i:" + _SUBJECT_VERBS + r")\b", re.I)
# "Why did Sokirianskaia say she would stay?", "What did the Crisis Group tell supporters by email?": a question
# for something in someone's words, which only their words answer
_WH_SPEECH = re.compile(
    r"^(?:why|how|when|where|what|which\s+\w+|how\s+(?:many|much|often|long)(?:\s+\w+){0,3}?)\s+"
    r"(?:did|does|do|has|have|had)\s+" + _NAME + r"\s+(?-i:" + _SUBJECT_VERBS + r")\b\s*(?P<claim>.*?)\s*\??$",
    re.I)  # a verb in lower case: "the State Department", "the Daily Express" are names
# words between a name and its verb that are no part of the name: "Why did Sokirianskaia later say …?"
_AFTER_NAME_WORDS = re.compile(
    r"(?:\s+(?:later|also|publicly|once|first|actually|reportedly|ever|really|just|then|still|again|previously"
    r"|initially|originally|recently|allegedly|apparently|explicitly|specifically|even|never|not|only|personally"
    r"|openly|privately|officially|herself|himself|themselves|itself))+$", re.IGNORECASE)


def asked_subject(question: str) -> str | None:
    """Whose words a yes-or-no question asks about ("Did Milashina call the response outrageous?":
    Milashina), else None."""
    m = _SUBJECT.match(" ".join(question.strip().split()))
    if m is None or _NOT_A_NAME.search(m.group("name")):
        return None
    name = m.group("name").strip(" ,.")
    return None if name.lower() in _NOT_SPEAKERS | _ARTICLES or _PASSIVE.search(name) else name


_PASSIVE = re.compile(r"\b(?:been|being|be)$", re.IGNORECASE)
_ARTICLES = frozenset({"the", "a", "an"})  # "did the state department call …": no name before "state"


_NOT_SPEAKERS = frozenset({"it", "this", "that", "he", "she", "they", "you", "we", "i", "him", "her", "them", "us",
                           "me", "anyone", "someone", "anybody", "somebody", "no one", "nobody"})


# "How many requests for help has Human Rights Watch received?": a question for what someone named did, by a
# capitalised name and a verb in lower case after it
_WH_ACTION = name_pattern(
    r"^(?i:why|how|when|where|what|which\s+\w+|how\s+(?:many|much|often|long)(?:\s+\w+){0,3}?)\s+"
    r"(?i:has|have|had)\s+(?P<name>(?:[Tt]he\s+)?[A-Z][\w’'-]*(?:\s+(?:(?:of|for|on)\s+)?[A-Z][\w’'-]*)*)"
    r"\s+(?P<verb>[a-z]+ed|done|made|taken|given|sent|found|got|gotten|held|brought|kept|seen|shown|won|paid|lost"
    r"|left|led|begun|built|told|bought)\b"  # a participle, so that "the Chechen regime" is no name and verb
    # "Why did Human Rights Watch corroborate the report?": a bare verb after "did" and a name
    # "How many requests for help did the Crisis Group receive?" (a journalist's review: the network's figure, no note);
    # "When will the International Crisis Group publish its report?" (another: the network's report, no note)
    r"|^(?i:why|how|when|where|how\s+(?:many|much|often|long)(?:\s+\w+){0,3}?)\s+(?i:did|does|do|will|would)\s+(?P<did_name>(?:[Tt]he\s+)?[A-Z][\w’'-]*"
    r"(?:\s+(?:(?:of|for|on)\s+)?[A-Z][\w’'-]*)*)\s+(?P<did_verb>[a-z]+)\b")


def asked_actor(question: str) -> str | None:
    """Who a wh-question asks about as the one who did something ("How many requests has Human Rights Watch
    received?": Human Rights Watch), by a capitalised name; else None."""
    m = _WH_ACTION.match(" ".join(question.strip().split()))
    name = m and (m.group("name") or m.group("did_name"))
    if not name or _PAGE_PART.search(name) or re.search(r"['’]s?$", name):  # "the Crisis Group's director"
        return None
    return name


# "According to Milashina, why is the situation a disaster?", "…, according to the minister?"
_ACCORDING_TO = (
    re.compile(r"^according\s+to\s+" + _NAME + r"\s*,\s*(?P<claim>(?:what|who|whom|whose|why|how|when|where|which"
               r"|is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b.+?)\s*\??$", re.I),
    re.compile(r"^(?P<claim>(?:what|who|whom|whose|why|how|when|where|which|is|are|was|were|did|does|do|has|have|had"
               r"|can|could|will|would)\b.+?),?\s+according\s+to\s+" + _NAME + r"\s*\??$", re.I),
)


def asked_speech(question: str) -> tuple[str, str] | None:
    """(speaker, the rest) of a wh-question for something in someone's words ("Why did Milashina call the
    reports exaggerated?": Milashina, "the reports exaggerated"; "According to Milashina, why is it a
    disaster?": Milashina, "why is it a disaster"), else None."""
    q = " ".join(question.strip().split())
    m = _WH_SPEECH.match(q) or next((m for p in _ACCORDING_TO if (m := p.match(q))), None)
    if m is None or _NOT_A_NAME.search(m.group("name")):
        return None
    name = _AFTER_NAME_WORDS.sub("", m.group("name").strip(" ,."))
    if _PASSIVE.search(name):
        return None  # "What has Kadyrov been accused of?": what others said of him
    if name.lower() in _NOT_SPEAKERS or _PAGE_PART.search(name) or re.search(r"\bto\b", name, re.IGNORECASE):
        return None  # "What does the summary line say the network considers …?": the page's words, anyone's
    return name, m.group("claim")


_PAGE_PART = re.compile(r"\b(?:summary|headline|caption|teaser|article|story|report|piece|source|photo|picture|image"
                        r"|byline|dateline|standfirst|subtitle|subheading|intro|introduction|paragraph|line|title"
                        r"|text|page|link)s?\b", re.IGNORECASE)


def parse_claim_check(question: str) -> tuple[str, str] | None:
    """(speaker, claim) of "Did X say (that) Y?", else None; not "Did X say anything?" nor words set
    in quote marks, which are looked up word for word (`verify`)."""
    m = _CLAIM.match(" ".join(question.strip().split()))
    if m is None or any(ch in m.group("claim") for ch in "\"“”‘'"):
        return None
    claim = m.group("claim")
    if len(normalize_text(claim).split()) < 3 or re.match(r"(?:anything|something)\b", claim, re.I):
        return None
    return m.group("name").strip(), claim


# a question word or a speech verb inside what was read as a name: two questions in one, not a speaker
def spelt_as_in(name: str, texts: Iterable[str]) -> str:
    """`name` with each lower-case word capitalised as `texts` write it, and each word typed without
    accents accented as they write it, when they write it only so ("kremlin" → "Kremlin", "Ibanez" →
    "Ibáñez"; "the" stays)."""
    seen: dict[str, set[str]] = {}
    for text in texts:
        for m in re.finditer(r"[\w’'-]+", text):
            if (m.group()[:1].isupper() and fold_accents(m.group()) == m.group()
                    and re.search(r"(?:^|[.!?:“”\"]\s*)$", text[:m.start()])):
                continue  # a capital that opens a sentence says nothing of how the word is written
            seen.setdefault(fold_accents(m.group().lower()), set()).add(m.group())

    def spelt(word: str) -> str:
        forms = seen.get(fold_accents(word.lower()), set())
        if len(forms) != 1:
            return word
        form = next(iter(forms))
        if word.islower() and not form.islower():
            return form
        return form if form.lower() != word.lower() and fold_accents(word) == word else word
    words = name.split()
    # "the United States" of a source that writes "US" only: as the source writes it (news_fresh10's advocacy
    # officer: "How did the United States react?" had been "the source quotes no one named the United States")
    lead = 1 if words and words[0].lower() == "the" else 0
    short = _SHORT_NAMES.get(tuple(w.lower() for w in words[lead:]))
    if short and not all(w.lower() in seen for w in words[lead:]) and short[0] in seen:
        words = words[:lead] + [next(iter(seen[short[0]]))]
    return " ".join(spelt(w) for w in words)


_NOT_A_NAME = re.compile(r"\b(?:what|who|whom|when|where|why|how|which|say|said|says|tell|told|the\s+way"
                         r"|characteri[sz]e[ds]?|describe[ds]?|portray(?:s|ed)?|explain(?:s|ed)?)\b"
                         # the one asking ("I'm on deadline for a piece about the international reaction to …")
                         r"|(?:^|\s)(?:i|i[’']m|i[’']ve|me|my|we|our|you|your)(?=\s|$)", re.I)


# what someone speaks through, after their name: their words, not another speaker's
_THROUGH = re.compile(r"['’]s?\s+(?:e-?mails?|statements?|posts?|letters?|messages?|tweets?|press\s+releases?|blog"
                      r"|website|instagram\s+post|newsletter)\b.*$", re.IGNORECASE)


_COURTESY = re.compile(r"[\s,]+(?:please|pls|plz|thanks|thx)(?=\s*[?.!]?\s*$)", re.I)


def parse_speaker_question(question: str) -> SpeakerQuestion | None:
    """A question about what someone said or about who said something, else None."""
    q = _COURTESY.sub("", " ".join(question.strip().split()))  # "Short quote from the minister pls"
    for pattern in _BY_PATTERNS:
        m = pattern.match(q)
        if m:
            name = re.sub(r"\s+(?:itself|himself|herself|themselves)$", "", m.group("name").strip(" ,."), flags=re.I)
            name = _THROUGH.sub("", name)  # "the network's email to supporters" says what the network says
            if _NOT_A_NAME.search(name):  # "What did the spokespeople deny and what did the minister say?"
                return None
            words = name.lower().split()
            # the words before a preposition name what speaks: "the teaser about AIDS" is a teaser
            head = re.split(r"\babout\b|" + _ROLE_HEAD_END.pattern, name.lower(), maxsplit=1)[0].split()
            if not words or words[-1] in GENERIC_NAMES | PAGE_PARTS or (len(words) == 2 and words[0] in {"the", "this"}
                                                          and words[1] in GENERIC_NAMES):
                return None
            if head and head[-1] in GENERIC_NAMES | PAGE_PARTS:
                return None
            topic = (m.groupdict().get("topic") or "").strip(" ?.") or None
            return SpeakerQuestion(kind="by", target=name, topic=topic, medium=m.groupdict().get("medium"))
    m = _WHO.match(q) or next((m for p in _WHO_LINE if (m := p.match(q))), None)
    if m:
        said = m.group("text").strip().strip(_QUOTE_CHARS + " ?.,").strip()
        first = said.split()[0].lower() if said.split() else ""
        # "Who wrote the minutes?" asks who wrote a document, not whose words "the minutes" are
        document = re.sub(r"^(?:the|this|these)\s+", "", said.lower()) in GENERIC_NAMES
        if _words(said) >= 1 and not document and said.lower() not in {"it", "this", "that", "so"} and first not in {
                "on", "in", "at", "to", "about", "via", "from", "for", "with", "by"}:
            return SpeakerQuestion(kind="who", target=said)
    return None


# "in the article", "in the council story": which source ("council" helps the search find it)
# "… in the newsletter", "… in the minutes", "… in the ragù post" (a developer's review: the headline came back)
_THE_SOURCE = (r"(?:\s+(?:in|by|of|for)\s+(?:the|this)\s+(?:[\w’'-]+\s+){0,3}?"
               r"(?:article|story|report|piece|source|text|document|post|page|"
               + "|".join(sorted(DOCUMENT_KINDS)) + r"))?")
_QUOTED = r"(?:quoted|cited|interviewed|quote|cite|interview)"
_WHO_QUOTED = [re.compile(p + r"\s*[?.]?$", re.I) for p in (
    # "Who is quoted in the article?", "Who does the report quote?", "Which experts are interviewed?"
    r"^(?:who|whom|which\s+(?:people|persons|sources|experts|speakers|organi[sz]ations))\s+"
    r"(?:is|are|was|were|gets?|got|does|do|did)\s+(?:[\w’'-]+\s+){0,3}?" + _QUOTED + _THE_SOURCE,
    # "List everyone quoted", "Name the speakers in the story", "Show me all the people interviewed"
    r"^(?:list|show|name|give)(?:\s+me)?(?:\s+(?:all|every))?(?:\s+(?:of\s+)?the)?\s+"
    r"(?:everyone|everybody|people|persons|speakers|sources|voices)"
    r"(?:\s+(?:who\s+(?:is|are|was|were)\s+)?" + _QUOTED + r")?" + _THE_SOURCE,
    # "Who are the sources?", "What are the story's sources?"
    r"^(?:who|what)\s+are\s+the\s+(?:(?:article|story|report)['’]s\s+)?(?:sources|speakers|voices)" + _THE_SOURCE,
    # "How many people are quoted?"
    r"^how\s+many\s+(?:people|persons|sources|speakers|voices)\s+(?:are|were|does|do|did)\s+"
    r"(?:[\w’'-]+\s+){0,3}?" + _QUOTED + _THE_SOURCE,
    r"^who\s+(?:speaks|talks|is\s+speaking)" + _THE_SOURCE,
)]


def reports_speech(attribution: str) -> bool:
    """Whether an attribution's words report speech beyond doubt: a speech verb other than
    `DOUBLE_DUTY_VERBS` ("Ms Doe says", "he wrote"; not "the Normans maintained"), or a transcript's label of whose
    turn it is ("Mr HARGREAVES:")."""
    return (attribution.endswith(":")
            or any(w.lower() in _PLAIN_SPEECH_VERBS for w in re.findall(r"[A-Za-z]+", attribution))
            or bool(_ACCORDING.search(attribution + " ")))


def speech_only(entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """`entries` with only the attributions that report speech (`reports_speech`): a quotation whose
    "attribution" does not ("the Normans maintained …", "the Armenian state") stands unattributed, and
    such a "reported statement" is none. News attributions all report speech; an encyclopedia's
    sentences are read as attributions often."""
    out = []
    for e in entries:
        if e.speaker is None or (e.evidence is not None and reports_speech(e.evidence.text)):
            out.append(e)
        elif e.kind == "direct":
            out.append(e.model_copy(update={"speaker": None, "speaker_forms": (), "speaker_roles": (),
                                            "speaker_kind": None, "evidence": None, "antecedent": None,
                                            "confidence": 0.0}))
    return out


TOPIC_PRONOUNS = frozenset(tokenize("he she they it we you i him her them his hers their its our your my me us"))


# words of a topic that name nothing in particular: prepositions the tokenizer keeps, and what any quote of
# a report is about ("What did the network say about the reports?")
TOPIC_FILLER = frozenset(tokenize(
    "against about over after before between during without within among into onto upon toward towards despite "
    "across through via report reports allegation allegations claim claims news story stories situation issue "
    "issues matter matters thing things"))
# a name of several capitalised words ("International Criminal Court", "UN Security Council")
_TOPIC_NAME = name_pattern(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:of|for|the|and)\s+)?[A-Z][\w’'-]*)+")


def mentions_topic(quote: str, topic: str, speaker: str = "") -> bool:
    """Whether `quote` holds the topic (`topic_held`), the speaker's own name aside; True for a topic of
    no content words."""
    return topic_held(set(tokenize(quote)), topic, speaker) > 0 or not topic_words(topic, speaker)


def topic_held(words: set[str], topic: str, speaker: str = "") -> float:
    """The share of `topic`'s content words (`topic_words`) among the stemmed `words`, where a name of
    several words counts only whole: "the International Criminal Court" is not held by "the International
    Crisis Group". 0 for a topic of no content words."""
    wanted = topic_words(topic, speaker)
    if not wanted:
        return 0.0
    names = [n for m in _TOPIC_NAME.finditer(topic) if len(n := set(tokenize(m.group())) & wanted) > 1]
    partial = set().union(*(n for n in names if not n <= words))
    return len((wanted - partial) & words) / len(wanted)


def topic_words(topic: str, speaker: str = "") -> set[str]:
    """The stemmed content words of a topic, leaving out the speaker's name, pronouns and `TOPIC_FILLER`
    ("the death threats she received": death, threat, receiv). "US" in capitals is the country, not "us"."""
    country = set(tokenize("us")) if re.search(r"\bU\.?S\b", topic) else set()
    return set(tokenize(topic)) - set(tokenize(speaker)) - (TOPIC_PRONOUNS - country) - TOPIC_FILLER


def asks_who_is_quoted(question: str) -> bool:
    """Whether the question asks for everyone the source quotes ("Who is quoted in the article?"), not
    for the speaker of some words ("Who is quoted as saying …?")."""
    q = " ".join(question.strip().split())
    return any(p.match(q) for p in _WHO_QUOTED)


def speaker_question(question: str) -> tuple[str, str] | None:
    """("by", name) for "What did Ms Doe say (about X)?", ("who", words) for "Who said '…'?", else None."""
    parsed = parse_speaker_question(question)
    return (parsed.kind, parsed.target) if parsed else None


# ---------------------------------------------------------------------------------------------
# Attribution of any span (for citations)


def attribute_span(
    source: Document | Sequence[LedgerEntry], start: int, end: int, doc_id: str | None = None
) -> tuple[str | None, str] | None:
    """Speaker and kind ("direct" | "reported") of the text at `[start, end)`, or None.

    "direct" when quoted words cover at least half of the span (the speaker may be None when the
    source does not attribute the quote); "reported" when the span is mostly a sentence of reported
    speech ("Ms Doe says it appears ..."), unless it starts in a clause the writer adds after it
    (`writers_clause`); None for narration and for scare quotes.
    Pass the document, or its ledger (with `doc_id` when the ledger holds several documents).
    """
    if isinstance(source, Document):
        doc_id = source.doc_id
        ledger = build_ledger(source)
    else:
        ledger = source
    entries = [e for e in ledger if doc_id is None or e.citation.doc_id == doc_id]
    length = max(1, end - start)

    def overlap(e: LedgerEntry) -> int:
        return max(0, min(end, e.end) - max(start, e.start))

    direct = [e for e in entries if e.kind == "direct" and not e.nested and overlap(e) > 0]
    # the quote's own attribution counts with it: "“…,” said Mayor Thomas Green, who chairs …" is his
    said = [e.evidence for e in direct if e.speaker and e.evidence is not None and start <= e.evidence.start
            and e.evidence.end <= end]
    attributions = {(v.start, v.end) for v in said}
    covered = sum(overlap(e) for e in direct) + sum(b - a for a, b in attributions)
    if direct and covered >= 0.5 * length:
        best = max(direct, key=overlap)
        return best.speaker, "direct"
    reported = [e for e in entries if e.kind == "reported" and overlap(e) >= 0.5 * length
                and not _in_writers_clause(e, start)]
    if reported:
        best = max(reported, key=overlap)
        return best.speaker, "reported"
    return None


# ---------------------------------------------------------------------------------------------
# Evaluation against a gold file


def _quote_match(a: str, b: str, min_ratio: float = 0.8) -> bool:
    na, nb = normalize_text(a), normalize_text(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    return short in long_ and len(short) >= min_ratio * len(long_)


def _same_speaker(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return name_matches(a, b) or name_matches(b, a)


def ledger_metrics(ledger: Sequence[LedgerEntry], gold: Sequence[dict]) -> dict:
    """Quote precision/recall, kind accuracy and attribution accuracy of a ledger against gold.

    `gold` rows hold `quote`, `speaker` (or null), `evidence` (or null) and `kind`. Reported
    entries are left out (the gold lists quotations only). A ledger quote matches a gold quote
    when their normalised texts are equal or one contains the other with at least 80% of its
    length; matching is one-to-one in document order.
    """
    quoted = [e for e in ledger if e.kind in ("direct", "scare")]
    used: set[int] = set()
    pairs: list[tuple[dict, LedgerEntry]] = []
    for g in gold:
        for i, e in enumerate(quoted):
            if i not in used and _quote_match(g["quote"], e.quote):
                used.add(i)
                pairs.append((g, e))
                break
    n_gold, n_ledger, n_matched = len(gold), len(quoted), len(pairs)
    speech_gold = [g for g in gold if g.get("kind", "direct") == "direct"]
    speech_ledger = [e for e in quoted if e.kind == "direct"]
    speech_pairs = [(g, e) for g, e in pairs if g.get("kind", "direct") == "direct" and e.kind == "direct"]
    attributed = [(g, e) for g, e in speech_pairs if g.get("speaker")]
    speaker_ok = [(g, e) for g, e in pairs if _same_speaker(
        g.get("speaker") if g.get("kind", "direct") == "direct" else None, e.speaker)]
    evidence_rows = [(g, e) for g, e in attributed if g.get("evidence")]
    evidence_ok = [
        (g, e) for g, e in evidence_rows if e.evidence is not None and (
            normalize_text(e.evidence.text) in normalize_text(g["evidence"])
            or normalize_text(g["evidence"]) in normalize_text(e.evidence.text))
    ]

    def ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    errors = []
    matched_gold = {id(g) for g, _ in pairs}
    for g in gold:
        if id(g) not in matched_gold:
            errors.append({"id": g.get("id"), "error": "missed", "quote": g["quote"][:80]})
    matched_ledger = {id(e) for _, e in pairs}
    for e in quoted:
        if id(e) not in matched_ledger:
            errors.append({"id": None, "error": "spurious", "quote": e.quote[:80], "start": e.start})
    for g, e in pairs:
        gold_speaker = g.get("speaker") if g.get("kind", "direct") == "direct" else None
        if not _same_speaker(gold_speaker, e.speaker) or g.get("kind", "direct") != e.kind:
            errors.append({"id": g.get("id"), "error": "attribution", "gold_speaker": gold_speaker,
                           "speaker": e.speaker, "gold_kind": g.get("kind"), "kind": e.kind})
    return {
        "quote_precision": ratio(n_matched, n_ledger),
        "quote_recall": ratio(n_matched, n_gold),
        "kind_accuracy": ratio(sum(g.get("kind", "direct") == e.kind for g, e in pairs), n_matched),
        "speech_precision": ratio(len(speech_pairs), len(speech_ledger)),
        "speech_recall": ratio(len(speech_pairs), len(speech_gold)),
        "attribution_accuracy": ratio(len(speaker_ok), n_matched),
        "attributed_accuracy": ratio(sum(_same_speaker(g["speaker"], e.speaker) for g, e in attributed),
                                     len(attributed)),
        "evidence_accuracy": ratio(len(evidence_ok), len(evidence_rows)),
        "n_gold": n_gold, "n_ledger": n_ledger, "n_matched": n_matched,
        "n_gold_speech": len(speech_gold), "n_gold_attributed": len(attributed),
        "errors": errors,
    }
