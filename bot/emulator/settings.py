"""Bot API methods about the bot and its chats rather than messages: ``getMe``,
``logOut``/``close``, the command menus (``setMyCommands`` and friends, per scope and
language), ``getChat``, ``leaveChat`` and the chat menu button.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.emulator.records import JSONDict, _ApiError, _Upload
from bot.emulator.state import EmulatorState

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class SettingsMethods(EmulatorState):
    """The bot's profile, commands and chat settings."""

    def _true(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope")
        if isinstance(scope, str):
            try:
                scope = json.loads(scope)
            except ValueError:
                scope = None
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        key = str(scope.get("type", "default"))
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        if "user_id" in scope:
            key += f":{scope['user_id']}"
        language = params.get("language_code") or ""
        return f"{key}/{language}" if language else key

    def _set_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not _COMMAND_NAME.fullmatch(name):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[self._commands_key(params)] = cleaned
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        return list(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _get_chat(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params, for_sending=False)
        info: JSONDict = {
            **chat.api,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }
        if chat.pinned and chat.pinned[-1] in chat.messages:
            info["pinned_message"] = chat.messages[chat.pinned[-1]].api
        return info

    def _leave_chat(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._chat(params, for_sending=False)
        return True

    def _set_chat_menu_button(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat_id: int | None = None
        if params.get("chat_id") is not None:
            chat_id = self._chat(params, for_sending=False).id
        button = params.get("menu_button")
        if button is None:
            self.menu_buttons.pop(chat_id, None)
        elif not isinstance(button, dict) or "type" not in button:
            raise _ApiError(400, "Bad Request: can't parse menu button JSON object")
        else:
            self.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat_id: int | None = None
        if params.get("chat_id") is not None:
            chat_id = self._chat(params, for_sending=False).id
        button = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        return button if button is not None else {"type": "commands"}
