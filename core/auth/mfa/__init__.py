"""Multi-factor authentication: TOTP, backup codes, e-mail one-time codes, passkeys and step-up
verification (objects.md §8.1 passkeys, §8.2 MFA)."""
