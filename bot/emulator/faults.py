"""Fault injection: plans that answer the next calls of a method with a Telegram error (429
with ``retry_after``, 5xx, ...) or drop the connection, picked per request, and the
``latency`` every answer waits first.
"""

from __future__ import annotations

from bot.emulator.records import JSONDict, _ApiError, _Fault
from bot.emulator.state import EmulatorState


class Faults(EmulatorState):
    """The errors and delays the bot will meet in production, on demand."""

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id``, if given) with an error.

        The answer has Telegram's shape, ``parameters.retry_after`` included when given.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        fault = _Fault(
            drop=False,
            remaining=times,
            chat_id=chat_id,
            status=status,
            description=description,
            retry_after=retry_after,
        )
        self._faults.setdefault(method.lower(), []).append(fault)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer."""
        if times < 1:
            raise ValueError("times must be >= 1")
        self._faults.setdefault(method.lower(), []).append(_Fault(drop=True, remaining=times))

    def _take_fault(self, key: str, params: JSONDict) -> _Fault | None:
        queue = self._faults.get(key)
        if not queue:
            return None
        for index, fault in enumerate(queue):
            if fault.chat_id is not None:
                try:
                    if int(params.get("chat_id", "x")) != fault.chat_id:
                        continue
                except (TypeError, ValueError):
                    continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                del queue[index]
            return fault
        return None

    async def _delay(self) -> None:
        """Wait ``latency`` before answering, as the network would."""
        if self.latency > 0:
            await self.sleep(self.latency)


def _fault_error(fault: _Fault) -> _ApiError:
    """The error answer a planned (non-drop) fault gives, ``retry_after`` included."""
    return _ApiError(
        fault.status,
        fault.description,
        {"retry_after": fault.retry_after} if fault.retry_after is not None else None,
    )
