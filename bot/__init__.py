"""trustbot: application wiring, configuration, storage, safety and the command line."""
