"""Validation of e-invoices against the official artefacts (XSD and Schematron).

- :mod:`core.validation.artifacts`: the manifest, verified artefact directories, bundled copies;
- :mod:`core.validation.pipelines`: the core's EN 16931 pipelines (UBL, CII);
- :mod:`core.validation.engine`: :func:`~core.validation.engine.validate` and friends;
- :mod:`core.validation.report`: findings, layer results, the API's rendering;
- :mod:`core.validation.saxon`: the one thread that runs Saxon;
- :mod:`core.validation.sniff`: dialect detection for the command line.

Nothing is imported here, so reading the pipelines does not load Saxon.
"""
