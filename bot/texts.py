"""Every sentence the bot says outside lessons and meditations, in one place to read aloud.

Plain text (no parse mode), so nothing a user typed can ever be interpreted as markup.
Style: warm, brief, validate first, never preach, never promise outcomes (see SAFETY.md).
"""

from __future__ import annotations

WHAT_I_AM = (
    "I'm a self-help companion, not a therapist and not an emergency service. "
    "Telegram messages are not end-to-end encrypted, so share only what feels okay to share."
)

WELCOME = (
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

WELCOME_BACK = (
    "Welcome back. 🌿 Good to see you.\n\n"
    "You can pick up wherever you like: /lesson, /checkin or /meditate. "
    "/settings changes your choices, and /sos is there any time."
)

AGE_QUESTION = "One quick question before we start: are you {age} or older?"
AGE_YES = "Yes, {age} or older"
AGE_NO = "No, I'm younger"
TOO_YOUNG = (
    "Thank you for telling me. I'm not made for people under {age} yet, so I won't keep "
    "anything about you.\n\n"
    "You still deserve support. These people talk with young people every day, and "
    "it's free:\n\n{lines}\n\n"
    "If you ever feel unsafe, tell an adult you trust or call {emergency}."
)

CONSENT_INTRO = (
    "What may I keep? Tap each one to switch it on or off, then tap Done.\n"
    "Lessons, meditations and help all work without any of them.\n\n"
    "⏰ Reminders: your chat, a reminder time and your time zone, "
    "so I can send a daily check-in.\n"
    "📈 Progress: lessons you've finished and your mood scores, for your progress chart.\n"
    "📓 Journal: the words you write in check-ins and reflections, encrypted.\n\n"
    "You can change this any time in /privacy."
)
CONSENT_LABELS = {
    "reminders": "⏰ Reminders",
    "progress": "📈 Progress",
    "journal": "📓 Journal",
}
CONSENT_DONE = "Done"
CONSENT_SAVED = "Saved. /privacy shows exactly what I keep, any time."
CONSENT_NONE_CHOSEN = (
    "That's completely fine. I won't keep any of it. "
    "Lessons, meditations and /sos work just the same."
)

TIME_QUESTION = "When would you like your daily check-in? Tap a time, or type one like 7:30 or 7pm."
TIME_TYPE = "Type another time"
TIME_NOT_UNDERSTOOD = "I didn't catch that time. Could you write it like 7:30, 19:30 or 7pm?"
TZ_QUESTION = (
    "Which time zone are you in? Type a city near you (like Berlin or New York) "
    "or a zone name (like Europe/Berlin)."
)
TZ_CONFIRM = "So it's {clock} for you now ({zone})?"
TZ_YES = "Yes, that's right"
TZ_NO = "No, let me try again"
TZ_NOT_FOUND = "I couldn't find a time zone for that. Could you try a nearby big city?"
TZ_SUGGEST = "I couldn't find that exactly. Did you mean one of these: {options}?"
TZ_COUNTRY = (
    "{country} has more than one time zone. Which one is yours? "
    "Type the city nearest you, or one of these:\n{options}"
)

COUNTRY_QUESTION = (
    "Which country are you in? I use it only to show the right crisis lines in /sos. "
    "Tap one, or type its name."
)
COUNTRY_OTHER = "Another country (type it)"
COUNTRY_SKIP = "Skip for now"
COUNTRY_TYPE = "Type the name of your country, like Germany or Brazil."
COUNTRY_UNKNOWN = (
    "I don't have checked lines for that country yet, so /sos will show international "
    "directories that do. You can change this any time in /settings."
)
COUNTRY_SET = "Thanks. /sos will show lines for {country}."

ONBOARDED = (
    "You're all set. 🌱 Here's what I can do:\n\n"
    "/lesson: a short lesson on rebuilding trust\n"
    "/checkin: tell me how you're doing\n"
    "/meditate: a calming practice, a few minutes long\n"
    "/sos: help right now, with crisis lines near you\n"
    "/settings: change your choices\n\n"
    "A good first step is /lesson."
)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("lesson", "A short lesson on rebuilding trust"),
    ("checkin", "Tell me how you're doing today"),
    ("meditate", "A calming practice, a few minutes long"),
    ("sos", "Help right now: crisis lines near you"),
    ("help", "What I am, and how to find help"),
    ("safetyplan", "Your personal safety plan"),
    ("progress", "Your lessons and moods"),
    ("settings", "Time, time zone, country, reminders"),
    ("privacy", "What I keep about you, and your choices"),
    ("pause", "Pause reminders"),
    ("resume", "Resume reminders"),
    ("export", "Download everything I keep about you"),
    ("delete", "Erase everything I keep about you"),
    ("start", "Start again from the beginning"),
)

COMMAND_LIST = "\n".join(f"/{name}: {desc}" for name, desc in COMMANDS)

HELP_INTRO = (
    "I'm trustbot, a self-help companion for people who find it hard to trust others. " + WHAT_I_AM
)
HELP_PRO = (
    "Finding professional help:\n"
    "• Your GP or family doctor can talk it through and refer you to a therapist.\n"
    "• National health services and directories of registered therapists list people "
    "near you; many offer online sessions.\n"
    "• Student and workplace support services are often free and quick to reach.\n"
    "• The 'Getting help' lessons in /lesson explain the kinds of therapy."
)

MOOD_QUESTION = "How are you feeling right now?"
# Scheduled prompts (sent by the scheduler with the buttons handlers/reminders.py owns).
CHECKIN_PROMPT = "Good to see you. 🌿 How are you feeling today?"
SLOW_NOTICE = (
    "(I've noticed the last few check-ins went unanswered, and that's completely okay. "
    "I'll check in every other day for now; answering any time brings back the daily rhythm.)"
)
MEDITATION_PROMPT = "A small pause for you, if you'd like one: {title}, about {minutes} minutes."
MEDITATION_START = "Start ▶"
REMIND_LATER = "Remind me in an hour"
SNOOZED = "Of course. I'll ask again in an hour. 🌿"
NO_SENDER = (
    "I couldn't tell who sent that message, so I can't answer it properly. If you need help "
    "right now, /sos lists crisis lines, or call your local emergency number."
)
MOOD_LABELS = {1: "1 😞 Very low", 2: "2 🙁 Low", 3: "3 😐 Okay", 4: "4 🙂 Good", 5: "5 😄 Great"}
MOOD_THANKS = {
    1: "Thank you for telling me. That sounds really hard.",
    2: "Thanks for sharing that. Low days are part of it, and you showed up anyway.",
    3: "Thanks for checking in. An okay day counts.",
    4: "Good to hear. Thanks for checking in.",
    5: "That's lovely to hear. Thanks for checking in.",
}
NOTE_QUESTION = "What's on your mind? Write as much or as little as you like, or tap Skip."
NOTE_SKIP = "Skip"
NOTE_SAVED = "Thank you. I've saved that in your journal."
NOTE_NOT_SAVED = "Thank you for sharing that. (I haven't saved it: your journal is off.)"
NOTE_SKIPPED = "No problem. See you next time. 🌿"
CHECKIN_NOT_STORED = "(Your progress is off, so I haven't kept this score.)"

LESSON_BUTTON_NEXT = "Next ▶"
LESSON_BUTTON_REFLECT = "Reflect ✍"
LESSON_BUTTON_PICK = "Pick a step"
LESSON_PICK = "Which part would you like to explore?"
LESSON_PATH_DONE = (
    "You've been through every lesson. That's a real achievement. 🌟 "
    "You can revisit any step whenever you like."
)
REFLECT_PROMPT = (
    "Take your time. {question}\n\nType your reflection, or just read on when you're ready."
)
REFLECT_SAVED = "Thank you for reflecting. I've saved it in your journal."
REFLECT_NOT_SAVED = "Thank you for reflecting. (Your journal is off, so I haven't saved it.)"

MED_PICK = "Which practice would you like? Each takes a few minutes."
MED_NEXT = "Next ▶"
MED_DONE_BUTTON = "Finish"
MED_FINISHED = "Well done for taking that time for yourself. 🌿"
MED_ANOTHER = "Another practice"

FLOOD_NOTICE = (
    "You're sending messages faster than I can answer them one by one. I'm still reading "
    "everything, and I'll answer again as soon as things slow down. If you need help right now, "
    "/sos is always there."
)
BUTTON_ELSEWHERE = "This button only works in our private chat with you. Open it and send /start."
STALE_BUTTON = "That button has expired. Here's a fresh start: try /lesson, /checkin or /meditate."
NOT_UNDERSTOOD_TEXT = (
    "Thank you for writing. I'm a simple bot, so I work best with commands: "
    "/lesson, /checkin, /meditate, or /help. If you're struggling right now, /sos is there."
)
SETUP_UNFINISHED = "(Your set-up isn't finished yet: /start picks it up where you left off.)"
SETUP_RESUME = "Welcome back. Let's pick up where we left off."
NON_TEXT = (
    "Thanks for sending that. I can only read text, so I can't see it. "
    "If you'd like to share something, could you write it in words?"
)
UNKNOWN_COMMAND = "I don't know that command. Here's what I can do:\n\n" + COMMAND_LIST
EDITED = (
    "I saw you edited a message. I only read messages as they're first sent, "
    "so if something changed, please send it again."
)
PRIVATE_ONLY = (
    "Hi! I work only in private chats, so that what people share stays between them and me. "
    "Please message me directly. I won't reply here again."
)
ERROR = (
    "Sorry, something went wrong on my side. Nothing you did caused it. "
    "Please try again in a moment. If you need help now, /sos always works."
)
DB_DOWN = (
    "I can't reach my memory right now, so I can't do that at the moment. "
    "Please try again in a little while. /sos and /help still work."
)
NEEDS_ONBOARDING = "Let's get you set up first. Tap /start."

SETTINGS_MENU = "Your settings:\n\n{summary}\n\nWhat would you like to change?"
SETTINGS_BUTTONS = {
    "time": "⏰ Check-in time",
    "tz": "🌍 Time zone",
    "country": "📞 Country for crisis lines",
    "consent": "🔒 What I keep",
    "days": "📅 Days",
    "med": "🧘 Meditation prompt",
    "weekly": "📊 Weekly summary",
}
PAUSED = (
    "Reminders are paused. I won't send check-ins until you type /resume. "
    "Everything else still works, and /sos is always there."
)
RESUMED = "Welcome back. Reminders are on again. 🌿"
RESUME_NO_REMINDERS = (
    "You haven't switched on reminders, so there's nothing to resume. "
    "You can switch them on in /privacy."
)
ALREADY_PAUSED = "Reminders are already paused. /resume starts them again."
NOT_PAUSED = "Reminders aren't paused."

DAYS_QUESTION = (
    "Which days would you like reminders? For example: every day, weekdays, weekends, "
    "or mon, wed, fri."
)
DAYS_NOT_UNDERSTOOD = "I didn't catch those days. Try 'every day', 'weekdays' or 'mon, wed, fri'."
DAYS_SET = "Done. Reminders on: {days}."
MED_PROMPT_QUESTION = (
    "Would you like a gentle meditation prompt each day? Pick a time, type one, or switch it off."
)
MED_PROMPT_OFF = "No meditation prompts"
MED_PROMPT_SET = "Done. I'll offer a short practice at {time} your time."
MED_PROMPT_STOPPED = "Okay, no meditation prompts. /meditate is there whenever you want one."
WEEKLY_QUESTION = (
    "A weekly summary: your moods as a small chart, lessons read, and one sentence about "
    "your week, at 18:00 on the day you choose."
)
WEEKLY_OFF = "No weekly summary"
WEEKLY_SET = "Done. Your weekly summary comes on {day} evenings."
WEEKLY_STOPPED = "Okay, no weekly summary."
WEEKLY_NEEDS_PROGRESS = (
    "The weekly summary uses your moods and lessons, so it needs Progress switched on in /privacy."
)
