"""The one application factory used by production, the terminal demo, the tests and benchmarks.

Handler groups, in the order they run (order matters):
  -2  private_only: outside private chats, say so once and stop.
  -1  triage_gate: every text (new or edited) is triaged before any flow sees it; a crisis
      answer goes out first, in the same update.
   0  commands, buttons, the blocked-bot signal, free text in the flow the person is in.
   1  fallbacks: stickers, photos, voice, edits, unknown commands.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any, TypeAlias

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import metrics, texts
from bot.config import Settings
from bot.crypto import Sealer, load_or_create_key
from bot.i18n import DEFAULT, LANGUAGES, supported, tr
from bot.services import Clock, Services, system_clock
from bot.storage import Storage, StorageUnavailable
from bot.transport.http import AiohttpRequest
from bot.transport.ordering import PerUserUpdateProcessor, Priority
from bot.transport.replies import ReplyLimiter
from bot.transport.updates import TolerantBot, quiet_parse_failures
from bot.triage import Level, triage
from bot.triage import model as triage_model
from bot.wiring.inbox import REPLAY_AFTER, DurableInbox
from bot.wiring.listener import Listener, listen_address
from bot.wiring.logs import install_quiet_http
from content.loader import Library, load_library
from content.resources import Resources, load_resources
from handlers import reminders, router
from handlers import safety as safety_handlers
from handlers.common import Context, flow_key
from handlers.registry import features

# PTB's Application is generic in six types (bot, context, three data dicts, job queue); the
# wiring handles applications of any of them.
AnyApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger(__name__)


class TrustApplication(AnyApplication):
    """PTB's Application, with each person's flow state loaded once before an update's
    handlers run and saved once after (the per-user processor keeps one person's updates in
    order, so two updates never share a flow at once)."""

    async def process_update(self, update: object) -> None:
        person = flow_key(update)
        if person is None:
            try:
                await super().process_update(update)
            finally:
                await self._handled(update)
            return
        services: Services = self.bot_data["services"]
        storage = services.storage
        if storage is None:
            await self._handle_person(update, person)
            return
        if storage.dialect != "postgresql":
            await self._handle_person(update, person)  # one process: the processor orders
            return
        # Replicas: one person's updates one at a time, in order, and never twice. A later
        # update waits (without the lock) while an earlier one is pending in another replica,
        # for at most ORDER_WAIT seconds.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ORDER_WAIT
        update_id = update.update_id if isinstance(update, Update) else None
        while True:
            async with storage.person_lock(person):
                handled = earlier = False
                if update_id is not None:
                    try:
                        since = services.now_s() - REPLAY_AFTER
                        handled, earlier = await storage.turn_of(person, update_id, since)
                    except StorageUnavailable:
                        pass
                if handled:
                    return  # another replica handled it already
                if not earlier or loop.time() >= deadline:
                    await self._handle_person(update, person)
                    return
            await asyncio.sleep(0.05)

    async def _handle_person(self, update: object, person: int) -> None:
        services: Services = self.bot_data["services"]
        await services.load_flow(person)
        try:
            await super().process_update(update)
        finally:
            await services.save_flow(person)
            await self._handled(update)

    async def _handled(self, update: object) -> None:
        """Mark the update handled in the durable inbox (bot/wiring/inbox.py)."""
        metrics.UPDATES.inc()
        inbox = getattr(self.bot, "inbox", None)
        if isinstance(update, Update) and isinstance(inbox, DurableInbox):
            await inbox.handled(update.update_id)


class TrackingApplication(TrustApplication):
    """Records when each update has been fully processed (every handler group has run): the
    terminal demo and the tests wait on it instead of on a quiet spell."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.processed: set[int] = set()
        self.processed_event = asyncio.Event()

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            update_id = getattr(update, "update_id", None)
            if update_id is not None:
                self.processed.add(update_id)
            self.processed_event.set()

    async def until_processed(self, update_id: int) -> None:
        """Return once the update with this id has been processed."""
        while update_id not in self.processed:
            self.processed_event.clear()
            if update_id in self.processed:
                break
            await self.processed_event.wait()


def build_application(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    library: Library | None = None,
    resources: Resources | None = None,
    with_scheduler: bool = True,
    pace_replies: bool = True,
    application_class: type[AnyApplication] | None = None,
) -> AnyApplication:
    """Build (not start) the bot. Storage opens in post_init, so a broken database still
    leaves /sos and /help working."""
    install_quiet_http()
    token = settings.token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    services = Services(
        settings=settings,
        library=library or load_library(),
        resources=resources or load_resources(),
        clock=clock,
    )
    # The bot is built here rather than by the builder so that it can be a TolerantBot: an
    # update PTB cannot read is skipped, not retried forever (bot/transport/updates.py).
    tolerant = TolerantBot(
        token,
        inbox=DurableInbox(services),
        base_url=settings.api_base_url,
        base_file_url=settings.file_base_url,
        # Telegram sometimes answers a send after several seconds: a 5 s read timeout counted
        # such a delivered reply as failed. 25 s waits for it.
        request=AiohttpRequest(max(8, settings.concurrency + 4), read_timeout=25.0),
        get_updates_request=AiohttpRequest(2, read_timeout=10.0),
        # Replies: paced per chat and overall, 429s pause one chat, undelivered sends retried
        # (bot/transport/replies.py). Scheduled prompts have their own pacer.
        rate_limiter=(
            ReplyLimiter(overall_rate=settings.reply_rate)
            if pace_replies  # the terminal demo talks to the local emulator: no limits there
            else ReplyLimiter(per_chat_rate=0, overall_rate=0)
        ),
    )
    quiet_parse_failures()
    builder = ApplicationBuilder().application_class(application_class or TrustApplication)
    app = (
        builder.bot(tolerant)
        .context_types(ContextTypes(context=Context))
        .concurrent_updates(
            PerUserUpdateProcessor(
                settings.concurrency, classify=classify_update, on_let_go=_let_go
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data["services"] = services
    app.bot_data["with_scheduler"] = with_scheduler
    register_handlers(app)
    return app


_URGENT_COMMANDS = ("/sos", "/help")
# How long a replica lets a person's later update wait for an earlier one pending elsewhere.
ORDER_WAIT = 10.0


async def classify_update(update: object) -> Priority:
    """How urgent an update is, for the per-user queue (bot/transport/ordering.py): /sos, /help
    and crisis-level text go first; a worrying message, a command or a button press is always
    handled; other messages may be let go during a flood."""
    if not isinstance(update, Update):
        return Priority.KEEP
    message = update.message or update.edited_message
    if message is None:
        return Priority.KEEP  # a button press, a membership change...
    text = message.text or message.caption or ""
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        return Priority.URGENT if command in _URGENT_COMMANDS else Priority.KEEP
    level = triage(text).level if text else Level.NONE
    if level == Level.CRISIS:
        return Priority.URGENT
    return Priority.KEEP if level == Level.CONCERN else Priority.ORDINARY


async def _fold_wal(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data["services"]
    if services.storage is not None:
        try:
            await services.storage.checkpoint(attempts=3)
        except StorageUnavailable:
            pass  # logged by the storage when writes fail


async def _let_go(update: Update, first_of_flood: bool) -> None:
    """A flooded ordinary message, not answered: marked handled, and the first of a flood
    gets one kind notice (bot/transport/ordering.py)."""
    bot = update.get_bot()
    inbox = getattr(bot, "inbox", None)
    if isinstance(inbox, DurableInbox):
        await inbox.handled(update.update_id)
    chat = update.effective_chat
    if not first_of_flood or chat is None:
        return
    # The flood skips the person's stored state, so the notice speaks Telegram's language.
    user = update.effective_user
    t = tr(supported(user.language_code if user else None) or DEFAULT)
    try:
        await bot.send_message(chat.id, t(texts.FLOOD_NOTICE))
    except TelegramError:
        log.info("could not send a flood notice")


def register_handlers(app: AnyApplication) -> None:
    """Every feature's commands, buttons and text steps (handlers/registry.py), in the groups
    the module docstring lists."""
    table = features()
    app.add_handler(TypeHandler(Update, router.private_only), group=-2)
    app.add_handler(
        MessageHandler(
            (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, safety_handlers.triage_gate
        ),
        group=-1,
    )
    always = filters.Regex(rf"^/({'|'.join(table.always)})(@\w+)?(\s|$)")
    app.add_handler(
        MessageHandler(filters.COMMAND & ~always, router.command_ends_question), group=-1
    )

    for name, fn in table.always.items():
        app.add_handler(CommandHandler(name, fn))
    for name, fn in table.commands.items():
        app.add_handler(CommandHandler(name, fn, filters=filters.UpdateType.MESSAGE))
    app.add_handler(CallbackQueryHandler(router.on_button))
    app.add_handler(ChatMemberHandler(router.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, router.on_text)
    )

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, router.on_edited), group=1)
    # Group 1 sees every command too, so "unknown" means: not one of ours.
    known = "|".join([*table.always, *table.commands])
    ours = filters.Regex(rf"^/({known})(@\w+)?(\s|$)")
    app.add_handler(
        MessageHandler(
            filters.COMMAND & filters.UpdateType.MESSAGE & ~ours, router.on_unknown_command
        ),
        group=1,
    )
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            router.on_non_text,
        ),
        group=1,
    )
    app.add_error_handler(router.on_error)


async def _post_init(app: AnyApplication) -> None:
    services: Services = app.bot_data["services"]
    settings = services.settings
    await _open_storage(services)
    if app.job_queue is not None:
        if services.storage is not None:
            _fold_wal_every_minute(app)
        else:
            # Started before the database was there (a replica before PostgreSQL, a disk not
            # yet mounted): keep trying, and come back to full service by itself.
            app.job_queue.run_repeating(
                retry_storage, interval=STORAGE_RETRY_SECONDS, name="storage-retry"
            )
    address = listen_address(settings)
    if address is not None:
        listener = Listener(app, services, settings)
        try:
            await listener.start(*address)
            services.extras["listener"] = listener
        except OSError as exc:
            log.error("could not listen on %s:%d (%s): no /healthz or /metrics", *address, exc)
    await _replay_inbox(app)
    # The learned triage layer loads in a thread while the bot already answers (the rules
    # alone judge the first messages); tests await this task for a deterministic start.
    app.bot_data["triage_model"] = asyncio.get_running_loop().create_task(_load_triage_model())
    await _set_commands(app)
    if app.bot_data.get("with_scheduler") and app.job_queue is not None:
        from scheduler.delivery import install

        await install(app, services, reminders.PROMPT_VIEWS)
    # Everything loaded so far (content, matplotlib, PTB) lives for the whole run: move it out
    # of the collector's sight, so full collections stop stalling the loop (77 -> 35 ms worst
    # stall measured in bench/fanout.py).
    gc.collect()
    gc.freeze()


STORAGE_RETRY_SECONDS = 30


def _fold_wal_every_minute(app: AnyApplication) -> None:
    # The durable inbox holds each update's text, sealed, until it is handled; its old pages
    # then linger in the WAL until a checkpoint. Folding the WAL every minute keeps what people
    # typed off the disk within about a minute (docs/privacy.md).
    if app.job_queue is not None:
        app.job_queue.run_repeating(_fold_wal, interval=60, first=60, name="fold-wal")


async def retry_storage(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the database that was unavailable at start-up; once it opens, stop retrying and
    pick up what it holds (updates received before a restart)."""
    app = context.application
    services: Services = app.bot_data["services"]
    if services.storage is None:
        await _open_storage(services, quiet=True)
    if services.storage is None:
        return
    log.warning("database available again: back to full service")
    if context.job is not None:
        context.job.schedule_removal()
    _fold_wal_every_minute(app)
    await _replay_inbox(app)


async def _open_storage(services: Services, *, quiet: bool = False) -> None:
    """Open the database the settings name; on failure, serve in degraded mode."""
    settings = services.settings
    try:
        key = load_or_create_key(
            settings.data_key.get_secret_value() if settings.data_key else None, settings.db_path
        )
        url = settings.database_url.get_secret_value() if settings.database_url else None
        clock = lambda: services.clock().timestamp()  # noqa: E731 - the storage's fault clock
        services.storage = await (
            Storage.open_url(url, Sealer(key), clock=clock)
            if url
            else Storage.open(settings.db_path, Sealer(key), clock=clock)
        )
        if settings.db_max_mb is not None:
            await services.storage.cap_size(settings.db_max_mb * 1024 * 1024)
    except (StorageUnavailable, OSError) as exc:
        # Keep serving: crisis help never depends on a working database.
        # One clear line (the reason names the file, never a person's data); the file is left
        # untouched for the operator (docs/operations.md: a corrupt database).
        if quiet:
            log.debug("database still unavailable (%s)", type(exc).__name__)
            return
        log.error(
            "database unavailable at start-up (%s: %s); serving in degraded mode: /sos and /help "
            "answer, everything else says the bot can't reach its memory; retrying every %ds",
            type(exc).__name__,
            exc,
            STORAGE_RETRY_SECONDS,
        )


async def _replay_inbox(app: AnyApplication) -> None:
    """Updates fetched but not handled before the last stop (a crash, a kill): handled first."""
    inbox = getattr(app.bot, "inbox", None)
    if not isinstance(inbox, DurableInbox):
        return
    pending = await inbox.pending(app.bot)
    for update in pending:
        await app.update_queue.put(update)
    if pending:
        log.info("%d update(s) received before a restart are handled now", len(pending))


async def _set_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu in English (the default) and in each other language, for the people
    whose Telegram speaks it (`language_code`)."""
    for lang in LANGUAGES:
        t = tr(lang)
        commands = [BotCommand(name, t(desc)) for name, desc in texts.COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == DEFAULT else lang)


async def _load_triage_model() -> None:
    loaded = await asyncio.to_thread(triage_model.load)
    if loaded is None:
        log.error(
            "learned triage layer not loaded (%s); the rules decide alone",
            triage_model.load_error(),
        )
    else:
        log.info("learned triage layer loaded (%d features)", loaded.size)


async def _post_shutdown(app: AnyApplication) -> None:
    services: Services = app.bot_data["services"]
    from scheduler.delivery import uninstall

    await uninstall(services)
    listener = services.extras.pop("listener", None)
    if isinstance(listener, Listener):
        await listener.stop()
    if services.storage is not None:
        await services.storage.close()
