"""Scanners (SANE, eSCL, WIA, TWAIN, a scan-to-folder watcher), a scan as a job, and the assembly
of small PDFs. No Qt; see README.md and docs/scanning.md."""
