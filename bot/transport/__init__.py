"""How updates and replies travel: the HTTP client PTB uses, and per-person ordering.

Knows Telegram's wire and asyncio, nothing of trustbot's features or storage.
"""
