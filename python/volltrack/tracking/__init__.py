"""Tracking with the BTrackmate engine: settings, JVM start and the Python-to-Java bridge."""
