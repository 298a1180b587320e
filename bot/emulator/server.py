"""The HTTP side and the assembled emulator: ``BotAPIEmulator`` puts the state, the user side,
the history, the fault plans and the Bot API method groups together, and serves them with
aiohttp on 127.0.0.1. Every request is routed by method name, faulted or delayed when a plan
says so, answered in Telegram's JSON shape and recorded as a ``Call``; file downloads are
served under ``/file/bot<token>/``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.emulator.editing import EditingMethods
from bot.emulator.faults import Faults, _fault_error
from bot.emulator.history import History
from bot.emulator.params import _dumps, _read_params
from bot.emulator.polling import PollingMethods
from bot.emulator.records import Call, JSONDict, _ApiError, _Fault, _Upload
from bot.emulator.sending import SendingMethods
from bot.emulator.settings import SettingsMethods
from bot.emulator.users import UserSide

_MAX_UPLOAD_BYTES = 50 * 1024 * 1024

_SyncHandler = Callable[[JSONDict, dict[str, _Upload]], Any]


class BotAPIEmulator(
    UserSide, History, Faults, SendingMethods, EditingMethods, SettingsMethods, PollingMethods
):
    """An HTTP Telegram Bot API for one bot, with scripted users on the other side."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        latency: float = 0.0,
        bot_username: str = "trustbot_test_bot",
        bot_first_name: str = "trustbot",
        clock: Callable[[], float | dt.datetime] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            token,
            latency=latency,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            clock=clock,
            sleep=sleep,
        )
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._methods: dict[str, tuple[str, _SyncHandler | None]] = self._method_table()

    def _method_table(self) -> dict[str, tuple[str, _SyncHandler | None]]:
        """Lower-case method name -> (its spelling, its handler)."""
        # getUpdates has no synchronous handler: it is the one method that waits.
        methods: dict[str, tuple[str, _SyncHandler | None]] = {}
        for name, handler in (
            ("getUpdates", None),
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendChatAction", self._send_chat_action),
            ("pinChatMessage", self._pin_chat_message),
            ("unpinChatMessage", self._unpin_chat_message),
            ("getChat", self._get_chat),
            ("leaveChat", self._leave_chat),
            ("setChatMenuButton", self._set_chat_menu_button),
            ("getChatMenuButton", self._get_chat_menu_button),
            ("getFile", self._get_file),
        ):
            methods[name.lower()] = (name, handler)
        return methods

    # ---------------------------------------------------------------- server lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (port 0 picks a free one)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self._closing = False
        app = web.Application(client_max_size=_MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls (empty) and close the server; state is kept."""
        self._closing = True
        self._updates_signal.fire()
        await self.stop_webhook()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def port(self) -> int:
        if self._runner is None:
            raise RuntimeError("the emulator is not running; await start() first")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self.port}/file/bot"

    # ---------------------------------------------------------------- HTTP plumbing

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        path = request.path
        if path.startswith("/file/bot"):
            return await self._serve_file(request, path[len("/file/bot") :])
        token, slash, method = path[4:].partition("/") if path.startswith("/bot") else ("", "", "")
        if not slash or not method or "/" in method:
            return web.Response(
                status=404,
                body=_dumps({"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json",
            )
        try:
            params, files, size = await _read_params(request)
        except (ValueError, UnicodeDecodeError):
            params, files, size = {}, {}, request.content_length or 0
        self._bytes_in += size
        key = method.lower()
        entry = self._methods.get(key)
        name = entry[0] if entry is not None else method
        recorded = _recorded(params, files)
        fault = self._take_fault(key, params) if token == self.token else None

        await self._delay()

        if fault is not None and fault.drop:
            self._record(name, key, recorded, arrived, 0)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)

        status, payload = await self._answer(token, entry, fault, params, files)
        body = _dumps(payload)
        self._bytes_out += len(body)
        self._record(name, key, recorded, arrived, status)
        return web.Response(status=status, body=body, content_type="application/json")

    async def _answer(
        self,
        token: str,
        entry: tuple[str, _SyncHandler | None] | None,
        fault: _Fault | None,
        params: JSONDict,
        files: dict[str, _Upload],
    ) -> tuple[int, JSONDict]:
        """(HTTP status, JSON body) for one request that was neither dropped nor misrouted."""
        status = 200
        payload: JSONDict
        if token != self.token:
            status, payload = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        elif fault is not None:
            error = _fault_error(fault)
            status, payload = error.status, error.payload()
        elif entry is None:
            status = 404
            payload = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        else:
            try:
                if entry[1] is None:
                    result: Any = await self._get_updates(params)
                else:
                    result = entry[1](params, files)
                payload = {"ok": True, "result": result}
            except _ApiError as exc:
                status, payload = exc.status, exc.payload()
            except Exception as exc:  # an emulator bug or absurd input: visible, not a hang
                error = _ApiError(500, f"Internal Server Error: emulator failed: {exc!r}")
                status, payload = error.status, error.payload()
        return status, payload

    def _record(self, name: str, key: str, params: JSONDict, at: float, status: int) -> None:
        call = Call(name, params, at, status)
        self.calls.append(call)
        self._calls_by_method.setdefault(key, []).append(call)
        self._requests_by_method[name] = self._requests_by_method.get(name, 0) + 1
        if status != 200:
            self._errors_by_method[name] = self._errors_by_method.get(name, 0) + 1
        signal = self._call_signals.get(key)
        if signal is not None:
            signal.fire()

    async def _serve_file(self, request: web.Request, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        await self._delay()
        file = self._files_by_path.get(file_path) if token == self.token else None
        if file is None or file.data is None:
            return web.Response(
                status=404,
                body=_dumps({"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json",
            )
        self._bytes_out += len(file.data)
        return web.Response(body=file.data, content_type="application/octet-stream")


def _recorded(params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
    """The parameters as a ``Call`` records them: uploads summarised, not kept."""
    recorded = dict(params)
    for part_name, upload in files.items():
        recorded[part_name] = {
            "filename": upload.filename,
            "size": len(upload.data),
            "content_type": upload.content_type,
        }
    return recorded
