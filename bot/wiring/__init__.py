"""The top layer: the application factory, the command line and the terminal demo.

Only this package imports the feature handlers and the scheduler; nothing imports it back
(the entry point `trustbot` is `bot.wiring.cli:main`). See docs/architecture.md.
"""
