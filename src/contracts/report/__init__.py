"""Reporters: they consume findings and write artefacts; they never decide exit codes."""
