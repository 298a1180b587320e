"""Lessons, meditations, crisis resources and triage lexicons as data files, with their loader."""
