"""The core: spec loading, schema conversion, validation and the Finding model.

Imports nothing from cli, pytest_plugin, mock or report.
"""
