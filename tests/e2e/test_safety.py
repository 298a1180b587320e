"""Issue 3 end to end: the concern question, a "yes" handled as crisis, the safety plan."""

from __future__ import annotations

from tests.conftest import Harness, buttons, text_of, with_buttons
from tests.e2e.test_onboarding import onboard

CONCERN_TEXT = "I feel hopeless about everything lately and I can't sleep"


async def test_concern_gets_acknowledgement_professional_help_grounding_and_the_question(
    bot: Harness,
) -> None:
    replies = await bot.say(121, CONCERN_TEXT)
    text = text_of(replies)
    assert "Thank you for sharing" in text and "GP" in text
    assert "thoughts of ending your life" in text
    labels = [label for label, _ in buttons(with_buttons(replies))]
    assert {"Yes", "I'm not sure", "No"} <= set(labels) and any("grounding" in x for x in labels)


async def test_yes_to_the_question_is_crisis(bot: Harness) -> None:
    await onboard(bot, 122, consents=())
    await bot.say(122, CONCERN_TEXT)
    replies = await bot.say(122, "yes")
    assert "glad you told me" in replies[0].text and "112" in replies[0].text


async def test_yes_button_is_crisis_and_no_is_thanked(bot: Harness) -> None:
    concern = with_buttons(await bot.say(123, CONCERN_TEXT))
    assert "glad you told me" in text_of(await bot.press(123, concern, "Yes"))
    concern = with_buttons(await bot.say(130, CONCERN_TEXT))
    no = text_of(await bot.press(130, concern, "No"))
    assert "Thank you for answering" in no


async def test_within_the_crisis_hour_concern_is_raised_and_im_fine_is_met_gently(
    bot: Harness,
) -> None:
    await bot.say(131, "I want to end my life")
    replies = await bot.say(131, CONCERN_TEXT)
    assert "glad you told me" in replies[0].text  # raised to crisis within the hour
    replies = await bot.say(131, "I'm fine")
    assert "still here" in replies[0].text and "/sos" in replies[0].text
    labels = [label for label, _ in buttons(replies[0])]
    assert "More ways to get help" in labels


async def test_typed_no_to_the_question_is_thanked_not_misread(bot: Harness) -> None:
    await bot.say(124, CONCERN_TEXT)
    replies = await bot.say(124, "no")
    assert "Thank you for answering" in text_of(replies)


async def test_grounding_exercise_from_a_concern_answer(bot: Harness) -> None:
    concern = with_buttons(await bot.say(125, CONCERN_TEXT))
    step = with_buttons(await bot.press(125, concern, "grounding"))
    assert "(1/" in step.text


async def test_safety_plan_is_guided_kept_with_journal_and_shown_with_sos(bot: Harness) -> None:
    await onboard(bot, 126, consents=("Journal",))
    intro = with_buttons(await bot.say(126, "/safetyplan"))
    step = with_buttons(await bot.press(126, intro, "Start"))
    answers = [
        "Lying awake replaying old fights",
        "A long shower and loud music",
        "My sister's kitchen",
        "Sam, 0176 000000",
        "My GP and the crisis line",
        "Give the spare car keys to Sam",
    ]
    for number, answer in enumerate(answers, start=1):
        assert step.text.startswith(f"{number}/6")
        replies = await bot.say(126, answer)
        if number < 6:
            step = with_buttons(replies)
    plan_text = text_of(replies)
    assert "My safety plan" in plan_text and answers[3] in plan_text and "112" in plan_text
    plan_msg = with_buttons(replies)
    assert "Pinned" in text_of(await bot.press(126, plan_msg, "Pin"))
    assert bot.emulator.pinned_messages(126) == [plan_msg.message_id]
    entries = await bot.services.db().journal(126, "safety_plan")
    assert len(entries) == 1 and answers[0] in entries[0].text
    sos = text_of(await bot.say(126, "/sos"))
    assert "Your safety plan" in sos and answers[1] in sos


async def test_safety_plan_without_journal_is_shown_but_not_kept(bot: Harness) -> None:
    await onboard(bot, 127, consents=())
    intro = with_buttons(await bot.say(127, "/safetyplan"))
    assert "won't keep the plan" in intro.text
    step = with_buttons(await bot.press(127, intro, "Start"))
    for _ in range(6):
        replies = await bot.press(127, step, "Skip")
        step = with_buttons(replies)
    assert "My safety plan" in text_of(replies) and "haven't kept it" in text_of(replies)
    assert await bot.services.db().journal(127) == []


async def test_one_im_fine_does_not_end_the_crisis_path(bot: Harness) -> None:
    crisis = (await bot.say(128, "I want to end my life"))[0]
    await bot.press(128, crisis, "I'm safe")
    replies = await bot.say(128, "everything feels very dark tonight")
    assert replies and (
        "glad you told me" in replies[0].text or "Thank you for sharing" in replies[0].text
    )


async def test_a_safety_plan_of_long_answers_arrives_whole(bot: Harness) -> None:
    intro = with_buttons(await bot.say(129, "/safetyplan"))
    await bot.press(129, intro, "Start")
    long_answer = "I notice it when the house goes quiet and I start checking my phone. " * 55
    for _ in range(6):
        replies = await bot.say(129, long_answer[:3900])
    plan = [
        m
        for m in replies
        if "My safety plan" in m.text or "not filled in" in m.text or "house goes quiet" in m.text
    ]
    assert len(plan) >= 2  # split across messages rather than refused by Telegram
    assert not any("went wrong" in m.text for m in replies)
    assert any(buttons(m) and "Pin" in buttons(m)[0][0] for m in replies)
