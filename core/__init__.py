"""The appliance's core: lifecycle, numbering, totals, API, jobs, validation engine.

The public face that plugins may import is: :mod:`core.model` (the EN 16931 document),
:mod:`core.money` (Decimal rules), :mod:`core.xmlsafe` (parsing untrusted XML),
:mod:`core.hookspecs` (the ``hookimpl`` marker and the typed hook arguments) and
:mod:`core.errors` (the provider error classes). Everything else is internal.
"""
