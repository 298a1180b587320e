"""Delivering daily prompts: one repeating tick, bounded batches, one pacer, every fate recorded.

Each tick:
  1. outcomes whose recording failed last tick are recorded first; then rows left `sending`
     with nobody sending them (this process's, or a dead process's) are resolved: those whose
     send had begun are recorded as failed ("interrupted, delivery unknown") and advanced
     (at most once, never a second copy), those never attempted go back to `idle` and are
     sent like any due prompt;
  2. claims due schedules in batches (`Storage.claim_due`, one BEGIN IMMEDIATE transaction);
  3. decides each one (paused, blocked, already answered today, missed by more than the grace
     period, slowed down after three unanswered prompts) with plain functions;
  4. sends through the pacer, then records the fate and the next due instant in one
     transaction (`Storage.finish_deliveries`). Just before a prompt's first send attempt,
     `Storage.mark_send_started` commits that it began.
No per-user scheduler jobs: the cost is one indexed query per tick, whatever the user count.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import metrics, practice_texts, texts
from bot.charts import mood_chart_png
from bot.flow import FORGET_AFTER
from bot.i18n import DEFAULT, Tr, tr
from bot.practices import one_line, recall_lesson
from bot.progress import week_sentence
from bot.storage import DeliveryOutcome, DueSchedule, StorageUnavailable, WeeklyDue
from content.loader import Meditation
from content.safety_texts import text as said_in
from scheduler.pacer import Pacer
from scheduler.planning import next_weekly
from scheduler.timecalc import days_from_mask, local_date, next_occurrence, parse_hhmm

# Scheduled prompts a second with TRUSTBOT_PAID_BROADCAST (Telegram allows up to 1,000).
PAID_BROADCAST_RATE = 500.0
# Handled update ids are kept this long to recognise a redelivery after a crash (Telegram keeps
# an undelivered update for a day), then forgotten (bot/storage/inbox.py).
INBOX_KEEP_SECONDS = 2 * 86400

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import Application, ContextTypes

    from bot.services import Services

log = logging.getLogger(__name__)

SNOOZE = timedelta(hours=1)
SLOW_AFTER_UNANSWERED = 3


class PromptViews(Protocol):
    """What a prompt says and which buttons it carries. The handlers that answer those buttons
    provide this (handlers/reminders.py), so the callback protocol has one owner and the
    scheduler knows nothing of it."""

    def checkin(
        self, slow_notice: bool, t: Tr, lines: Sequence[str] = ()
    ) -> tuple[str, InlineKeyboardMarkup]: ...

    def meditation(self, meditation: Meditation, t: Tr) -> tuple[str, InlineKeyboardMarkup]: ...


@dataclass(frozen=True)
class Decision:
    """What to do with one due prompt. `send` False means record `outcome`/`reason` only."""

    send: bool
    outcome: str
    reason: str | None
    next_due: datetime | None
    slow_notice: bool = False
    is_snooze: bool = False


def decide(
    due: DueSchedule,
    now: datetime,
    *,
    grace: timedelta,
    answered_on: str | None,
    next_due_at: int,
) -> Decision:
    """Plain decision for one claimed prompt (no I/O, tested directly)."""
    due_instant = datetime.fromtimestamp(due.due_at, UTC)
    is_snooze = due.due_at < next_due_at
    if is_snooze:
        following = None  # a snooze is an extra prompt: the daily rhythm stays as it is
    else:
        following = next_occurrence(
            max(now, due_instant), parse_hhmm(due.local_time), due.tz, days_from_mask(due.days)
        )
        slowing = due.slowed or (
            due.kind == "checkin" and not due.paused and due.unanswered + 1 >= SLOW_AFTER_UNANSWERED
        )
        if slowing:
            # Every other chosen day while slowed down (from the prompt that starts it).
            following = next_occurrence(
                following, parse_hhmm(due.local_time), due.tz, days_from_mask(due.days)
            )
    if due.paused:
        return Decision(False, "skipped", "paused or reminders off", following, is_snooze=is_snooze)
    late = now - due_instant
    if late > grace:
        minutes = int(late.total_seconds() // 60)
        return Decision(
            False,
            "skipped",
            f"missed by {minutes} min (over the grace period)",
            following,
            is_snooze=is_snooze,
        )
    if due.kind == "checkin" and answered_on == local_date(due_instant, due.tz).isoformat():
        return Decision(
            False, "skipped", "already checked in today", following, is_snooze=is_snooze
        )
    notice = (
        due.kind == "checkin"
        and not is_snooze
        and due.unanswered + 1 >= SLOW_AFTER_UNANSWERED
        and not due.slow_notice_sent
    )
    return Decision(True, "sent", None, following, slow_notice=notice, is_snooze=is_snooze)


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    recovered: int = 0
    released: int = 0
    followups: int = 0
    weekly: int = 0
    expired: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class Delivery:
    """The tick. Created once by `install`; tests call `tick()` directly with a fake clock."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        pacer: Pacer,
        *,
        views: PromptViews,
        grace: timedelta,
        batch: int = 500,
        max_batches_per_tick: int = 200,
        max_in_flight: int = 16,
    ) -> None:
        self.bot = bot
        self.services = services
        self.views = views
        self.pacer = pacer
        self.grace = grace
        self.batch = batch
        self.max_batches = max_batches_per_tick
        self.token = uuid.uuid4().hex[:12]
        self.started_at = services.now_s()
        # When this process last became the scheduler's leader (None: it is not). Claims made
        # before then are a dead leader's, since only the leader claims (PostgreSQL's lease).
        self.leading_since: int | None = None
        self._pending: list[DeliveryOutcome] = []  # outcomes whose recording failed
        self._lock = asyncio.Lock()
        self._last_expiry = 0
        # At most this many prompts are being sent at once. The pacer already spaces them in
        # time; this bounds how much work can become ready in one turn of the event loop
        # (500 released together stalled the loop for ~100 ms in bench/fanout.py).
        self._in_flight = asyncio.Semaphore(max_in_flight)

    async def tick(self) -> TickReport:
        async with self._lock:  # a slow tick never overlaps the next one
            report = TickReport()
            storage = self.services.storage
            if storage is None:
                return report
            try:
                if not await storage.lead_scheduler():
                    self.leading_since = None
                    return report  # another replica runs the scheduler (PostgreSQL only)
                if self.leading_since is None:
                    self.leading_since = max(self.started_at, self.services.now_s())
                if self._pending:
                    await storage.finish_deliveries(self._pending)
                    self._pending = []
                await self._recover(report)
                # Few and more urgent than a rush of daily prompts: these go first.
                await self._followups(report)
                await self._weekly(report)
                for _ in range(self.max_batches):
                    now = self.services.now()
                    claimed = await storage.claim_due(int(now.timestamp()), self.batch, self.token)
                    if not claimed:
                        break
                    report.claimed += len(claimed)
                    results = await asyncio.gather(
                        *(self._deliver(d) for d in claimed), return_exceptions=True
                    )
                    outcomes = [r for r in results if isinstance(r, DeliveryOutcome)]
                    try:
                        await storage.finish_deliveries(outcomes)
                    except StorageUnavailable:
                        self._pending = outcomes  # recorded first thing next tick
                        raise
                    for error in results:
                        if isinstance(error, BaseException):
                            raise error  # the rest of this batch is resolved next tick
                    for outcome in outcomes:
                        setattr(report, outcome.outcome, getattr(report, outcome.outcome) + 1)
                        _count(report, outcome.outcome, outcome.reason)
                        if outcome.outcome == "sent":
                            metrics.LATENESS.observe(max(0, outcome.at - outcome.due.due_at))
                metrics.DUE_BACKLOG.set(await storage.due_count(self.services.now_s()))
                await self._expire_journal(report)
            except StorageUnavailable:
                log.warning("tick: database unavailable; due prompts stay due for the next tick")
            return report

    async def _recover(self, report: TickReport) -> None:
        storage = self.services.db()
        since = self.leading_since if self.leading_since is not None else self.started_at
        started, untouched = await storage.orphaned_claims(self.token, since + 1)
        await storage.release_claims(untouched)
        report.released += len(untouched)
        outcomes = []
        for due in started:
            is_snooze = due.due_at < due.next_due_at
            nxt = None
            if not is_snooze:
                nxt = int(
                    next_occurrence(
                        max(self.services.now(), datetime.fromtimestamp(due.due_at, UTC)),
                        parse_hhmm(due.local_time),
                        due.tz,
                        days_from_mask(due.days),
                    ).timestamp()
                )
            outcomes.append(
                DeliveryOutcome(
                    due,
                    "failed",
                    "interrupted mid-send; delivery unknown, not resent",
                    self.services.now_s(),
                    nxt,
                    was_snooze=is_snooze,
                )
            )
            _count(report, "failed", "interrupted")
        await storage.finish_deliveries(outcomes)
        report.recovered += len(outcomes)

    async def _deliver(self, due: DueSchedule) -> DeliveryOutcome:
        """Decide and send one claimed prompt; no database access (the batch records it)."""
        now = self.services.now()
        decision = decide(
            due, now, grace=self.grace, answered_on=due.answered_on, next_due_at=due.next_due_at
        )
        outcome, reason, blocked = decision.outcome, decision.reason, False
        if decision.send:
            # Retries stop once the prompt would be later than the grace period allows.
            deadline = due.due_at + self.grace.total_seconds()
            started = False

            async def attempt() -> Any:
                nonlocal started
                if not started:  # committed before the first attempt only (see _recover)
                    await self.services.db().mark_send_started(
                        due.user_id, due.kind, self.services.now_s()
                    )
                    started = True
                return await self._send_prompt(due, decision)

            try:
                async with self._in_flight:
                    await self.pacer.send(
                        due.chat_id, attempt, deadline=self.pacer_deadline(deadline)
                    )
            except Forbidden:
                outcome, reason, blocked = "failed", "blocked by the user; reminders stopped", True
            except BadRequest as exc:
                outcome, reason = "failed", f"rejected: {type(exc).__name__}"
            except TelegramError as exc:
                outcome, reason = "failed", f"not sent: {type(exc).__name__}"
        sent_checkin = outcome == "sent" and due.kind == "checkin" and not decision.is_snooze
        return DeliveryOutcome(
            due,
            outcome,
            reason,
            self.services.now_s(),
            int(decision.next_due.timestamp()) if decision.next_due else None,
            was_snooze=decision.is_snooze,
            counts_unanswered=sent_checkin,
            slow_notice=sent_checkin and decision.slow_notice,
            local_day=local_date(datetime.fromtimestamp(due.due_at, UTC), due.tz).isoformat(),
            blocked=blocked,
        )

    def pacer_deadline(self, wall_deadline: float) -> float:
        """The pacer measures time on its own clock: translate a wall deadline onto it."""
        return self.pacer.now() + (wall_deadline - self.services.clock().timestamp())

    async def _send_prompt(self, due: DueSchedule, decision: Decision) -> Any:
        t = tr(due.language or DEFAULT)
        if due.kind == "checkin":
            lines = await self._checkin_lines(due, t) if due.progress else []
            text, markup = self.views.checkin(decision.slow_notice, t, lines)
        else:
            library = self.services.library_in(t.lang)
            day = local_date(datetime.fromtimestamp(due.due_at, UTC), due.tz).toordinal()
            text, markup = self.views.meditation(
                library.meditations[day % len(library.meditations)], t
            )
        # Telegram's paid broadcast for scheduled prompts, when the operator chose it.
        paid = True if self.services.settings.paid_broadcast else None
        return await self.bot.send_message(
            due.chat_id, text, reply_markup=markup, allow_paid_broadcast=paid
        )

    async def _checkin_lines(self, due: DueSchedule, t: Tr) -> list[str]:
        """With progress consent: "how did it go?" the day after a hard moment (/triggered),
        and one line recalling a lesson finished 1, 3 or 7 days ago (unless switched off).
        A failure here costs the extra lines, never the prompt."""
        today = local_date(datetime.fromtimestamp(due.due_at, UTC), due.tz)
        lines: list[str] = []
        try:
            storage = self.services.db()
            since = due.due_at - 3 * 86400
            yesterday = date.fromordinal(today.toordinal() - 1).isoformat()
            hard = await storage.practice_log(due.user_id, "triggered", since)
            if any(value == yesterday for _, _, value in hard):
                lines.append(t(practice_texts.TRIGGERED_FOLLOWUP))
            if not due.recall_off:
                done = {
                    lesson: local_date(datetime.fromtimestamp(at, UTC), due.tz)
                    for lesson, at in (await storage.lessons_done(due.user_id)).items()
                    if at >= due.due_at - 8 * 86400
                }
                found = recall_lesson(done, today)
                lesson = self.services.library_in(t.lang).lesson(found) if found else None
                if lesson is not None and lesson.key:
                    lines.append(t(practice_texts.RECALL, idea=one_line(lesson.key)))
        except Exception as exc:  # a database blip too: the prompt matters more than its extras
            log.warning("check-in extras failed: %s", type(exc).__name__)
        return lines

    async def _weekly(self, report: TickReport) -> None:
        storage = self.services.db()
        now = self.services.now()

        def following(weekday: int, tz: str) -> int:
            return int(next_weekly(now, weekday, tz).timestamp())

        for due in await storage.claim_weekly(int(now.timestamp()), 200, following):
            if due.weekday is None or due.skip:
                continue
            try:
                await self._send_weekly(due, now)
                report.weekly += 1
            except Forbidden:
                await storage.deactivate_reminders(due.user_id)
            except StorageUnavailable:
                raise
            except Exception as exc:  # a chart or send failure costs this one summary only
                log.warning("weekly summary failed: %s", type(exc).__name__)

    async def _send_weekly(self, due: WeeklyDue, now: datetime) -> None:
        storage = self.services.db()
        since = int((now - timedelta(days=7)).timestamp())
        rows = await storage.moods_since(due.user_id, since)
        lessons = [at for at in (await storage.lessons_done(due.user_id)).values() if at >= since]
        points = [(date.fromisoformat(d), mood) for _, d, mood in rows]
        t = tr(due.language or DEFAULT)
        png = await mood_chart_png(
            points, end=local_date(now, due.tz), days=7, title=t(texts.CHART_WEEK_TITLE), t=t
        )
        caption = week_sentence([m for _, _, m in rows], len(lessons), t)
        await self.pacer.send(
            due.chat_id,
            partial(
                self.bot.send_photo,
                due.chat_id,
                InputFile(png, filename="week.png"),
                caption=caption,
            ),
        )

    async def _expire_journal(self, report: TickReport) -> None:
        """Journal text older than TRUSTBOT_JOURNAL_DAYS is deleted (checked hourly), and so is
        conversation state nobody touched for FORGET_AFTER."""
        now = self.services.now_s()
        if now - self._last_expiry < 3600:
            return
        self._last_expiry = now
        days = self.services.settings.journal_days
        report.expired = await self.services.db().expire_journal(now - days * 86400)
        await self.services.db().expire_flows(now - int(FORGET_AFTER.total_seconds()))
        await self.services.db().expire_inbox(now - INBOX_KEEP_SECONDS)

    async def _followups(self, report: TickReport) -> None:
        storage = self.services.db()
        for user_id, chat_id, lang in await storage.due_followups(self.services.now_s(), 200):
            followup = said_in(lang or DEFAULT, "followup")
            try:
                await self.pacer.send(chat_id, partial(self.bot.send_message, chat_id, followup))
                report.followups += 1
            except Forbidden:
                await storage.deactivate_reminders(user_id)
            except TelegramError as exc:
                log.warning("crisis follow-up failed: %s", type(exc).__name__)
            await storage.update_user(user_id, followup_at=None)


def _count(report: TickReport, outcome: str, reason: str | None) -> None:
    key = outcome if reason is None else f"{outcome}: {reason.split(' (')[0]}"
    report.reasons[key] = report.reasons.get(key, 0) + 1


async def install(
    app: Application[Any, Any, Any, Any, Any, Any], services: Services, views: PromptViews
) -> Delivery:
    """Create the pacer and the tick, and run the tick on the JobQueue.

    Prompts go out through their own `Bot` without PTB's AIORateLimiter: that limiter retries
    429s itself (and cannot be told not to per call), while here the pacer alone owns rate,
    retries and deadlines, on a clock that tests can inject.
    """
    from telegram import Bot

    settings = services.settings
    assert settings.token is not None
    from bot.transport.http import AiohttpRequest

    sender = Bot(
        settings.token,
        base_url=settings.api_base_url,
        base_file_url=settings.file_base_url,
        request=AiohttpRequest(24),
    )
    await sender.initialize()
    # A timed-out sendMessage may have been delivered: retrying it could send a second copy,
    # so timeouts are recorded as failed (delivery unknown) rather than retried. Connection
    # errors and 5xx answers, which mean "not delivered", are retried within the grace period.
    # Paid broadcasts may go out at up to 1,000 a second (Telegram's limit for them).
    rate = (
        max(settings.send_rate, PAID_BROADCAST_RATE)
        if settings.paid_broadcast
        else settings.send_rate
    )
    pacer = Pacer(rate_per_s=rate, retry_timeouts=False)
    delivery = Delivery(
        sender, services, pacer, views=views, grace=timedelta(minutes=settings.grace_minutes)
    )
    services.extras["delivery"] = delivery

    async def run_tick(_: ContextTypes.DEFAULT_TYPE) -> None:
        report = await delivery.tick()
        if report.claimed or report.recovered or report.released:
            log.info(
                "tick: claimed=%d sent=%d skipped=%d failed=%d recovered=%d released=%d",
                report.claimed,
                report.sent,
                report.skipped,
                report.failed,
                report.recovered,
                report.released,
            )

    assert app.job_queue is not None
    app.job_queue.run_repeating(
        run_tick,
        interval=settings.tick_seconds,
        first=1.0,
        name="trustbot-tick",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    return delivery


async def uninstall(services: Services) -> None:
    delivery = services.extras.pop("delivery", None)
    if isinstance(delivery, Delivery):
        await delivery.bot.shutdown()
