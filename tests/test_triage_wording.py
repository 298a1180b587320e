"""The triage on wording: the safety net for veiled and indirect words, harmless-context words
that must never clear a crisis, negations that only postpone, and doubled letters
(docs/safety.md, "Deciding the level"). Rules alone, as in tests/test_triage.py. The everyday
senses of risk words are in tests/test_triage_everyday.py; wording the probe rounds found the
patterns missing is in tests/test_triage_missed.py and tests/test_triage_probed.py.
"""

from __future__ import annotations

import pytest

from bot.triage import Level, rules_triage

# ---------------------------------------------------------------------------------------------
# Safety net for ambiguous wording (docs/safety.md: when torn, choose the higher level)
# ---------------------------------------------------------------------------------------------

# Veiled first-person wording in the fields of death, ending, disappearing, burden, giving up:
# at least concern, so the bot asks the direct question.
AT_LEAST_CONCERN = [
    "honestly what is the point of me",
    "i think im going to give up on everything",
    "i cant keep pretending much longer",
    "im so tired of everything",
    "i just want out",
    "i feel like a drain on everyone around me",
    "would anyone even notice",
    "i cant see a future for myself",
    "some nights i keep thinking about death",
    "i feel like im slowly fading away",
    "je ne vois plus d'avenir pour moi",
    "ich sehe keinen Sinn mehr",
    "estoy cansado de todo",
    "я устал от всего",
]

# The same concepts in their clear forms, without the usual words: crisis.
INDIRECT_CRISIS = [
    "part of me wants to fall asleep and not come back",
    "i want to check out for good",
    "everyone would be less stressed if i was out of the picture",
    "i've been quietly collecting my mum's sleeping pills",
    "who would take my dog if something happened to me",
    "this is the last time you'll hear from me",
    "there are new lines on my thighs and i made them myself",
    "my stepdad does stuff to me and says if i tell mum will cry",
    "my friend said goodbye and now her phone is switched off",
    "quiero cerrar los ojos para siempre",
    "es wäre leichter für alle, wenn es mich nicht gäbe",
]


# Harmless-context words are read in the sentences around a risk, so a word that also belongs
# to a crisis (a pill box, a ward, a helpline, losing a job, a parent, a voice message) must
# never be one: each of these came out none once, after a lexicon change that only looked at
# the training negatives.
CONTEXT_MUST_NOT_CLEAR = [
    # French "thèse" and English "these" are one word once accents go: no context word may be
    # an everyday word of another language
    ("Please tell whoever reads these that I'm sorry. This is goodbye.", "crisis"),
    (
        "Thanks for listening these last few weeks. This is the last message you'll get from me.",
        "crisis",
    ),
    ("I've been looking up fatal doses. Filled my pill box with everything I have.", "crisis"),
    ("I counted my pills tonight. They upped my meds last week, so now I have enough.", "crisis"),
    ("This is my last night here. The nurses on the ward won't notice.", "crisis"),
    ("C'est mon dernier message. J'ai appelé la ligne d'écoute, personne n'a répondu.", "crisis"),
    ("Je veux juste disparaître. J'écoute ce morceau en boucle depuis des heures.", "crisis"),
    ("je veux juste disparaitre. ma mère s'en fiche mdr", "crisis"),
    ("Это моё последнее сообщение. Отключу уведомления и всё.", "crisis"),
    ("Раздаю свои вещи. Меня увольняют, сил больше нет.", "crisis"),
    ("Хочу умереть. Мама прислала голосовое, а мне всё равно.", "crisis"),
    ("Это моё последнее сообщение. Звонила на телефон доверия, никто не ответил.", "crisis"),
    ("me quiero morir jsjs, mi madre me echó de casa", "crisis"),
    ("ya no puedo más, mi padre me odia jaja", "concern"),
    # a will left with a solicitor is preparation, not an ordinary reason for a farewell
    ("you won't hear from me again. solicitor has the will", "crisis"),
]


@pytest.mark.parametrize(("text", "level"), CONTEXT_MUST_NOT_CLEAR)
def test_words_that_also_belong_to_a_crisis_never_clear_it(text: str, level: str) -> None:
    assert rules_triage(text).level >= Level[level.upper()], text


@pytest.mark.parametrize("text", AT_LEAST_CONCERN)
def test_veiled_wording_is_at_least_concern(text: str) -> None:
    assert rules_triage(text).level >= Level.CONCERN, text


@pytest.mark.parametrize("text", INDIRECT_CRISIS)
def test_indirect_crisis_wording_is_crisis(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS, text


# ---------------------------------------------------------------------------------------------
# Negation that only postpones
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "not going to kill myself yet",
        "I won't end my life. Not tonight. But soon.",
        "I don't want to kill myself. Not yet anyway",
        "no voy a matarme todavia",
        "ich bring mich heute nacht nicht um. aber bald",
        "je vais pas me tuer. pas ce soir",
        # behind a comma, in a sentence of its own, or as the negation itself
        "I'm not going to kill myself, not yet",
        "I won't kill myself, not tonight anyway",
        "no quiero matarme, todavia no",
        "Я не хочу убить себя. Не сегодня",
        "je ne suis pas suicidaire. pas encore",
        "ich bin noch nicht suizidal",
        "I'm not suicidal yet",
        # a longer sentence behind "not yet" or "but", and "yet" before a new clause
        "I'm not going to kill myself. Not yet but probably next week when everyone is away",
        "I'm not going to kill myself. At least not this week.",
        "no voy a matarme. Todavía no pero pronto lo haré y nadie podrá impedirlo",
        "I'm not going to kill myself. But soon I will and no one can stop me.",
        "im not going to kill myself yet im getting close",
        "I won't kill myself. Not now.",
        # putting it off on its own, beside a plan or a date: the risk word was in the chat
        "not right now. im too tired. but it's still the plan",
        "Heute nicht. Aber ich hab mir ein Datum ausgesucht.",
        "спокойно, не сегодня. но я уже решила",
    ],
)
def test_a_negation_that_only_postpones_keeps_the_risk(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "not suicidal. see you soon!",
        "I'm not suicidal. Not at all.",
        "I'm not suicidal, just tired tonight",
        # a time word opening a longer sentence, and "yet" meaning "but"
        "I'm not going to kill myself. Tonight I'm going to the cinema",
        "I'm not suicidal. Soon I'll be on holiday!",
        "not yet, I'm exhausted from work",
        "Not yet. I decided to wait for the sale",
        "not yet, still got the plan to visit mum",
        "pas encore, j'ai pris ma décision de partir en vacances en juillet",
    ],
)
def test_a_time_word_further_from_a_negation_is_no_postponement(text: str) -> None:
    assert rules_triage(text).level != Level.CRISIS


# ---------------------------------------------------------------------------------------------
# Doubled letters that tell two words apart (bot.triage.normalise.KEEP_DOUBLE)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # collapsed, "of" read as "off myself" and "nose" as "noose": both were crisis
        "Mood 7, nervous but proud of myself for having the hard conversation.",
        "I need to take better care of myself this winter",
        "I feel like a cardboard cut-out of myself lately",
        "broke my nose at football, bled everywhere",
        "the lesson was very on the nose",
        "Je n'ose pas en parler à ma sœur",
    ],
)
def test_a_collapsed_spelling_is_not_read_as_another_word(text: str) -> None:
    assert rules_triage(text).level != Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "gonna off myself tonight",
        "gonna offfff myself tonight",
        "i bought a nooooose",
        "i tied a noose, it's in the garage",
        "gonna kiiiill myself",
        # collapsed, English "deer" (a hunting trip, an ordinary reason) read as German "der"
        # and cleared these
        "heute nicht. aber der plan steht, ich wart nur auf den richtigen tag",
        "denk seit der trennung dauernd an ctb. heut is es echt laut im kopf",
    ],
)
def test_a_risk_word_survives_the_collapsing(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS
