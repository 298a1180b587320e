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


# ------------------------------------------------------------------ the question at most once a day
SECOND_CONCERN = "still feel hopeless about all of it, nothing changes"
SUBSTANCE_CONCERN = "I've been drinking every night just to stop feeling anything"


async def test_repeat_concern_within_a_day_is_acknowledged_not_asked_again(bot: Harness) -> None:
    first = with_buttons(await bot.say(140, CONCERN_TEXT))
    await bot.press(140, first, "No")
    bot.clock.advance(hours=3)
    again = text_of(await bot.say(140, SECOND_CONCERN))
    assert "thoughts of ending your life" not in again
    assert "/sos" in again and "grounding" in again.lower()
    bot.clock.advance(hours=22)  # 25 hours after the first question: asked again
    later = text_of(await bot.say(140, SECOND_CONCERN))
    assert "thoughts of ending your life" in later


async def test_unanswered_repeat_is_acknowledged_once_and_keeps_a_practice(bot: Harness) -> None:
    await bot.say(141, CONCERN_TEXT)
    bot.clock.advance(minutes=30)
    replies = await bot.say(141, SECOND_CONCERN)
    assert "thoughts of ending your life" not in text_of(replies)
    labels = [label for label, _ in buttons(with_buttons(replies))]
    assert any("grounding" in x for x in labels)


async def test_new_kind_of_risk_asks_again(bot: Harness) -> None:
    first = with_buttons(await bot.say(142, CONCERN_TEXT))
    await bot.press(142, first, "No")
    bot.clock.advance(hours=1)
    replies = text_of(await bot.say(142, SUBSTANCE_CONCERN))
    assert "thoughts of ending your life" in replies


async def test_after_not_sure_a_new_concern_asks_again(bot: Harness) -> None:
    first = with_buttons(await bot.say(143, CONCERN_TEXT))
    crisis = text_of(await bot.press(143, first, "not sure"))
    assert "glad you told me" in crisis
    bot.clock.advance(hours=2)  # past the crisis hour, so concern stays concern
    replies = text_of(await bot.say(143, SECOND_CONCERN))
    assert "thoughts of ending your life" in replies


async def test_crisis_always_gets_the_full_answer_even_after_a_recent_question(
    bot: Harness,
) -> None:
    first = with_buttons(await bot.say(144, CONCERN_TEXT))
    await bot.press(144, first, "No")
    bot.clock.advance(hours=2)
    replies = await bot.say(144, "I want to end my life")
    assert "glad you told me" in replies[0].text and "112" in replies[0].text


async def test_a_crisis_in_russian_is_answered_in_russian(bot: Harness) -> None:
    from content.safety_texts import safety_texts

    russian = safety_texts()["ru"]
    replies = await bot.say(151, "не хочу больше жить, сегодня ночью всё закончу")
    assert replies and russian["crisis_opening"] in replies[0].text
    assert buttons(replies[0])[0][0] == russian["button_safe"]
    # The person's "I'm safe" press is answered in Russian too.
    safe = text_of(await bot.press(151, replies[0], russian["button_safe"]))
    assert russian["safe_ack"].split(".")[0] in safe


# A training crisis message that only the learned layer reads as crisis (no rule lists it).
LEARNED_ONLY_CRISIS = "The only thing that sounds restful is not being here at all"


async def test_with_learned_crisis_off_the_layers_crisis_is_asked_about_first(
    bot: Harness,
) -> None:
    """TRUSTBOT_LEARNED_CRISIS=0: what only the learned layer reads as crisis gets the concern
    answer and the direct question, and a "yes" is crisis; a rules crisis is unchanged."""
    replies = await bot.say(161, LEARNED_ONLY_CRISIS)
    assert "glad you told me" in replies[0].text  # on by default: the crisis answer
    services = bot.services
    services.settings = services.settings.model_copy(update={"learned_crisis": False})
    asked = with_buttons(await bot.say(162, LEARNED_ONLY_CRISIS))
    assert "thoughts of ending your life" in asked.text
    assert "glad you told me" not in text_of([asked])
    assert "glad you told me" in text_of(await bot.press(162, asked, "Yes"))
    replies = await bot.say(163, "I want to end my life")
    assert "glad you told me" in replies[0].text and "112" in replies[0].text
