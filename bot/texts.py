"""Every sentence the bot says outside lessons and meditations, in one place to read aloud.

Plain text (no parse mode), so nothing a user typed can ever be interpreted as markup.
Style: warm, brief, validate first, never preach, never promise outcomes (see docs/safety.md).
"""

from __future__ import annotations

from bot.i18n import N_, NP_, Tr

WHAT_I_AM = N_(
    "I'm a self-help companion, not a therapist and not an emergency service. "
    "Telegram messages are not end-to-end encrypted, so share only what feels okay to share."
)

WELCOME = N_(
    "Hi, I'm trustbot. 👋\n\n"
    "I'm here for people who find it hard to trust others. I offer short lessons, "
    "a daily check-in and calming practices, at your own pace.\n\n"
    "A few honest things first:\n"
    "• I'm a self-help tool, not a therapist and not an emergency service.\n"
    "• If you're ever in danger or thinking about ending your life, type /sos for "
    "crisis lines near you. It works any time.\n"
    "• Telegram messages are not end-to-end encrypted.\n"
    "• Unless you say yes, I keep only what I need to talk with you: your chat id, how far "
    "we got in setting up, and your country if you tell me (for local crisis lines). "
    "Never your words."
)

WELCOME_BACK = N_(
    "Welcome back. 🌿 Good to see you.\n\n"
    "You can pick up wherever you like: /lesson, /checkin or /meditate. "
    "/settings changes your choices, and /sos is there any time."
)

AGE_QUESTION = N_("One quick question before we start: are you {age} or older?")
AGE_YES = N_("Yes, {age} or older")
AGE_NO = N_("No, I'm younger")
TOO_YOUNG = N_(
    "Thank you for telling me. I'm not made for people under {age} yet, so I won't keep "
    "anything about you.\n\n"
    "You still deserve support. These people talk with young people every day, and "
    "it's free:\n\n{lines}\n\n"
    "If you ever feel unsafe, tell an adult you trust or call {emergency}."
)

CONSENT_INTRO = N_(
    "What may I keep? Tap each one to switch it on or off, then tap Done.\n"
    "Lessons, meditations and help all work without any of them.\n\n"
    "⏰ Reminders: your chat, a reminder time and your time zone, "
    "so I can send a daily check-in.\n"
    "📈 Progress: lessons you've finished and your mood scores, for your progress chart.\n"
    "📓 Journal: the words you write in check-ins and reflections, encrypted.\n\n"
    "You can change this any time in /privacy."
)
CONSENT_LABELS = {
    "reminders": N_("⏰ Reminders"),
    "progress": N_("📈 Progress"),
    "journal": N_("📓 Journal"),
}
CONSENT_DONE = N_("Done")
CONSENT_SAVED = N_("Saved. /privacy shows exactly what I keep, any time.")
CONSENT_NONE_CHOSEN = N_(
    "That's completely fine. I won't keep any of it. "
    "Lessons, meditations and /sos work just the same."
)

TIME_QUESTION = N_(
    "When would you like your daily check-in? Tap a time, or type one like 7:30 or 7pm."
)
TIME_TYPE = N_("Type another time")
TIME_NOT_UNDERSTOOD = N_("I didn't catch that time. Could you write it like 7:30, 19:30 or 7pm?")
TZ_QUESTION = N_(
    "Which time zone are you in? Type a city near you (like Berlin or New York) "
    "or a zone name (like Europe/Berlin)."
)
TZ_CONFIRM = N_("So it's {clock} for you now ({zone})?")
TZ_YES = N_("Yes, that's right")
TZ_NO = N_("No, let me try again")
TZ_NOT_FOUND = N_("I couldn't find a time zone for that. Could you try a nearby big city?")
TZ_SUGGEST = N_("I couldn't find that exactly. Did you mean one of these: {options}?")
TZ_COUNTRY = N_(
    "{country} has more than one time zone. Which one is yours? "
    "Type the city nearest you, or one of these:\n{options}"
)

COUNTRY_QUESTION = N_(
    "Which country are you in? I use it only to show the right crisis lines in /sos. "
    "Tap one, or type its name."
)
COUNTRY_OTHER = N_("Another country (type it)")
COUNTRY_SKIP = N_("Skip for now")
COUNTRY_TYPE = N_("Type the name of your country, like Germany or Brazil.")
COUNTRY_UNKNOWN = N_(
    "I don't have checked lines for that country yet, so /sos will show international "
    "directories that do. You can change this any time in /settings."
)
COUNTRY_SET = N_("Thanks. /sos will show lines for {country}.")

ONBOARDED = N_(
    "You're all set. 🌱 Here's what I can do:\n\n"
    "/lesson: a short lesson on rebuilding trust\n"
    "/checkin: tell me how you're doing\n"
    "/meditate: a calming practice, a few minutes long\n"
    "/sos: help right now, with crisis lines near you\n"
    "/settings: change your choices\n\n"
    "A good first step is /lesson."
)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("lesson", N_("A short lesson on rebuilding trust")),
    ("checkin", N_("Tell me how you're doing today")),
    ("meditate", N_("A calming practice, a few minutes long")),
    ("sos", N_("Help right now: crisis lines near you")),
    ("help", N_("What I am, and how to find help")),
    ("selfcheck", N_("Where to begin: a short self-check")),
    ("ledger", N_("Suspicion or old fear? Look at it calmly")),
    ("letter", N_("A letter you never send, to set an old hurt down")),
    ("values", N_("Choose what matters most to you")),
    ("speakup", N_("Build a message that says what you need")),
    ("triggered", N_("When it hits hard: slow down, then find words")),
    ("facevalue", N_("A week of taking words at face value")),
    ("journal", N_("What you've written, newest first")),
    ("summary", N_("A one-page summary to bring to a therapist")),
    ("safetyplan", N_("Your personal safety plan")),
    ("progress", N_("Your lessons and moods")),
    ("settings", N_("Time, time zone, country, reminders")),
    ("language", N_("Change the language I speak")),
    ("privacy", N_("What I keep about you, and your choices")),
    ("pause", N_("Pause reminders")),
    ("resume", N_("Resume reminders")),
    ("export", N_("Download everything I keep about you")),
    ("delete", N_("Erase everything I keep about you")),
    ("start", N_("Start again from the beginning")),
)


def command_list(t: Tr) -> str:
    """Every command with its description, one per line, in the person's language."""
    return "\n".join(f"/{name}: {t(desc)}" for name, desc in COMMANDS)


HELP_INTRO = N_("I'm trustbot, a self-help companion for people who find it hard to trust others.")
HELP_PRO = N_(
    "Finding professional help:\n"
    "• Your GP or family doctor can talk it through and refer you to a therapist.\n"
    "• National health services and directories of registered therapists list people "
    "near you; many offer online sessions.\n"
    "• Student and workplace support services are often free and quick to reach.\n"
    "• The 'Getting help' lessons in /lesson explain the kinds of therapy."
)

MOOD_QUESTION = N_("How are you feeling right now?")
# Scheduled prompts (sent by the scheduler with the buttons handlers/reminders.py owns).
CHECKIN_PROMPT = N_("Good to see you. 🌿 How are you feeling today?")
SLOW_NOTICE = N_(
    "(I've noticed the last few check-ins went unanswered, and that's completely okay. "
    "I'll check in every other day for now; answering any time brings back the daily rhythm.)"
)
MEDITATION_PROMPT = NP_(
    "A small pause for you, if you'd like one: {title}, about {n} minute.",
    "A small pause for you, if you'd like one: {title}, about {n} minutes.",
)
MEDITATION_START = N_("Start ▶")
REMIND_LATER = N_("Remind me in an hour")
SNOOZED = N_("Of course. I'll ask again in an hour. 🌿")
NO_SENDER = N_(
    "I couldn't tell who sent that message, so I can't answer it properly. If you need help "
    "right now, /sos lists crisis lines, or call your local emergency number."
)
MOOD_LABELS = {
    1: N_("1 😞 Very low"),
    2: N_("2 🙁 Low"),
    3: N_("3 😐 Okay"),
    4: N_("4 🙂 Good"),
    5: N_("5 😄 Great"),
}
MOOD_THANKS = {
    1: N_("Thank you for telling me. That sounds really hard."),
    2: N_("Thanks for sharing that. Low days are part of it, and you showed up anyway."),
    3: N_("Thanks for checking in. An okay day counts."),
    4: N_("Good to hear. Thanks for checking in."),
    5: N_("That's lovely to hear. Thanks for checking in."),
}
NOTE_QUESTION = N_("What's on your mind? Write as much or as little as you like, or tap Skip.")
NOTE_SKIP = N_("Skip")
NOTE_SAVED = N_("Thank you. I've saved that in your journal.")
NOTE_NOT_SAVED = N_("Thank you for sharing that. (I haven't saved it: your journal is off.)")
NOTE_SKIPPED = N_("No problem. See you next time. 🌿")
CHECKIN_NOT_STORED = N_("(Your progress is off, so I haven't kept this score.)")

LESSON_BUTTON_NEXT = N_("Next ▶")
LESSON_BUTTON_REFLECT = N_("Reflect ✍")
LESSON_BUTTON_PICK = N_("Pick a step")
LESSON_PICK = N_("Which part would you like to explore?")
LESSON_PATH_DONE = N_(
    "You've been through every lesson. That's a real achievement. 🌟 "
    "You can revisit any step whenever you like."
)
REFLECT_PROMPT = N_(
    "Take your time. {question}\n\nType your reflection, or just read on when you're ready."
)
REFLECT_SAVED = N_("Thank you for reflecting. I've saved it in your journal.")
REFLECT_NOT_SAVED = N_("Thank you for reflecting. (Your journal is off, so I haven't saved it.)")

MED_PICK = N_("Which practice would you like? Each takes a few minutes.")
MED_NEXT = N_("Next ▶")
MED_DONE_BUTTON = N_("Finish")
MED_FINISHED = N_("Well done for taking that time for yourself. 🌿")
MED_ANOTHER = N_("Another practice")

FLOOD_NOTICE = N_(
    "You're sending messages faster than I can answer them one by one. I'm still reading "
    "everything, and I'll answer again as soon as things slow down. If you need help right now, "
    "/sos is always there."
)
BUTTON_ELSEWHERE = N_(
    "This button only works in our private chat with you. Open it and send /start."
)
STALE_BUTTON = N_(
    "That button has expired. Here's a fresh start: try /lesson, /checkin or /meditate."
)
NOT_UNDERSTOOD_TEXT = N_(
    "Thank you for writing. I'm a simple bot, so I work best with commands: "
    "/lesson, /checkin, /meditate, or /help. If you're struggling right now, /sos is there."
)
SETUP_UNFINISHED = N_("(Your set-up isn't finished yet: /start picks it up where you left off.)")
SETUP_RESUME = N_("Welcome back. Let's pick up where we left off.")
NON_TEXT = N_(
    "Thanks for sending that. I can only read text, so I can't see it. "
    "If you'd like to share something, could you write it in words?"
)
UNKNOWN_COMMAND = N_("I don't know that command. Here's what I can do:")
EDITED = N_(
    "I saw you edited a message. I only read messages as they're first sent, "
    "so if something changed, please send it again."
)
PRIVATE_ONLY = N_(
    "Hi! I work only in private chats, so that what people share stays between them and me. "
    "Please message me directly. I won't reply here again."
)
ERROR = N_(
    "Sorry, something went wrong on my side. Nothing you did caused it. "
    "Please try again in a moment. If you need help now, /sos always works."
)
DB_DOWN = N_(
    "I can't reach my memory right now, so I can't do that at the moment. "
    "Please try again in a little while. /sos and /help still work."
)
NEEDS_ONBOARDING = N_("Let's get you set up first. Tap /start.")

SETTINGS_MENU = N_("Your settings:\n\n{summary}\n\nWhat would you like to change?")
SETTINGS_BUTTONS = {
    "time": N_("⏰ Check-in time"),
    "tz": N_("🌍 Time zone"),
    "country": N_("📞 Country for crisis lines"),
    "consent": N_("🔒 What I keep"),
    "days": N_("📅 Days"),
    "med": N_("🧘 Meditation prompt"),
    "weekly": N_("📊 Weekly summary"),
}
PAUSED = N_(
    "Reminders are paused. I won't send check-ins until you type /resume. "
    "Everything else still works, and /sos is always there."
)
RESUMED = N_("Welcome back. Reminders are on again. 🌿")
RESUME_NO_REMINDERS = N_(
    "You haven't switched on reminders, so there's nothing to resume. "
    "You can switch them on in /privacy."
)
ALREADY_PAUSED = N_("Reminders are already paused. /resume starts them again.")
NOT_PAUSED = N_("Reminders aren't paused.")

DAYS_QUESTION = N_(
    "Which days would you like reminders? For example: every day, weekdays, weekends, "
    "or mon, wed, fri."
)
DAYS_NOT_UNDERSTOOD = N_(
    "I didn't catch those days. Try 'every day', 'weekdays' or 'mon, wed, fri'."
)
DAYS_SET = N_("Done. Reminders on: {days}.")
MED_PROMPT_QUESTION = N_(
    "Would you like a gentle meditation prompt each day? Pick a time, type one, or switch it off."
)
MED_PROMPT_OFF = N_("No meditation prompts")
MED_PROMPT_SET = N_("Done. I'll offer a short practice at {time} your time.")
MED_PROMPT_STOPPED = N_("Okay, no meditation prompts. /meditate is there whenever you want one.")
WEEKLY_QUESTION = N_(
    "A weekly summary: your moods as a small chart, lessons read, and one sentence about "
    "your week, at 18:00 on the day you choose."
)
WEEKLY_OFF = N_("No weekly summary")
WEEKLY_SET = N_("Done. Your weekly summary comes on {day} evenings.")
WEEKLY_STOPPED = N_("Okay, no weekly summary.")
WEEKLY_NEEDS_PROGRESS = N_(
    "The weekly summary uses your moods and lessons, so it needs Progress switched on in /privacy."
)

# ------------------------------------------------------------------ set-up answers
TIME_SET_ONBOARDING = N_("Lovely: {time} it is.")
TIME_SET = N_("Done. Your check-in comes at {time} your time.")
TZ_SAVED = N_("Saved: your time zone is {zone}.")

# ------------------------------------------------------------------ language
LANGUAGE_HINT = N_("(I'm speaking English. /language changes it.)")
LANGUAGE_QUESTION = N_("Which language would you like me to use?")
LANGUAGE_SET = N_("Done. I'll speak English from now on.")
LANGUAGE_SET_SESSION = N_(
    "Done. I'll speak English for now. (Nothing about you is kept, so after a while "
    "I'll go back to the language your Telegram uses.)"
)

# ------------------------------------------------------------------ /help and /sos
HELP_DANGER = N_("If you're in danger or thinking about ending your life:")
HELP_COMMANDS = N_("What I can do:")
YOUR_PLAN = N_("Your safety plan:")

# ------------------------------------------------------------------ buttons, generally
ALREADY_DONE = N_("Already done 👍")

# ------------------------------------------------------------------ lessons and practices
LESSON_REFLECT_LABEL = N_("To reflect on:")
LESSON_TODAY_LABEL = N_("For today:")
LESSON_STEP_HEADER = N_("Step {number} of {total} · {title}")
MED_MENU_ITEM = NP_("{title} · {n} min", "{title} · {n} min")

# ------------------------------------------------------------------ /settings
ON = N_("on")
OFF = N_("off")
NOT_SET = N_("not set")
NONE_SET = N_("none")
SETTINGS_REMINDERS = N_("⏰ Reminders: {state}")
SETTINGS_PAUSED = N_(" (paused)")
SETTINGS_CHECKIN_AT = N_(", check-in at {time}")
SETTINGS_MEDITATION = N_("🧘 Meditation prompt: {time}")
SETTINGS_TZ = N_("🌍 Time zone: {zone}")
SETTINGS_COUNTRY = N_("📞 Country for crisis lines: {country}")
SETTINGS_PROGRESS_JOURNAL = N_("📈 Progress: {progress} · 📓 Journal: {journal}")
SETTINGS_LANGUAGE = N_("🗣 Language")
EVERY_DAY = N_("every day")
WEEKDAYS = N_("weekdays")
WEEKENDS = N_("weekends")
# Words that join days and carry nothing ("mon and fri"), space-separated, in the language.
DAY_FILLERS = N_("and on every each only the")
# Words between the first and last day of a range ("mon to fri"), space-separated.
DAY_RANGE_WORDS = N_("to through thru till until")

# ------------------------------------------------------------------ /progress and the week
PROGRESS_OFF = N_(
    "Progress is off, so I haven't kept any lessons or moods. You can switch it on "
    "in /privacy whenever you like."
)
PROGRESS_TITLE = N_("Your progress 🌱")
PROGRESS_STREAK = NP_(
    "Check-in streak: {n} day. Up to two missed days a week never break it.",
    "Check-in streak: {n} days. Up to two missed days a week never break it.",
)
PROGRESS_LAST_30 = N_("Check-ins in the last 30 days: {count}.")
CHART_CAPTION = N_("Your mood over the last 30 days")
CHART_TITLE = N_("Your mood, last {days} days")
CHART_WEEK_TITLE = N_("Your week")
CHART_EMPTY = N_("No check-ins in these days yet")
CHART_MOODS = {
    1: N_("Very low"),
    2: N_("Low"),
    3: N_("Okay"),
    4: N_("Good"),
    5: N_("Great"),
}
WEEK_QUIET = N_("A quiet week here, and that's okay: whenever you'd like to, I'm here.")
WEEK_CHECKINS = NP_("This week you checked in {n} time.", "This week you checked in {n} times.")
WEEK_LESSONS = NP_("This week you read {n} lesson.", "This week you read {n} lessons.")
WEEK_HIGHER = N_("Your most recent mood was higher than at the start of the week.")
WEEK_COUNTS = N_("Showing up for yourself like this counts.")

# ------------------------------------------------------------------ /privacy, /export, /delete
WHAT_KEPT = {
    "reminders": N_("your check-in time, time zone and days, and a record of each prompt sent"),
    "progress": N_("your mood scores and the lessons you've read"),
    "journal": N_("the words you wrote in check-ins, reflections and your safety plan (encrypted)"),
}
PRIV_SWITCH = N_("{label}: {state}")
PRIV_ON = N_("on ✅")
PRIV_OFF = N_("off ⬜")
PRIV_EXPORT = N_("⬇ Export my data")
PRIV_ERASE = N_("🗑 Erase everything")
PRIV_HEADER = N_("Here's exactly what I keep about you right now:")
PRIV_SETTINGS = N_(
    "• Settings: your chat id, country ({country}), time zone ({zone}), language ({language}), "
    "and these choices."
)
PRIV_SCHEDULE_ITEM = N_("{kind} at {time}")
PRIV_KIND = {"checkin": N_("check-in"), "meditation": N_("meditation")}
PRIV_NO_TIME = N_("no time set")
PRIV_REMINDERS_ON = NP_(
    "• Reminders (on): {times}; {n} prompt record.",
    "• Reminders (on): {times}; {n} prompt records.",
)
PRIV_REMINDERS_OFF = N_("• Reminders (off): nothing kept.")
PRIV_PROGRESS_ON = NP_(
    "• Progress (on): {n} mood score{since}; {lessons}. Kept until you switch it off or erase it.",
    "• Progress (on): {n} mood scores{since}; {lessons}. Kept until you switch it off or erase it.",
)
PRIV_SINCE = N_(", since {date}")
PRIV_LESSONS = NP_("{n} lesson read", "{n} lessons read")
PRIV_PROGRESS_OFF = N_("• Progress (off): nothing kept.")
PRIV_JOURNAL_ON = NP_(
    "• Journal (on): {n} entry{oldest}, encrypted; each is deleted after {days} days "
    "(your safety plan stays until you delete it).",
    "• Journal (on): {n} entries{oldest}, encrypted; each is deleted after {days} days "
    "(your safety plan stays until you delete it).",
)
PRIV_OLDEST = N_(", oldest {date}")
PRIV_JOURNAL_OFF = N_("• Journal (off): nothing kept. I read what you write, then forget it.")
PRIV_FLOW = N_(
    "• Our place in our conversation: which question I'm waiting for, and for a day after "
    "a crisis answer or a low mood, that it happened, so I don't ask you twice. "
    "Encrypted, never your words, forgotten after {days} days of quiet."
)
PRIV_FOOTER = N_(
    "I never keep the text of your messages unless your journal is on, and my logs never "
    "contain what you write. Tap a switch to change it: switching one off deletes "
    "that data at once."
)
PRIV_NOTHING = N_(
    "I keep nothing about you at the moment. If you /start, I'll ask before keeping anything."
)
PRIV_TURNED_ON = N_("{label} is on. I'll keep {what}.")
PRIV_TURNED_OFF = NP_(
    "{label} is off. I've deleted {what} ({n} item).",
    "{label} is off. I've deleted {what} ({n} items).",
)
EXPORT_SUMMARY = N_(
    "Here is everything I keep about you, as a file you can open in any text editor "
    "(JSON; its fields are described in the project's docs/privacy.md).\n\n"
    "Settings: country {country}, time zone {zone}.\n"
    "Check-ins: {checkins} · Lessons read: {lessons} · Journal entries: {journal} · "
    "Reminders: {schedules} · Prompt records: {deliveries}"
)
EXPORT_NOTHING = N_("I keep nothing about you, so there's nothing to export.")
EXPORT_CAPTION = N_("Your trustbot data (JSON)")
DELETE_CONFIRM = N_(
    "This erases everything I keep about you: settings, reminders, moods, lessons and "
    "journal, at once and for good. Are you sure?"
)
DELETE_YES = N_("Yes, erase everything")
DELETE_NO = N_("No, keep it")
DELETE_KEPT = N_("Okay, nothing was deleted.")
DELETE_DONE = N_(
    "Done. I've erased everything I kept about you, and reminders have stopped. "
    "If you'd ever like to start again, just send /start. /sos works any time."
)

# ------------------------------------------------------------------ /safetyplan
PLAN_STEPS = (
    (
        N_("Warning signs"),
        N_(
            "What tells you a hard moment is starting? Thoughts, feelings, places or "
            "times of day. For example: 'lying awake replaying old fights'."
        ),
    ),
    (
        N_("Things I can do on my own"),
        N_(
            "What helps you get through a hard moment by yourself, even "
            "a little? For example: a walk, a shower, a song, box breathing."
        ),
    ),
    (
        N_("People and places that take my mind off it"),
        N_(
            "Who or where can you go to be around "
            "others for a while? A friend's kitchen, a café, a library."
        ),
    ),
    (
        N_("People I can ask for help"),
        N_("Who could you tell that you're struggling? Write a name and how to reach them."),
    ),
    (
        N_("Professionals and services"),
        N_(
            "Which professionals or services can you contact? Your GP, "
            "a therapist, or the crisis line from /sos."
        ),
    ),
    (
        N_("Making my surroundings safer"),
        N_(
            "What could you put out of reach, or ask someone to keep for you, during a hard moment?"
        ),
    ),
)
PLAN_INTRO = N_(
    "A safety plan is a short list you write for yourself now, to use in a hard moment "
    "later. It has six parts, and any can be skipped."
)
PLAN_NOT_KEPT = N_(
    "Your journal is off, so I won't keep the plan; I'll show it to you at the end "
    "so you can pin it or copy it somewhere safe."
)
PLAN_START = N_("Start my plan")
PLAN_PIN = N_("📌 Pin it")
PLAN_NEW_QUESTION = N_("Would you like to write a new one?")
PLAN_NEW = N_("Write a new plan")
PLAN_PINNED = N_("Pinned. It stays at the top of this chat, even if I'm offline.")
PLAN_PIN_FAILED = N_("I couldn't pin it. You can long-press the plan and choose Pin.")
PLAN_SKIP = N_("Skip this one")
PLAN_EMPTY = N_("(not filled in yet)")
PLAN_EMERGENCY = N_("Emergency: {number}. Crisis lines: /sos")
PLAN_TITLE = N_("My safety plan")
PLAN_KEPT = N_("I've kept your plan in your journal; /sos will show it too.")
PLAN_UNKEPT = N_("I haven't kept it (your journal is off). Pinning it keeps it here.")

# ------------------------------------------------------------------ the terminal demo
DEMO_INTRO = N_("trustbot demo: a local chat with the real bot (nothing leaves this machine).")
DEMO_HELP = N_(
    "Type a message or a command (/start, /lesson, /checkin, /meditate, /sos, /help).\n"
    "Type a button's number to press it. Type /quit or press Ctrl-D to leave."
)
DEMO_GOODBYE = N_("Goodbye. Take care of yourself. 🌿")
# The prompt before what the person types ("you> "), and the line when they press a button.
DEMO_YOU = N_("you")
DEMO_PRESSED = N_("(you pressed: {label})")
