"""Issue 11, item 5: crisis help jumps one user's queue, and a flood is damped for that user
only. The processor is driven directly with hand-made updates and events (no clock, no sleep)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.transport.ordering import PerUserUpdateProcessor, Priority, PriorityLock
from bot.wiring.app import classify_update

_ids = iter(range(1, 1_000_000))


def _update(uid: int, text: str) -> Update:
    n = next(_ids)
    user = User(uid, "A", False)
    msg = Message(
        n, datetime(2026, 12, 4, tzinfo=UTC), Chat(uid, "private"), from_user=user, text=text
    )
    return Update(n, message=msg)


async def _classify(update: object) -> Priority:
    """As the wiring classifies, by the text's first word: sos, keep, or ordinary."""
    assert isinstance(update, Update) and update.message is not None
    word = (update.message.text or "").split()[0]
    return {"sos": Priority.URGENT, "keep": Priority.KEEP}.get(word, Priority.ORDINARY)


async def test_sos_waits_only_for_the_update_in_progress_then_goes_first() -> None:
    processor = PerUserUpdateProcessor(4, classify=_classify)
    order: list[str] = []
    first_running = asyncio.Event()
    release_first = asyncio.Event()

    async def work(name: str) -> None:
        if name == "m0":
            first_running.set()
            await release_first.wait()
        order.append(name)

    tasks = [asyncio.create_task(processor.do_process_update(_update(1, "m0"), work("m0")))]
    await first_running.wait()
    for n in range(1, 6):
        update = _update(1, f"m{n}")
        tasks.append(asyncio.create_task(processor.do_process_update(update, work(f"m{n}"))))
    await asyncio.sleep(0)
    update = _update(1, "sos please")
    tasks.append(asyncio.create_task(processor.do_process_update(update, work("sos"))))
    await asyncio.sleep(0)
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["m0", "sos", "m1", "m2", "m3", "m4", "m5"]


async def test_a_flood_is_damped_for_the_flooder_only_with_one_notice() -> None:
    notices: list[int] = []

    async def on_let_go(update: Update, first: bool) -> None:
        assert update.effective_chat is not None
        if first:
            notices.append(update.effective_chat.id)

    processor = PerUserUpdateProcessor(4, classify=_classify, on_let_go=on_let_go)
    handled: list[str] = []
    gate = asyncio.Event()

    async def work(name: str) -> None:
        await gate.wait()
        handled.append(name)

    tasks = []
    texts = [f"msg {n}" for n in range(30)] + ["keep this worry", "sos now"]
    for text in texts:
        update = _update(7, text)
        tasks.append(asyncio.create_task(processor.do_process_update(update, work(text))))
        await asyncio.sleep(0)
    # Someone else writes in the middle of it: answered as usual.
    other = asyncio.create_task(processor.do_process_update(_update(8, "hello"), work("other")))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks, other)
    backlog = PerUserUpdateProcessor.FLOOD_BACKLOG
    assert notices == [7]  # one notice for the whole flood
    # The first message runs and the next ones queue up to the backlog; the rest are let go.
    assert processor.let_go == 30 - backlog
    assert [h for h in handled if h.startswith("msg")] == [f"msg {n}" for n in range(backlog)]
    assert "other" in handled and "keep this worry" in handled
    # The flooder's /sos went straight after the message in progress, before the queued ones.
    assert handled.index("sos now") < handled.index("msg 1")
    assert processor.busy_users == 0  # the queue drained: a new flood would get a notice again


async def test_priority_lock_hands_over_urgent_first_and_survives_cancellation() -> None:
    lock = PriorityLock()
    await lock.acquire(urgent=False)
    got: list[str] = []

    async def take(name: str, urgent: bool) -> None:
        await lock.acquire(urgent)
        got.append(name)
        lock.release()

    a = asyncio.create_task(take("a", False))
    cancelled = asyncio.create_task(take("gone", True))
    b = asyncio.create_task(take("b", True))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(a, b)
    assert got == ["b", "a"]


async def test_the_wiring_classifies_sos_help_crisis_and_worry() -> None:
    assert await classify_update(_update(1, "/sos")) is Priority.URGENT
    assert await classify_update(_update(1, "/help@trustbot")) is Priority.URGENT
    assert await classify_update(_update(1, "I want to end my life tonight")) is Priority.URGENT
    assert await classify_update(_update(1, "/lesson")) is Priority.KEEP
    assert await classify_update(_update(1, "nice weather today")) is Priority.ORDINARY
