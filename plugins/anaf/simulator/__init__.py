"""Loopback simulator of ANAF RO e-Factura (OAuth + REST), built from the "Simulator contract"
of ../shared/providers/anaf.md §7.

Programmatic use::

    from plugins.anaf.simulator import SimulatorServer

    with SimulatorServer() as sim:              # uvicorn on a free 127.0.0.1 port
        sim.base_url                            # both oauth_base_url and api_base_url
        sim.state.config.default_polls = 0      # tune directly, or POST /__sim/config
        sim.state.load_inbox("path/to/ubl")     # FACTURA PRIMITA for every CIF

:func:`create_app` gives the bare ASGI app (``ProviderInfo.simulator`` =
``plugins.anaf.simulator:create_app``). Module map: ``state`` (records, clock, quotas, faults),
``processing`` (uploads, state machine, mailboxes), ``oauth``, ``rest`` (upload, stareMesaj,
descarcare), ``lists``, ``stubs`` (validare, transformare, signature), ``control`` (``/__sim``),
``zipsig`` (signed ZIPs), ``texts`` (ANAF's words), ``app``, ``server``.
"""

from plugins.anaf.simulator.app import create_app
from plugins.anaf.simulator.server import SimulatorServer
from plugins.anaf.simulator.state import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    Fault,
    Script,
    SimulatorState,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_REDIRECT_URI",
    "Fault",
    "Script",
    "SimulatorServer",
    "SimulatorState",
    "create_app",
]
