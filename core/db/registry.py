"""Every table of the appliance, in dependency order (referenced tables first)."""

from __future__ import annotations

from core.auth.tables import Company, Membership, Organisation, RefreshToken, User
from core.documents.tables import StoredDocument
from core.invoicing.tables import DocumentEvent, DocumentSeries, Invoice, InvoiceLine
from core.masterdata.tables import Client, Product, Supplier, VatRate
from core.submissions.tables import EfacturaMessage, ProviderCredential, Submission, SyncState

TABLES = [
    Organisation,
    User,
    Membership,
    RefreshToken,
    Company,
    Client,
    Supplier,
    Product,
    VatRate,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    DocumentEvent,
    Submission,
    ProviderCredential,
    SyncState,
    EfacturaMessage,
    StoredDocument,
]
