"""Fixtures shared by the ANAF plugin tests."""

from __future__ import annotations

import pytest

from plugins.anaf.simulator import SimulatorServer


@pytest.fixture(scope="module")
def sim():
    """A real ANAF simulator on a loopback port, one per test module (reset by each module's ``fresh``)."""
    with SimulatorServer() as server:
        yield server
