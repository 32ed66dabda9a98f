"""Every table of the appliance, in dependency order (referenced tables first)."""

from __future__ import annotations

from core.audit.tables import AuditEntry
from core.auth.apikeys.tables import ApiKey
from core.auth.tables import AccountToken, Company, Invitation, Membership, Organisation, RefreshToken, User
from core.auth.mfa.tables import BackupCode, MfaChallenge, MfaVerification, Passkey, TotpSecret
from core.documents.tables import InvoiceAttachment, PdfTemplateConfig, StoredDocument
from core.einvoice.tables import EInvoiceConfig
from core.invoicing.tables import DocumentEvent, DocumentSeries, Invoice, InvoiceLine, Payment
from core.mail.tables import OutgoingMail
from core.masterdata.tables import Client, Product, Supplier, VatRate
from core.proformas.tables import ProformaInvoice, ProformaLine
from core.recurring.tables import RecurringGeneration, RecurringInvoice, RecurringLine
from core.delivery_notes.tables import DeliveryNote, DeliveryNoteLine
from core.receipts.tables import Receipt, ReceiptLine
from core.submissions.tables import AuthorizationLink, EfacturaMessage, ProviderCredential, Submission, SyncState

TABLES = [
    Organisation,
    User,
    Membership,
    RefreshToken,
    ApiKey,
    Company,
    AccountToken,
    Invitation,
    Client,
    Supplier,
    Product,
    VatRate,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    DocumentEvent,
    ProformaInvoice, ProformaLine, DeliveryNote, DeliveryNoteLine,
    Receipt, ReceiptLine,
    Payment,
    RecurringInvoice, RecurringLine, RecurringGeneration,
    Submission,
    ProviderCredential,
    AuthorizationLink,
    SyncState,
    EfacturaMessage,
    StoredDocument,
    InvoiceAttachment,
    PdfTemplateConfig,
    EInvoiceConfig,
    AuditEntry,
    OutgoingMail,
    TotpSecret,
    BackupCode,
    Passkey,
    MfaChallenge,
    MfaVerification,
]
