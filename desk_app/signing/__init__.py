"""Signing with PKCS#11 tokens (no Qt, no store): token access, PAdES signing and upgrade,
validation, batch signing as a job, the certification book. See README.md and docs/signing.md."""
