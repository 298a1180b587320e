"""Every sentence of the guided practices, in one place to read aloud (translated like
`bot/texts.py`: marked with N_, shown through the person's `Tr`).

Style as everywhere: warm, plain, short; the person's own words are theirs, never judged. Each
practice takes two to five minutes and can be left at any point. Nothing here is therapy, and
every practice says where to go if it stirs up too much.
"""

from __future__ import annotations

from bot.i18n import N_

# ------------------------------------------------------------------ shared
STEP_OF = N_("{number}/{total} · {title}")
SKIP = N_("Skip this one")
STOP = N_("Stop here")
TOO_MUCH = N_("This is stirring up too much")
TOO_MUCH_REPLY = N_(
    "Thank you for noticing that. It's okay to stop here; nothing is lost by pausing.\n\n"
    "A grounding practice can help your body settle, and /sos is there if you need a person "
    "to talk to right now."
)
STOPPED = N_("Stopped. You can come back to it whenever you like.")
NOT_ANSWERED = N_("(skipped)")
KEPT = N_("I've kept this in your journal. /journal lists everything you've written.")
NOT_KEPT = N_(
    "(Your journal is off, so I haven't kept this. Copy it somewhere if you'd like to keep it.)"
)
PRACTICE_BUTTON = N_("🛠 Practice: {title}")

# ------------------------------------------------------------------ Step 2: the ledger
LEDGER_TITLE = N_("Suspicion or old fear?")
LEDGER_INTRO = N_(
    "This is a ledger for one worry, like a detective's notebook. Seven short questions, "
    "about three minutes. There are no wrong answers, and you can skip any of them."
)
LEDGER_QUESTIONS = (
    (
        N_("The situation"),
        N_(
            "What happened? One or two sentences, like: 'He read my message "
            "and didn't answer for three hours.'"
        ),
    ),
    (N_("What I fear"), N_("What are you afraid it means?")),
    (N_("Facts for it"), N_("What facts support that fear? Only what you saw or heard.")),
    (N_("Facts against it"), N_("What facts don't fit the fear?")),
    (N_("Other explanations"), N_("What else could explain it? Try to find two.")),
    (N_("What I'd tell a friend"), N_("If a friend told you this, what would you say to them?")),
    (N_("One next step"), N_("What is one small thing you could do next?")),
)
LEDGER_CARD = N_("Your ledger")
LEDGER_OUTRO = N_(
    "Well done for looking at it calmly. In a few days, /journal lets you open this again and "
    "write what actually happened. That's often the most useful part."
)
LEDGER_LATER = N_("What actually happened?")
LEDGER_LATER_ASK = N_(
    "Looking back, what actually happened? Write as much or as little as you like."
)
LEDGER_LATER_TITLE = N_("What actually happened")
LEDGER_LATER_SAVED = N_("Thank you. I've added it to this ledger.")

# ------------------------------------------------------------------ Step 3: the unsent letter
CLOSURE_TITLE = N_("A letter you never send")
CLOSURE_INTRO = N_(
    "This letter is never sent anywhere. It's only for you: a way to put an old hurt into "
    "words and set it down. Three short parts. If it starts to feel like too much, tap the "
    "button under any question."
)
CLOSURE_QUESTIONS = (
    (
        N_("What happened"),
        N_("Who is this letter to, and what happened? Start with 'Dear ...' if that helps."),
    ),
    (N_("What it cost me"), N_("What did it cost you? How has it shaped the way you trust?")),
    (
        N_("What I'm setting down"),
        N_(
            "What would you like to set down now, even a little? "
            "For example: 'I'm done carrying the blame for this.'"
        ),
    ),
)
CLOSURE_CARD = N_("Your letter (never sent)")
CLOSURE_OUTRO = N_(
    "Thank you for writing this. Letters like this can bring up a lot, so be gentle with "
    "yourself for the rest of the day. A calming practice is one tap away: /meditate."
)

# ------------------------------------------------------------------ Step 4: values
VALUES_TITLE = N_("What matters to me")
VALUES_INTRO = N_(
    "Pick three to five values that matter most to you right now. Tap to choose, tap again to "
    "change your mind, then tap Done. Later lessons and practices will remind you of them."
)
VALUES = {
    "honesty": N_("Honesty"),
    "kindness": N_("Kindness"),
    "loyalty": N_("Loyalty"),
    "respect": N_("Respect"),
    "freedom": N_("Freedom"),
    "safety": N_("Feeling safe"),
    "closeness": N_("Closeness"),
    "fairness": N_("Fairness"),
    "growth": N_("Growth"),
    "calm": N_("Calm"),
    "fun": N_("Fun"),
    "family": N_("Family"),
}
VALUES_OWN = N_("✍ Type my own")
VALUES_OWN_ASK = N_("Which value would you add? One or two words.")
VALUES_DONE = N_("Done")
VALUES_TOO_FEW = N_("Pick at least three, or type your own.")
VALUES_SAVED = N_("Your values: {values}. They'll come up again in the practices.")
VALUES_NOT_KEPT = N_(
    "Your values: {values}. (Progress is off, so I won't remember them after today.)"
)
VALUES_REMINDER = N_("You chose {values} as what matters to you.")

# ------------------------------------------------------------------ Step 5: assertiveness
ASSERT_TITLE = N_("Say what you need")
ASSERT_INTRO = N_(
    "Let's build a message you could send, in your own words. Four short questions; I'll put "
    "them together and you decide whether and when to send it."
)
ASSERT_QUESTIONS = (
    (
        N_("The situation"),
        N_(
            "What's happening? Describe it as a camera would see it, like: "
            "'when plans change at the last minute'."
        ),
    ),
    (N_("How I feel"), N_("How do you feel about it? One or two words is enough.")),
    (
        N_("What I'd like"),
        N_("What would you like instead? Something the other person can actually do."),
    ),
    (N_("Why it matters"), N_("Why does it matter to you?")),
)
ASSERT_DRAFT = N_("When {situation}, I feel {feeling}. I'd like {want}, because {why}.")
ASSERT_CARD = N_("Your message, ready to copy")
ASSERT_OUTRO = N_(
    "Read it aloud once. Change any word that doesn't sound like you, then send it only if "
    "and when it feels right. I never send anything for you."
)

# ------------------------------------------------------------------ Step 6: triggered
TRIGGERED_TITLE = N_("When it hits hard")
TRIGGERED_INTRO = N_(
    "Let's slow things down first. For about a minute, just follow the words. Breathe in "
    "through your nose, and out slowly through your mouth."
)
BREATHE = (
    N_("Breathe in… 1, 2, 3, 4"),
    N_("And out, slowly… 1, 2, 3, 4, 5, 6"),
    N_("In again… feel your feet on the floor"),
    N_("Out… let your shoulders drop"),
    N_("In… notice three things you can see"),
    N_("Out… you're here, and this moment will pass"),
)
BREATHE_DONE = N_("Well done. Whenever you're ready, which word fits what you feel right now?")
FEELINGS = {
    "hurt": N_("Hurt"),
    "angry": N_("Angry"),
    "scared": N_("Scared"),
    "jealous": N_("Jealous"),
    "ashamed": N_("Ashamed"),
    "left_out": N_("Left out"),
    "confused": N_("Confused"),
    "numb": N_("Numb"),
}
TRIGGERED_QUESTIONS = (
    (N_("What happened"), N_("What happened, as a camera would see it? Start with 'When...'")),
    (N_("Why it got to me"), N_("Why did it hit you so hard? Start with 'because...'")),
    (N_("What I'd ask for"), N_("What would you like to ask for? Start with 'Could we...'")),
)
TRIGGERED_DRAFT = N_("When {what}, I felt {feeling}, because {because}. Could we {ask}?")
TRIGGERED_CARD = N_("An I-statement, when you're ready")
TRIGGERED_OUTRO = N_(
    "There's no rush to say it. Saying it calmly, later, usually goes better than in the heat "
    "of the moment."
)
TRIGGERED_FOLLOWUP = N_("Yesterday was a hard moment. How did it go?")

# ------------------------------------------------------------------ Step 7: face value
FACE_TITLE = N_("A week of face value")
FACE_INTRO = N_(
    "A small experiment for the next seven days: once a day, notice one moment when you take "
    "someone's words at face value, without looking for a hidden meaning. Each check-in "
    "will ask how it went."
)
FACE_START = N_("Start the week")
FACE_STARTED = N_("Started. I'll ask about it in your check-ins for the next seven days.")
FACE_NEEDS_PROGRESS = N_(
    "The experiment runs over a week, so I need Progress switched on to remember it (/privacy)."
)
FACE_ALREADY = N_("Your week of face value is running: day {day} of 7.")
FACE_QUESTION = N_("Face value, day {day} of 7: did you take someone's words at face value today?")
FACE_ANSWERS = {
    "fine": N_("Yes, it went fine"),
    "hard": N_("Yes, it was hard"),
    "none": N_("Not today"),
}
FACE_THANKS = {
    "fine": N_("That's the experiment working. Noticing it is the whole point."),
    "hard": N_("It's hard at first, and you did it anyway. That counts."),
    "none": N_("That's okay. Tomorrow is another chance, no pressure."),
}
FACE_RESULTS = N_(
    "Your week of face value. It went fine: {fine}. It was hard: {hard}. Not today: {none}."
)

# ------------------------------------------------------------------ Steps 1 and 8 in the check-in
GUARD_BUTTON = N_("🛡 Something set off my guard")
GUARD_ASK = N_("What set off your guard today? A sentence is enough. Noticing it is step one.")
GUARD_THANKS = N_("Thank you. Noticing it is already a step. /ledger helps look at it calmly.")
LOW_MOOD_PRACTICE = N_(
    "If you'd like something small for right now: a short grounding practice, or /triggered "
    "to slow down and find words for it."
)

# ------------------------------------------------------------------ the self-check
SELF_TITLE = N_("A short self-check")
SELF_INTRO = N_(
    "Nine quick questions, tapped, not typed, about where trust feels hard for you. This is "
    "not a test and not a diagnosis: it only suggests where to begin among the eight steps."
)
SELF_AREAS = {
    "romantic": N_("a partner or dates"),
    "friends": N_("friends"),
    "family": N_("family"),
    "work": N_("people at work or school"),
}
SELF_AREA_ASK = N_("How hard is trusting {area} for you?")
SELF_AREA_ANSWERS = (N_("Not hard"), N_("Sometimes hard"), N_("Often hard"))
SELF_PATTERNS = {
    "checking": N_("I check up on people: their phone, their messages, where they are."),
    "betrayal": N_("I expect to be let down or betrayed, even when things are going well."),
    "distance": N_("I keep people at a distance so they can't hurt me."),
    "testing": N_("I test people to see if they really care."),
    "rejection": N_("I read neutral messages as rejection: a short reply, a late answer."),
}
SELF_PATTERN_ASK = N_("How much does this sound like you?\n\n{pattern}")
SELF_PATTERN_ANSWERS = (N_("Not really"), N_("A bit"), N_("Very much"))
SELF_RESULT = N_(
    "Thank you. From your answers, a good place to begin is:\n\n{step}\n\n{why}\n\n"
    "/lesson now starts there. You can retake this any time with /selfcheck."
)
SELF_NOT_KEPT = N_("(Progress is off, so I'll forget these answers after showing you this.)")
SELF_WHY = {
    "awareness": N_(
        "Trust feels hard in several places, so noticing your own patterns first "
        "gives everything else a footing."
    ),
    "suspicion": N_(
        "Checking and suspicion came up most, and this step helps sort real "
        "warning signs from old fears."
    ),
    "closure": N_(
        "Expecting to be let down often has roots in an old hurt; this step helps "
        "make peace with it."
    ),
    "assertiveness": N_(
        "Keeping distance came up most; this step helps you say what you need "
        "instead of pulling away."
    ),
    "triggered": N_(
        "Testing people often comes from strong feelings in the moment; this step "
        "helps you slow down and talk."
    ),
    "face_value": N_(
        "Reading rejection into neutral messages came up most; this step practises "
        "taking words as they are."
    ),
}
SELF_START = N_("Start the self-check")
SELF_COMPARE = N_("Self-check, first ({first}) and latest ({latest}):")

# ------------------------------------------------------------------ /journal
JOURNAL_EMPTY = N_("Your journal is empty so far. What you write in the practices appears here.")
JOURNAL_OFF = N_(
    "Your journal is off, so I don't keep what you write. You can switch it on in /privacy."
)
JOURNAL_LIST = N_("Your journal, newest first. Tap one to open it.")
JOURNAL_KINDS = {
    "checkin": N_("Check-in note"),
    "reflection": N_("Reflection"),
    "safety_plan": N_("Safety plan"),
    "ledger": N_("Ledger"),
    "closure": N_("Unsent letter"),
    "assert": N_("Message draft"),
    "triggered": N_("I-statement"),
    "guard": N_("What set off my guard"),
    "value": N_("My own value"),
}
JOURNAL_GONE = N_("That entry is no longer in your journal.")
JOURNAL_MORE = N_("Older entries")

# ------------------------------------------------------------------ /summary
SUMMARY_INTRO = N_(
    "I can make a one-page summary of your last four weeks to bring to a therapist or "
    "counsellor, if you'd like: your mood chart, lessons and practices done, your values, and "
    "only the journal entries you tick below. Tap the ones to include, then Make it."
)
SUMMARY_NO_ENTRIES = N_(
    "I can make a one-page summary of your last four weeks to bring to a therapist or "
    "counsellor: your mood chart, lessons and practices done, and your values. Tap Make it."
)
SUMMARY_MAKE = N_("📄 Make it")
SUMMARY_MAKING = N_("Making your summary…")
SUMMARY_READY = N_("Here it is, as a PDF to print and as an image for your phone.")
SUMMARY_NEEDS_PROGRESS = N_(
    "The summary is made from your moods and lessons, so it needs Progress switched on in /privacy."
)
SUMMARY_PAGE_TITLE = N_("My last four weeks")
SUMMARY_DISCLAIMER = N_("Made by trustbot, a self-help tool, at my request. Not a clinical record.")
SUMMARY_PERIOD = N_("{start} to {end}")
SUMMARY_MOODS = N_("Mood check-ins: {count}, average {average} of 5")
SUMMARY_NO_MOODS = N_("No mood check-ins in these four weeks.")
SUMMARY_LESSONS = N_("Lessons read: {count}")
SUMMARY_PRACTICES = N_("Practices done: {items}")
SUMMARY_NO_PRACTICES = N_("Practices done: none yet")
SUMMARY_VALUES = N_("My values: {values}")
SUMMARY_ENTRIES = N_("From my journal:")
SUMMARY_CAPTION = N_("My trustbot summary")

# ------------------------------------------------------------------ spaced reminders
RECALL = N_("💡 Remember: {idea}")
RECALL_SETTING = N_("💡 Lesson reminders")
RECALL_ON = N_(
    "Lesson reminders are on: the daily check-in may recall one idea from a lesson you "
    "finished, 1, 3 and 7 days later."
)
RECALL_OFF = N_("Lesson reminders are off.")
