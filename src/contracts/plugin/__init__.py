"""The pytest plugin's implementation; ``contracts.pytest_plugin`` loads it on first use."""
