<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Login:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Add the account</source>
        <translation>Add the account</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>New account</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <source>The data checked out: no problem found.</source>
        <translation>The data checked out: no problem found.</translation>
    </message>
    <message>
        <source>Problems found in: %1. Call IT support.</source>
        <translation>Problems found in: %1. Call IT support.</translation>
    </message>
    <message>
        <source>Import the procedure catalog</source>
        <translation>Import the procedure catalog</translation>
    </message>
    <message>
        <source>Catalog %1 imported: %2 procedures.</source>
        <translation>Catalog %1 imported: %2 procedures.</translation>
    </message>
</context>
<context>
    <name>ApplicantPart</name>
    <message>
        <source>2. Applicant (Alt+2)</source>
        <translation>2. Applicant (Alt+2)</translation>
    </message>
    <message>
        <source>Scan the QR on the ID card (USB reader), or type and press Enter</source>
        <translation>Scan the QR on the ID card (USB reader), or type and press Enter</translation>
    </message>
    <message>
        <source>QR from image…</source>
        <translation>QR from image…</translation>
    </message>
    <message>
        <source>12 digits</source>
        <translation>12 digits</translation>
    </message>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <source>Organisation or authorised person, if any</source>
        <translation>Organisation or authorised person, if any</translation>
    </message>
    <message>
        <source>CCCD QR:</source>
        <translation>CCCD QR:</translation>
    </message>
    <message>
        <source>ID number:</source>
        <translation>ID number:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <source>Sex:</source>
        <translation>Sex:</translation>
    </message>
    <message>
        <source>Date of birth:</source>
        <translation>Date of birth:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Address:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Phone:</translation>
    </message>
    <message>
        <source>Email:</source>
        <translation>Email:</translation>
    </message>
    <message>
        <source>On behalf of:</source>
        <translation>On behalf of:</translation>
    </message>
    <message>
        <source>Returning applicant: details filled from the last dossier.</source>
        <translation>Returning applicant: details filled from the last dossier.</translation>
    </message>
    <message>
        <source>Photo or scan of the ID card</source>
        <translation>Photo or scan of the ID card</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</translation>
    </message>
</context>
<context>
    <name>BackupIndicator</name>
    <message>
        <source>backup folder not found (USB stick?)</source>
        <translation>backup folder not found (USB stick?)</translation>
    </message>
</context>
<context>
    <name>BookModel</name>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Requested by</source>
        <translation>Requested by</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>Certified by</source>
        <translation>Certified by</translation>
    </message>
</context>
<context>
    <name>CashModel</name>
    <message>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Payments</translation>
    </message>
    <message>
        <source>Exempt</source>
        <translation>Exempt</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Signed off by</source>
        <translation>Signed off by</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>not yet</translation>
    </message>
</context>
<context>
    <name>CashView</name>
    <message>
        <source>Takings of the day</source>
        <translation>Takings of the day</translation>
    </message>
    <message>
        <source>Day:</source>
        <translation>Day:</translation>
    </message>
    <message>
        <source>Sign off the selected clerk's day</source>
        <translation>Sign off the selected clerk's day</translation>
    </message>
    <message>
        <source>Total of the day: %1</source>
        <translation>Total of the day: %1</translation>
    </message>
    <message>
        <source>Signed off.</source>
        <translation>Signed off.</translation>
    </message>
</context>
<context>
    <name>CertBookView</name>
    <message>
        <source>Certification book (copies from originals)</source>
        <translation>Certification book (copies from originals)</translation>
    </message>
    <message>
        <source>Print the month's book</source>
        <translation>Print the month's book</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>Month:</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Book %1/%2-SCT/BS — month %3/%2</source>
        <translation>Book %1/%2-SCT/BS — month %3/%2</translation>
    </message>
    <message>
        <source>Certifications this month: %1</source>
        <translation>Certifications this month: %1</translation>
    </message>
    <message>
        <source>fees %1</source>
        <translation>fees %1</translation>
    </message>
    <message>
        <source>Certification book — month %1</source>
        <translation>Certification book — month %1</translation>
    </message>
</context>
<context>
    <name>CertificatesModel</name>
    <message>
        <source>Holder</source>
        <translation>Holder</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Issued by</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>EXPIRED — cannot sign</source>
        <translation>EXPIRED — cannot sign</translation>
    </message>
    <message>
        <source>Not valid yet</source>
        <translation>Not valid yet</translation>
    </message>
    <message>
        <source>PIN locked</source>
        <translation>PIN locked</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>PIN pad</source>
        <translation>PIN pad</translation>
    </message>
</context>
<context>
    <name>CertifyDialog</name>
    <message>
        <source>Electronic certified copy from the original</source>
        <translation>Electronic certified copy from the original</translation>
    </message>
    <message>
        <source>The scanned original (PDF)</source>
        <translation>The scanned original (PDF)</translation>
    </message>
    <message>
        <source>Choose the scan…</source>
        <translation>Choose the scan…</translation>
    </message>
    <message>
        <source>e.g. Giấy khai sinh bản chính số 123</source>
        <translation>e.g. Giấy khai sinh bản chính số 123</translation>
    </message>
    <message>
        <source>%1 per page for pages 1–2, %2 per page from the third, at most %3 per copy</source>
        <translation>%1 per page for pages 1–2, %2 per page from the third, at most %3 per copy</translation>
    </message>
    <message>
        <source>(none now: the văn thư adds it later)</source>
        <translation>(none now: the văn thư adds it later)</translation>
    </message>
    <message>
        <source>Folder for the certified copy</source>
        <translation>Folder for the certified copy</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Folder…</translation>
    </message>
    <message>
        <source>Scanned original:</source>
        <translation>Scanned original:</translation>
    </message>
    <message>
        <source>Document:</source>
        <translation>Document:</translation>
    </message>
    <message>
        <source>Requested by:</source>
        <translation>Requested by:</translation>
    </message>
    <message>
        <source>Fee:</source>
        <translation>Fee:</translation>
    </message>
    <message>
        <source>Pages:</source>
        <translation>Pages:</translation>
    </message>
    <message>
        <source>Commune's signature:</source>
        <translation>Commune's signature:</translation>
    </message>
    <message>
        <source>Save in:</source>
        <translation>Save in:</translation>
    </message>
    <message>
        <source>Certify and sign</source>
        <translation>Certify and sign</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>The officer's certificate:</source>
        <translation>The officer's certificate:</translation>
    </message>
    <message>
        <source>Statement written on the copy (preview; the number is given when signing):</source>
        <translation>Statement written on the copy (preview; the number is given when signing):</translation>
    </message>
    <message>
        <source>The scanned original</source>
        <translation>The scanned original</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation>%1 page(s)</translation>
    </message>
    <message>
        <source>This file cannot be read as a PDF: choose the scanned original again.</source>
        <translation>This file cannot be read as a PDF: choose the scanned original again.</translation>
    </message>
    <message>
        <source>(the officer)</source>
        <translation>(the officer)</translation>
    </message>
    <message>
        <source>Reading the book…</source>
        <translation>Reading the book…</translation>
    </message>
    <message>
        <source>Opening the token — enter the PIN when asked…</source>
        <translation>Opening the token — enter the PIN when asked…</translation>
    </message>
    <message>
        <source>dossier %1</source>
        <translation>dossier %1</translation>
    </message>
    <message>
        <source>Certified: %1. Fee %2. Copy: %3</source>
        <translation>Certified: %1. Fee %2. Copy: %3</translation>
    </message>
    <message>
        <source>the commune's signature was not added: %1</source>
        <translation>the commune's signature was not added: %1</translation>
    </message>
</context>
<context>
    <name>CodesModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Dossier code</translation>
    </message>
</context>
<context>
    <name>ComponentsModel</name>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Component</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>Qty</translation>
    </message>
    <message>
        <source>Scanned files</source>
        <translation>Scanned files</translation>
    </message>
    <message>
        <source>required</source>
        <translation>required</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
</context>
<context>
    <name>ComponentsPart</name>
    <message>
        <source>3. Components (Alt+3) — Space: received, F2: edit form/quantity</source>
        <translation>3. Components (Alt+3) — Space: received, F2: edit form/quantity</translation>
    </message>
    <message>
        <source>Attach scanned file… (Ctrl+O)</source>
        <translation>Attach scanned file… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Scan… (Ctrl+Shift+O)</source>
        <translation>Scan… (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Scan or import the pages of the selected component</source>
        <translation>Scan or import the pages of the selected component</translation>
    </message>
    <message>
        <source>Reuse digitised copy (Ctrl+D)</source>
        <translation>Reuse digitised copy (Ctrl+D)</translation>
    </message>
    <message>
        <source>Bold: required by the procedure.</source>
        <translation>Bold: required by the procedure.</translation>
    </message>
    <message>
        <source>No ID card QR code read from the scan: %1</source>
        <translation>No ID card QR code read from the scan: %1</translation>
    </message>
    <message>
        <source>The scanned ID card says:

%1
ID number: %2
Born: %3 · %4
%5

Fill the applicant with these details?</source>
        <translation>The scanned ID card says:

%1
ID number: %2
Born: %3 · %4
%5

Fill the applicant with these details?</translation>
    </message>
    <message>
        <source>ID card QR code</source>
        <translation>ID card QR code</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Fill in</translation>
    </message>
    <message>
        <source>Do not fill</source>
        <translation>Do not fill</translation>
    </message>
    <message>
        <source>%1. %2: %3 — will be reused (Ctrl+D to undo)</source>
        <translation>%1. %2: %3 — will be reused (Ctrl+D to undo)</translation>
    </message>
    <message>
        <source>%1. %2: %3 — Ctrl+D reuses it, no new scan</source>
        <translation>%1. %2: %3 — Ctrl+D reuses it, no new scan</translation>
    </message>
    <message>
        <source>No digitised copy of this component is on file.</source>
        <translation>No digitised copy of this component is on file.</translation>
    </message>
    <message>
        <source>%1. %2: the digitised copy (%3) was reused.</source>
        <translation>%1. %2: the digitised copy (%3) was reused.</translation>
    </message>
    <message>
        <source>Choose the procedure first.</source>
        <translation>Choose the procedure first.</translation>
    </message>
</context>
<context>
    <name>CreateAdminDialog</name>
    <message>
        <source>Login:</source>
        <translation>Login:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Full name:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Password again:</source>
        <translation>Password again:</translation>
    </message>
    <message>
        <source>Create the administrator</source>
        <translation>Create the administrator</translation>
    </message>
    <message>
        <source>This desk has no accounts yet. Create the administrator's account first; the administrator then adds the staff's accounts.</source>
        <translation>This desk has no accounts yet. Create the administrator's account first; the administrator then adds the staff's accounts.</translation>
    </message>
    <message>
        <source>Create and log in</source>
        <translation>Create and log in</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>CropDialog</name>
    <message>
        <source>Crop the page</source>
        <translation>Crop the page</translation>
    </message>
    <message>
        <source>Left margin (%):</source>
        <translation>Left margin (%):</translation>
    </message>
    <message>
        <source>Top margin (%):</source>
        <translation>Top margin (%):</translation>
    </message>
    <message>
        <source>Right margin (%):</source>
        <translation>Right margin (%):</translation>
    </message>
    <message>
        <source>Bottom margin (%):</source>
        <translation>Bottom margin (%):</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Per</source>
        <translation>Per</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Last month</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>Last 12 months</translation>
    </message>
    <message>
        <source>procedure</source>
        <translation>procedure</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>clerk</translation>
    </message>
    <message>
        <source>month</source>
        <translation>month</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>Figures as of %1</source>
        <translation>Figures as of %1</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>On time</translation>
    </message>
    <message>
        <source>Dossiers digitised</source>
        <translation>Dossiers digitised</translation>
    </message>
    <message>
        <source>Results digitised</source>
        <translation>Results digitised</translation>
    </message>
    <message>
        <source>Filed online</source>
        <translation>Filed online</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Synchronised</source>
        <translation>Synchronised</translation>
    </message>
    <message>
        <source>target over 90 %: met</source>
        <translation>target over 90 %: met</translation>
    </message>
    <message>
        <source>target over 90 %: not met</source>
        <translation>target over 90 %: not met</translation>
    </message>
    <message>
        <source>Dossiers now, by state</source>
        <translation>Dossiers now, by state</translation>
    </message>
    <message>
        <source>On-time rate per %1 (target 90 %)</source>
        <translation>On-time rate per %1 (target 90 %)</translation>
    </message>
    <message>
        <source>Overdue now: %1</source>
        <translation>Overdue now: %1</translation>
    </message>
    <message>
        <source>Decision 766 indicators (parts a desk can compute): %1 of %2 points</source>
        <translation>Decision 766 indicators (parts a desk can compute): %1 of %2 points</translation>
    </message>
</context>
<context>
    <name>Delivery</name>
    <message>
        <source>At the one-stop desk</source>
        <translation>At the one-stop desk</translation>
    </message>
    <message>
        <source>By public postal service</source>
        <translation>By public postal service</translation>
    </message>
</context>
<context>
    <name>DeliveryPart</name>
    <message>
        <source>4. Result delivery and fee (Alt+4)</source>
        <translation>4. Result delivery and fee (Alt+4)</translation>
    </message>
    <message>
        <source>Postal address for the result</source>
        <translation>Postal address for the result</translation>
    </message>
    <message>
        <source>Result delivered:</source>
        <translation>Result delivered:</translation>
    </message>
    <message>
        <source>Postal address:</source>
        <translation>Postal address:</translation>
    </message>
    <message>
        <source>Number of sets:</source>
        <translation>Number of sets:</translation>
    </message>
    <message>
        <source>Pages of the original:</source>
        <translation>Pages of the original:</translation>
    </message>
    <message>
        <source>Fee due:</source>
        <translation>Fee due:</translation>
    </message>
</context>
<context>
    <name>DocumentsModel</name>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>Signing…</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>FAILED</translation>
    </message>
    <message>
        <source>Not signed (stopped)</source>
        <translation>Not signed (stopped)</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Processed</translation>
    </message>
</context>
<context>
    <name>DossierDetail</name>
    <message>
        <source>Dossier %1</source>
        <extracomment>A lifecycle step changed the dossier (the main window may reload its list).</extracomment>
        <translation>Dossier %1</translation>
    </message>
    <message>
        <source>Dossier code:</source>
        <translation>Dossier code:</translation>
    </message>
    <message>
        <source>Procedure:</source>
        <translation>Procedure:</translation>
    </message>
    <message>
        <source>Applicant:</source>
        <translation>Applicant:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Address:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Phone:</translation>
    </message>
    <message>
        <source>On behalf of:</source>
        <translation>On behalf of:</translation>
    </message>
    <message>
        <source>Received:</source>
        <translation>Received:</translation>
    </message>
    <message>
        <source>Due:</source>
        <translation>Due:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Result delivered:</source>
        <translation>Result delivered:</translation>
    </message>
    <message>
        <source>Fee:</source>
        <translation>Fee:</translation>
    </message>
    <message>
        <source>Clerk:</source>
        <translation>Clerk:</translation>
    </message>
    <message>
        <source>Sync:</source>
        <translation>Sync:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Note:</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Component</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>Qty</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>To</source>
        <translation>To</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Components (%1)</source>
        <translation>Components (%1)</translation>
    </message>
    <message>
        <source>Files (%1)</source>
        <translation>Files (%1)</translation>
    </message>
    <message>
        <source>History (%1)</source>
        <translation>History (%1)</translation>
    </message>
    <message>
        <source>Reprint form 01 (receipt)</source>
        <translation>Reprint form 01 (receipt)</translation>
    </message>
    <message>
        <source>Print form 02 (supplement)</source>
        <translation>Print form 02 (supplement)</translation>
    </message>
    <message>
        <source>Print form 03 (refusal)</source>
        <translation>Print form 03 (refusal)</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <source>Form 04 (apology)</source>
        <translation>Form 04 (apology)</translation>
    </message>
    <message>
        <source>Form 05 (stop)</source>
        <translation>Form 05 (stop)</translation>
    </message>
    <message>
        <source>Form 06 (control slip)</source>
        <translation>Form 06 (control slip)</translation>
    </message>
    <message>
        <source>Scan / attach…</source>
        <translation>Scan / attach…</translation>
    </message>
    <message>
        <source>Print preview — form %1 — %2</source>
        <translation>Print preview — form %1 — %2</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Save receipt as PDF</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>DossierScan</name>
    <message>
        <source>This dossier has no components to attach to.</source>
        <translation>This dossier has no components to attach to.</translation>
    </message>
    <message>
        <source>Scan / attach</source>
        <translation>Scan / attach</translation>
    </message>
    <message>
        <source>Attach the pages to which component?</source>
        <translation>Attach the pages to which component?</translation>
    </message>
    <message>
        <source>Scan…</source>
        <translation>Scan…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>The scan is kept in %1.</source>
        <translation>The scan is kept in %1.</translation>
    </message>
</context>
<context>
    <name>DossierTableModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sync</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Unexpected error: %1. Nothing typed was lost; please try again or call IT support.</source>
        <translation>Unexpected error: %1. Nothing typed was lost; please try again or call IT support.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Could not write %1: %2</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Certified copy</source>
        <translation>Certified copy</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>New intake</source>
        <translation>New intake</translation>
    </message>
    <message>
        <source>No procedure chosen yet.</source>
        <translation>No procedure chosen yet.</translation>
    </message>
    <message>
        <source>1. Procedure (Alt+1)</source>
        <translation>1. Procedure (Alt+1)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>Refuse / ask for supplement…</source>
        <translation>Refuse / ask for supplement…</translation>
    </message>
    <message>
        <source>Print receipt (Ctrl+P)</source>
        <translation>Print receipt (Ctrl+P)</translation>
    </message>
    <message>
        <source>Save PDF… (Ctrl+Shift+S)</source>
        <translation>Save PDF… (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>Next dossier (Ctrl+N)</source>
        <translation>Next dossier (Ctrl+N)</translation>
    </message>
    <message>
        <source>The ID card was read into the applicant block. Now choose the procedure.</source>
        <translation>The ID card was read into the applicant block. Now choose the procedure.</translation>
    </message>
    <message>
        <source>The scan went into the procedure search and is not an ID card's QR; see the message under the QR field.</source>
        <translation>The scan went into the procedure search and is not an ID card's QR; see the message under the QR field.</translation>
    </message>
    <message>
        <source>same day (received after %1 → next working day)</source>
        <translation>same day (received after %1 → next working day)</translation>
    </message>
    <message>
        <source>same day</source>
        <translation>same day</translation>
    </message>
    <message>
        <source>%1 calendar days</source>
        <translation>%1 calendar days</translation>
    </message>
    <message>
        <source>%1 working days</source>
        <translation>%1 working days</translation>
    </message>
    <message>
        <source>Choose the procedure first.</source>
        <translation>Choose the procedure first.</translation>
    </message>
    <message>
        <source>Scanned files for: %1</source>
        <translation>Scanned files for: %1</translation>
    </message>
    <message>
        <source>Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</source>
        <translation>Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</translation>
    </message>
    <message>
        <source>Cannot read: %1</source>
        <translation>Cannot read: %1</translation>
    </message>
    <message>
        <source>Please correct the fields marked in red.</source>
        <translation>Please correct the fields marked in red.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>A different name for this ID number</source>
        <translation>A different name for this ID number</translation>
    </message>
    <message>
        <source>This ID number is on file under the name “%1”.
The form says “%2”.

Is it the same person, whose name changed? Check the ID card before answering.</source>
        <translation>This ID number is on file under the name “%1”.
The form says “%2”.

Is it the same person, whose name changed? Check the ID card before answering.</translation>
    </message>
    <message>
        <source>Same person: update the name</source>
        <translation>Same person: update the name</translation>
    </message>
    <message>
        <source>No: let me correct it</source>
        <translation>No: let me correct it</translation>
    </message>
    <message>
        <source>%1 Dossier code: %2 · Due: %3</source>
        <translation>%1 Dossier code: %2 · Due: %3</translation>
    </message>
    <message>
        <source>Refusal recorded.</source>
        <translation>Refusal recorded.</translation>
    </message>
    <message>
        <source>Supplement request recorded.</source>
        <translation>Supplement request recorded.</translation>
    </message>
    <message>
        <source>Print preview — form %1 — %2</source>
        <translation>Print preview — form %1 — %2</translation>
    </message>
    <message>
        <source>Printed; a copy is kept with the dossier.</source>
        <translation>Printed; a copy is kept with the dossier.</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Save receipt as PDF</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PDF saved: %1</source>
        <translation>PDF saved: %1</translation>
    </message>
    <message>
        <source>Discard this dossier?</source>
        <translation>Discard this dossier?</translation>
    </message>
    <message>
        <source>What you typed has not been saved. Discard it?</source>
        <translation>What you typed has not been saved. Discard it?</translation>
    </message>
</context>
<context>
    <name>JobRunner</name>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
</context>
<context>
    <name>JobStatusWidget</name>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>This desk is locked</source>
        <translation>This desk is locked</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Login:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>The same person, or a supervisor or an administrator, can unlock. The session stays the person's who logged in.</source>
        <translation>The same person, or a supervisor or an administrator, can unlock. The session stays the person's who logged in.</translation>
    </message>
    <message>
        <source>Logged in: %1 · %2</source>
        <translation>Logged in: %1 · %2</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Login:</source>
        <translation>Login:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>Log in with your own account: what you do is recorded under your name.</source>
        <translation>Log in with your own account: what you do is recorded under your name.</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Enter your login.</source>
        <translation>Enter your login.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Syncing…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Opening the data…</source>
        <translation>Opening the data…</translation>
    </message>
    <message>
        <source>Logged out.</source>
        <translation>Logged out.</translation>
    </message>
    <message>
        <source>Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)</source>
        <translation>Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)</translation>
    </message>
    <message>
        <source>New intake (Ctrl+N)</source>
        <translation>New intake (Ctrl+N)</translation>
    </message>
    <message>
        <source>Print receipt (Ctrl+P)</source>
        <translation>Print receipt (Ctrl+P)</translation>
    </message>
    <message>
        <source>Open dossier</source>
        <translation>Open dossier</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Find</translation>
    </message>
    <message>
        <source>Sync now (F5)</source>
        <translation>Sync now (F5)</translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation>Export diagnostics…</translation>
    </message>
    <message>
        <source>Set up the server…</source>
        <translation>Set up the server…</translation>
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation>Lock (Ctrl+L)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>&amp;Reports</translation>
    </message>
    <message>
        <source>Work queues (Ctrl+W)</source>
        <translation>Work queues (Ctrl+W)</translation>
    </message>
    <message>
        <source>Dashboard (F9)</source>
        <translation>Dashboard (F9)</translation>
    </message>
    <message>
        <source>Citizen's rating of the selected dossier (Ctrl+R)</source>
        <translation>Citizen's rating of the selected dossier (Ctrl+R)</translation>
    </message>
    <message>
        <source>Takings of the day…</source>
        <translation>Takings of the day…</translation>
    </message>
    <message>
        <source>Dossiers</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Work queues</source>
        <translation>Work queues</translation>
    </message>
    <message>
        <source>Online dossiers</source>
        <translation>Online dossiers</translation>
    </message>
    <message>
        <source>%1 · Desk %2</source>
        <translation>%1 · Desk %2</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Accounts…</source>
        <translation>Accounts…</translation>
    </message>
    <message>
        <source>Desk settings…</source>
        <translation>Desk settings…</translation>
    </message>
    <message>
        <source>Check the data</source>
        <translation>Check the data</translation>
    </message>
    <message>
        <source>Import the procedure catalog…</source>
        <translation>Import the procedure catalog…</translation>
    </message>
    <message>
        <source>&amp;Dossiers</source>
        <translation>&amp;Dossiers</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>&amp;Sync</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>&amp;Administration</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>%1 dossiers shown</source>
        <translation>%1 dossiers shown</translation>
    </message>
    <message>
        <source>Select a dossier first.</source>
        <translation>Select a dossier first.</translation>
    </message>
    <message>
        <source>The citizen's rating was recorded.</source>
        <translation>The citizen's rating was recorded.</translation>
    </message>
    <message>
        <source>%1 may not unlock this desk: only the person logged in, a supervisor or an administrator can.</source>
        <translation>%1 may not unlock this desk: only the person logged in, a supervisor or an administrator can.</translation>
    </message>
    <message>
        <source>Unlocked by %1.</source>
        <translation>Unlocked by %1.</translation>
    </message>
    <message>
        <source>Sync incomplete: %1</source>
        <translation>Sync incomplete: %1</translation>
    </message>
    <message>
        <source>Sync finished.</source>
        <translation>Sync finished.</translation>
    </message>
</context>
<context>
    <name>OnlineInboxModel</name>
    <message>
        <source>Portal id</source>
        <translation>Portal id</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>Filed at</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>%1 file(s)</source>
        <translation>%1 file(s)</translation>
    </message>
    <message>
        <source>%1 of %2 downloaded</source>
        <translation>%1 of %2 downloaded</translation>
    </message>
</context>
<context>
    <name>OnlineQueueView</name>
    <message>
        <source>Online dossiers waiting to be accepted</source>
        <translation>Online dossiers waiting to be accepted</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Components</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>Reason (required to ask for a supplement or to refuse)</source>
        <translation>Reason (required to ask for a supplement or to refuse)</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>Ask for supplement</source>
        <translation>Ask for supplement</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 waiting</translation>
    </message>
    <message>
        <source>No online dossier is waiting.</source>
        <translation>No online dossier is waiting.</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>Filed at</translation>
    </message>
    <message>
        <source>Earlier request</source>
        <translation>Earlier request</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>downloaded</translation>
    </message>
    <message>
        <source>not downloaded yet — sync</source>
        <translation>not downloaded yet — sync</translation>
    </message>
    <message>
        <source>Some files are not on this desk yet; sync first.</source>
        <translation>Some files are not on this desk yet; sync first.</translation>
    </message>
    <message>
        <source>Accept online dossier</source>
        <translation>Accept online dossier</translation>
    </message>
    <message>
        <source>Write the reason first.</source>
        <translation>Write the reason first.</translation>
    </message>
    <message>
        <source>Supplement requested for %1.</source>
        <translation>Supplement requested for %1.</translation>
    </message>
    <message>
        <source>Refused %1.</source>
        <translation>Refused %1.</translation>
    </message>
    <message>
        <source>Online dossier decision</source>
        <translation>Online dossier decision</translation>
    </message>
</context>
<context>
    <name>OverdueModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Due</translation>
    </message>
</context>
<context>
    <name>ProcedureFinder</name>
    <message>
        <source>Procedure code or words of its name (e.g. khai sinh)</source>
        <translation>Procedure code or words of its name (e.g. khai sinh)</translation>
    </message>
</context>
<context>
    <name>QtDeviceHandler</name>
    <message>
        <source>PIN of the signing token</source>
        <translation>PIN of the signing token</translation>
    </message>
    <message>
        <source>%1 tries left</source>
        <translation>%1 tries left</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Timing</source>
        <translation>Timing</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
</context>
<context>
    <name>QueueTiming</name>
    <message>
        <source>Late</source>
        <translation>Late</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>On time</translation>
    </message>
</context>
<context>
    <name>QueuesView</name>
    <message>
        <source>Search in this queue (diacritics optional)</source>
        <translation>Search in this queue (diacritics optional)</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>Search:</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Channel:</translation>
    </message>
    <message>
        <source>Due soon within (working days):</source>
        <translation>Due soon within (working days):</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>At the desk</source>
        <translation>At the desk</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>By post</source>
        <translation>By post</translation>
    </message>
    <message>
        <source>All procedures</source>
        <translation>All procedures</translation>
    </message>
    <message>
        <source>All clerks</source>
        <translation>All clerks</translation>
    </message>
    <message>
        <source>Online dossiers are accepted in the online tab.</source>
        <translation>Online dossiers are accepted in the online tab.</translation>
    </message>
    <message>
        <source>%1 dossiers</source>
        <translation>%1 dossiers</translation>
    </message>
</context>
<context>
    <name>RatingView</name>
    <message>
        <source>Your opinion of our service</source>
        <translation>Your opinion of our service</translation>
    </message>
    <message>
        <source>How satisfied are you with the service?</source>
        <translation>How satisfied are you with the service?</translation>
    </message>
    <message>
        <source>Dossier %1 — at the intake</source>
        <translation>Dossier %1 — at the intake</translation>
    </message>
    <message>
        <source>Dossier %1 — at the return of the result</source>
        <translation>Dossier %1 — at the return of the result</translation>
    </message>
    <message>
        <source>Please tell us why (required):</source>
        <translation>Please tell us why (required):</translation>
    </message>
    <message>
        <source>Send my rating</source>
        <translation>Send my rating</translation>
    </message>
    <message>
        <source>Please write the reason before sending.</source>
        <translation>Please write the reason before sending.</translation>
    </message>
    <message>
        <source>Thank you! Your rating has been recorded.</source>
        <translation>Thank you! Your rating has been recorded.</translation>
    </message>
</context>
<context>
    <name>ReceiptPreview</name>
    <message>
        <source>Print… (Ctrl+P)</source>
        <translation>Print… (Ctrl+P)</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Zoom in (+)</translation>
    </message>
    <message>
        <source>Zoom out (−)</source>
        <translation>Zoom out (−)</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>Whole page</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>RefuseDialog</name>
    <message>
        <source>Refuse or ask for supplement</source>
        <translation>Refuse or ask for supplement</translation>
    </message>
    <message>
        <source>Refuse the dossier (form 03)</source>
        <translation>Refuse the dossier (form 03)</translation>
    </message>
    <message>
        <source>Ask the applicant to supplement (form 02)</source>
        <translation>Ask the applicant to supplement (form 02)</translation>
    </message>
    <message>
        <source>Reason, and what exactly is missing or wrong</source>
        <translation>Reason, and what exactly is missing or wrong</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>Please write the reason: it is printed on the form.</source>
        <translation>Please write the reason: it is printed on the form.</translation>
    </message>
</context>
<context>
    <name>ScanSessionDialog</name>
    <message>
        <source>Scan — %1</source>
        <translation>Scan — %1</translation>
    </message>
    <message>
        <source>Pages for: %1</source>
        <translation>Pages for: %1</translation>
    </message>
    <message>
        <source>Test scanner</source>
        <translation>Test scanner</translation>
    </message>
    <message>
        <source>Refresh list</source>
        <translation>Refresh list</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
    <message>
        <source>Scan (F5)</source>
        <translation>Scan (F5)</translation>
    </message>
    <message>
        <source>Import files… (Ctrl+O)</source>
        <translation>Import files… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Scanner:</source>
        <translation>Scanner:</translation>
    </message>
    <message>
        <source>Document type:</source>
        <translation>Document type:</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Source:</translation>
    </message>
    <message>
        <source>Sheets:</source>
        <translation>Sheets:</translation>
    </message>
    <message>
        <source>Ctrl+↑/↓ move · R / Shift+R turn · C crop · Delete remove (Ctrl+Z undo) · Space keep a page flagged blank</source>
        <translation>Ctrl+↑/↓ move · R / Shift+R turn · C crop · Delete remove (Ctrl+Z undo) · Space keep a page flagged blank</translation>
    </message>
    <message>
        <source>Text recognition (OCR) in the background</source>
        <translation>Text recognition (OCR) in the background</translation>
    </message>
    <message>
        <source>Save and attach (Ctrl+S)</source>
        <translation>Save and attach (Ctrl+S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Compression:</source>
        <translation>Compression:</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Stop scanning</source>
        <translation>Stop scanning</translation>
    </message>
    <message>
        <source>Flatbed (glass)</source>
        <translation>Flatbed (glass)</translation>
    </message>
    <message>
        <source>Document feeder</source>
        <translation>Document feeder</translation>
    </message>
    <message>
        <source>Feeder, both sides</source>
        <translation>Feeder, both sides</translation>
    </message>
    <message>
        <source>Both sides by hand (turn the stack over)</source>
        <translation>Both sides by hand (turn the stack over)</translation>
    </message>
    <message>
        <source>Black and white (smallest)</source>
        <translation>Black and white (smallest)</translation>
    </message>
    <message>
        <source>Grey (JPEG)</source>
        <translation>Grey (JPEG)</translation>
    </message>
    <message>
        <source>Colour (JPEG)</source>
        <translation>Colour (JPEG)</translation>
    </message>
    <message>
        <source>Colour, small (JPEG ≤ 200 dpi)</source>
        <translation>Colour, small (JPEG ≤ 200 dpi)</translation>
    </message>
    <message>
        <source>Scanner's own JPEG, untouched</source>
        <translation>Scanner's own JPEG, untouched</translation>
    </message>
    <message>
        <source>No scanner found. Check the cable and the power, or import files instead (Ctrl+O).</source>
        <translation>No scanner found. Check the cable and the power, or import files instead (Ctrl+O).</translation>
    </message>
    <message>
        <source>(locked)</source>
        <translation>(locked)</translation>
    </message>
    <message>
        <source>Locked by the administrator: the source and the settings of this profile cannot be changed.</source>
        <translation>Locked by the administrator: the source and the settings of this profile cannot be changed.</translation>
    </message>
    <message>
        <source>Choose a scanner first.</source>
        <translation>Choose a scanner first.</translation>
    </message>
    <message>
        <source>The scanner answers (a test page in %1 s).</source>
        <translation>The scanner answers (a test page in %1 s).</translation>
    </message>
    <message>
        <source>The scanner does not answer: %1</source>
        <translation>The scanner does not answer: %1</translation>
    </message>
    <message>
        <source>Choose a document type first.</source>
        <translation>Choose a document type first.</translation>
    </message>
    <message>
        <source>Choose a scanner first (or import files: Ctrl+O).</source>
        <translation>Choose a scanner first (or import files: Ctrl+O).</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Scanning…</translation>
    </message>
    <message>
        <source>%1 pages of this batch are kept; fix the scanner and press Scan (F5) to go on.</source>
        <translation>%1 pages of this batch are kept; fix the scanner and press Scan (F5) to go on.</translation>
    </message>
    <message>
        <source>Scan stopped; %1 pages of this batch are kept.</source>
        <translation>Scan stopped; %1 pages of this batch are kept.</translation>
    </message>
    <message>
        <source>%1 pages scanned.</source>
        <translation>%1 pages scanned.</translation>
    </message>
    <message>
        <source>%1 pages look blank (marked in red): Space keeps, Delete removes.</source>
        <translation>%1 pages look blank (marked in red): Space keeps, Delete removes.</translation>
    </message>
    <message>
        <source>Import files for: %1</source>
        <translation>Import files for: %1</translation>
    </message>
    <message>
        <source>Images and PDFs (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp);;All files (*)</source>
        <translation>Images and PDFs (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp);;All files (*)</translation>
    </message>
    <message>
        <source>%1 pages imported.</source>
        <translation>%1 pages imported.</translation>
    </message>
    <message>
        <source>Page deleted (Ctrl+Z puts it back).</source>
        <translation>Page deleted (Ctrl+Z puts it back).</translation>
    </message>
    <message>
        <source>Page put back.</source>
        <translation>Page put back.</translation>
    </message>
    <message>
        <source>No pages yet.</source>
        <translation>No pages yet.</translation>
    </message>
    <message>
        <source>PDF size: computing…</source>
        <translation>PDF size: computing…</translation>
    </message>
    <message>
        <source>PDF size: %1 for %2 pages (%3)</source>
        <translation>PDF size: %1 for %2 pages (%3)</translation>
    </message>
    <message>
        <source>There is no page to save yet.</source>
        <translation>There is no page to save yet.</translation>
    </message>
    <message>
        <source>%1 pages look blank: keep each one (Space) or delete it (Delete) before saving.</source>
        <translation>%1 pages look blank: keep each one (Space) or delete it (Delete) before saving.</translation>
    </message>
    <message>
        <source>Cannot write the scan: %1</source>
        <translation>Cannot write the scan: %1</translation>
    </message>
    <message>
        <source>Saving the PDF…</source>
        <translation>Saving the PDF…</translation>
    </message>
    <message>
        <source>Saving the PDF with text recognition (OCR)…</source>
        <translation>Saving the PDF with text recognition (OCR)…</translation>
    </message>
    <message>
        <source>Saved: %1 (%2).</source>
        <translation>Saved: %1 (%2).</translation>
    </message>
    <message>
        <source>Discard the pages?</source>
        <translation>Discard the pages?</translation>
    </message>
    <message>
        <source>%1 scanned pages are not saved. Discard them?</source>
        <translation>%1 scanned pages are not saved. Discard them?</translation>
    </message>
</context>
<context>
    <name>ServerSettingsDialog</name>
    <message>
        <source>Set up the server</source>
        <translation>Set up the server</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unchanged</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>The password is kept in the system keyring, never in the desk's files.</source>
        <translation>The password is kept in the system keyring, never in the desk's files.</translation>
    </message>
    <message>
        <source>The server address is not valid: write it as https://… (for example https://motcua.example.gov.vn).</source>
        <translation>The server address is not valid: write it as https://… (for example https://motcua.example.gov.vn).</translation>
    </message>
    <message>
        <source>The user name is not valid.</source>
        <translation>The user name is not valid.</translation>
    </message>
    <message>
        <source>The password could not be kept on this computer (the system keyring is not available). It is used until you close the program and will be asked again next time.</source>
        <translation>The password could not be kept on this computer (the system keyring is not available). It is used until you close the program and will be asked again next time.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Desk settings</source>
        <translation>Desk settings</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Lock the screen after (no input):</source>
        <translation>Lock the screen after (no input):</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <source>Sign documents with the USB token</source>
        <extracomment>the batch ended; the BatchReport (or None after an error before signing)</extracomment>
        <translation>Sign documents with the USB token</translation>
    </message>
    <message>
        <source>Token library (.dll / .so) of the certificate provider</source>
        <translation>Token library (.dll / .so) of the certificate provider</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>Find tokens</source>
        <translation>Find tokens</translation>
    </message>
    <message>
        <source>Token library:</source>
        <translation>Token library:</translation>
    </message>
    <message>
        <source>Visible signature (top right of page 1)</source>
        <translation>Visible signature (top right of page 1)</translation>
    </message>
    <message>
        <source>Time-stamp (B-T): %1</source>
        <translation>Time-stamp (B-T): %1</translation>
    </message>
    <message>
        <source>No time-stamp service configured: signed as B-B, upgraded at the next sync</source>
        <translation>No time-stamp service configured: signed as B-B, upgraded at the next sync</translation>
    </message>
    <message>
        <source>Add PDF files…</source>
        <translation>Add PDF files…</translation>
    </message>
    <message>
        <source>Results awaiting signature</source>
        <translation>Results awaiting signature</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Folder for the signed files</source>
        <translation>Folder for the signed files</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Folder…</translation>
    </message>
    <message>
        <source>Save signed files in:</source>
        <translation>Save signed files in:</translation>
    </message>
    <message>
        <source>Each signed file becomes a new version in its dossier (the unsigned one is kept); the signed version is what syncs and what the citizen receives.</source>
        <translation>Each signed file becomes a new version in its dossier (the unsigned one is kept); the signed version is what syncs and what the citizen receives.</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Sign</translation>
    </message>
    <message>
        <source>Stop after this document</source>
        <translation>Stop after this document</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>1. Certificate</source>
        <translation>1. Certificate</translation>
    </message>
    <message>
        <source>2. Documents</source>
        <translation>2. Documents</translation>
    </message>
    <message>
        <source>Choose the token library of your certificate provider, then press “Find tokens”.</source>
        <translation>Choose the token library of your certificate provider, then press “Find tokens”.</translation>
    </message>
    <message>
        <source>Results awaiting signature: %1</source>
        <translation>Results awaiting signature: %1</translation>
    </message>
    <message>
        <source>No result is waiting for a signature.</source>
        <translation>No result is waiting for a signature.</translation>
    </message>
    <message>
        <source>Token library</source>
        <translation>Token library</translation>
    </message>
    <message>
        <source>PKCS#11 library (*.dll *.so *.dylib *.so.*)</source>
        <translation>PKCS#11 library (*.dll *.so *.dylib *.so.*)</translation>
    </message>
    <message>
        <source>Documents to sign</source>
        <translation>Documents to sign</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>This token has a PIN pad: type the PIN on the device when asked.</source>
        <translation>This token has a PIN pad: type the PIN on the device when asked.</translation>
    </message>
    <message>
        <source>Careful: the token says %1 PIN tries are left.</source>
        <translation>Careful: the token says %1 PIN tries are left.</translation>
    </message>
    <message>
        <source>Careful: a wrong PIN was entered on this token before.</source>
        <translation>Careful: a wrong PIN was entered on this token before.</translation>
    </message>
    <message>
        <source>Signer: %1 — %2</source>
        <translation>Signer: %1 — %2</translation>
    </message>
    <message>
        <source>Looking for tokens…</source>
        <translation>Looking for tokens…</translation>
    </message>
    <message>
        <source>No certificate found: plug the token in and press “Find tokens”.</source>
        <translation>No certificate found: plug the token in and press “Find tokens”.</translation>
    </message>
    <message>
        <source>No certificate on the token can sign now (expired, not yet valid or PIN locked).</source>
        <translation>No certificate on the token can sign now (expired, not yet valid or PIN locked).</translation>
    </message>
    <message>
        <source>Opening the token — enter the PIN when asked…</source>
        <translation>Opening the token — enter the PIN when asked…</translation>
    </message>
    <message>
        <source>Stopping after the current document…</source>
        <translation>Stopping after the current document…</translation>
    </message>
    <message>
        <source>version %1 in the dossier</source>
        <translation>version %1 in the dossier</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>to be upgraded at the next sync</source>
        <translation>to be upgraded at the next sync</translation>
    </message>
    <message>
        <source>untouched</source>
        <translation>untouched</translation>
    </message>
    <message>
        <source>Signed: %1 · failed: %2 · not signed: %3</source>
        <translation>Signed: %1 · failed: %2 · not signed: %3</translation>
    </message>
    <message>
        <source>Signer: %1 — token %2</source>
        <translation>Signer: %1 — token %2</translation>
    </message>
    <message>
        <source>The token does not say how many tries are left; most tokens lock after 3 wrong PINs.</source>
        <translation>The token does not say how many tries are left; most tokens lock after 3 wrong PINs.</translation>
    </message>
    <message>
        <source>No document was signed; nothing was written.</source>
        <translation>No document was signed; nothing was written.</translation>
    </message>
</context>
<context>
    <name>SignaturesModel</name>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Signer</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>Signing time</source>
        <translation>Signing time</translation>
    </message>
    <message>
        <source>Integrity</source>
        <translation>Integrity</translation>
    </message>
    <message>
        <source>Added after signing</source>
        <translation>Added after signing</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>Trust</translation>
    </message>
    <message>
        <source>Revocation</source>
        <translation>Revocation</translation>
    </message>
    <message>
        <source>Time-stamp</source>
        <translation>Time-stamp</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>VALID</source>
        <translation>VALID</translation>
    </message>
    <message>
        <source>VALID (time-stamp)</source>
        <translation>VALID (time-stamp)</translation>
    </message>
    <message>
        <source>NOT VALID</source>
        <translation>NOT VALID</translation>
    </message>
    <message>
        <source>the signed content was altered</source>
        <translation>the signed content was altered</translation>
    </message>
    <message>
        <source>the file was changed after signing</source>
        <translation>the file was changed after signing</translation>
    </message>
    <message>
        <source>the certificate is revoked</source>
        <translation>the certificate is revoked</translation>
    </message>
    <message>
        <source>the certificate does not chain to a trusted root</source>
        <translation>the certificate does not chain to a trusted root</translation>
    </message>
    <message>
        <source>the signature cannot be verified</source>
        <translation>the signature cannot be verified</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nothing</translation>
    </message>
    <message>
        <source>validation data / time-stamps only</source>
        <translation>validation data / time-stamps only</translation>
    </message>
    <message>
        <source>more signatures or form filling</source>
        <translation>more signatures or form filling</translation>
    </message>
    <message>
        <source>annotations</source>
        <translation>annotations</translation>
    </message>
    <message>
        <source>CONTENT CHANGED</source>
        <translation>CONTENT CHANGED</translation>
    </message>
    <message>
        <source>intact</source>
        <translation>intact</translation>
    </message>
    <message>
        <source>ALTERED</source>
        <translation>ALTERED</translation>
    </message>
    <message>
        <source>trusted</source>
        <translation>trusted</translation>
    </message>
    <message>
        <source>NOT trusted</source>
        <translation>NOT trusted</translation>
    </message>
    <message>
        <source>not revoked</source>
        <translation>not revoked</translation>
    </message>
    <message>
        <source>REVOKED</source>
        <translation>REVOKED</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>not known</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>yes, trusted</source>
        <translation>yes, trusted</translation>
    </message>
    <message>
        <source>yes, NOT trusted</source>
        <translation>yes, NOT trusted</translation>
    </message>
    <message>
        <source>(signer's clock)</source>
        <translation>(signer's clock)</translation>
    </message>
</context>
<context>
    <name>SigningMenu</name>
    <message>
        <source>Si&amp;gning</source>
        <extracomment>action → the registry command it runs (the role rule)</extracomment>
        <translation>Si&amp;gning</translation>
    </message>
    <message>
        <source>Sign documents with the token…</source>
        <translation>Sign documents with the token…</translation>
    </message>
    <message>
        <source>Check signatures…</source>
        <translation>Check signatures…</translation>
    </message>
    <message>
        <source>Certified copy from the original…</source>
        <translation>Certified copy from the original…</translation>
    </message>
    <message>
        <source>Certification book…</source>
        <translation>Certification book…</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <source>%1 dossiers waiting · %2 MB · no server set up</source>
        <translation>%1 dossiers waiting · %2 MB · no server set up</translation>
    </message>
    <message>
        <source>%1 dossiers waiting · %2 MB · ~%3 min</source>
        <translation>%1 dossiers waiting · %2 MB · ~%3 min</translation>
    </message>
    <message>
        <source>Everything sent</source>
        <translation>Everything sent</translation>
    </message>
    <message>
        <source>%1 need attention</source>
        <translation>%1 need attention</translation>
    </message>
    <message>
        <source>Last successful sync: never</source>
        <translation>Last successful sync: never</translation>
    </message>
    <message>
        <source>Last successful sync: %1</source>
        <translation>Last successful sync: %1</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Export diagnostics</translation>
    </message>
</context>
<context>
    <name>ThumbnailModel</name>
    <message>
        <source>back</source>
        <translation>back</translation>
    </message>
    <message>
        <source>cropped</source>
        <translation>cropped</translation>
    </message>
    <message>
        <source>blank?</source>
        <translation>blank?</translation>
    </message>
    <message>
        <source>blank, kept</source>
        <translation>blank, kept</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <source>Looks blank: Space keeps it, Delete removes it.</source>
        <translation>Looks blank: Space keeps it, Delete removes it.</translation>
    </message>
</context>
<context>
    <name>TraceDialog</name>
    <message>
        <source>%1 dossiers</source>
        <translation>%1 dossiers</translation>
    </message>
</context>
<context>
    <name>ValidationView</name>
    <message>
        <source>Check signatures</source>
        <translation>Check signatures</translation>
    </message>
    <message>
        <source>* time from the signer's own clock (no time-stamp). Trusted roots: the desk's trust store (national root CA and the government specialised root CA).</source>
        <translation>* time from the signer's own clock (no time-stamp). Trusted roots: the desk's trust store (national root CA and the government specialised root CA).</translation>
    </message>
    <message>
        <source>Open another PDF…</source>
        <translation>Open another PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>PDF file to check</source>
        <translation>PDF file to check</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>✘ NO SIGNATURE: this file is not signed.</source>
        <translation>✘ NO SIGNATURE: this file is not signed.</translation>
    </message>
    <message>
        <source>✔ VALID: %1 signature(s), all intact and trusted.</source>
        <translation>✔ VALID: %1 signature(s), all intact and trusted.</translation>
    </message>
    <message>
        <source>✘ NOT VALID — %1 (%2 of %3 signatures not valid). Do not accept this file as signed.</source>
        <translation>✘ NOT VALID — %1 (%2 of %3 signatures not valid). Do not accept this file as signed.</translation>
    </message>
    <message>
        <source>✘ CANNOT CHECK: %1</source>
        <translation>✘ CANNOT CHECK: %1</translation>
    </message>
</context>
<context>
    <name>WorkflowBar</name>
    <message>
        <source>your role may not do this now</source>
        <translation>your role may not do this now</translation>
    </message>
</context>
<context>
    <name>WorkflowDialog</name>
    <message>
        <source>At the desk</source>
        <translation>At the desk</translation>
    </message>
    <message>
        <source>By post</source>
        <translation>By post</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>Processing officer</source>
        <translation>Processing officer</translation>
    </message>
    <message>
        <source>Result file</source>
        <translation>Result file</translation>
    </message>
    <message>
        <source>PDF or image (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)</source>
        <translation>PDF or image (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Please fill in: %1</source>
        <translation>Please fill in: %1</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Hand over</translation>
    </message>
    <message>
        <source>Request a supplement (form 02)</source>
        <translation>Request a supplement (form 02)</translation>
    </message>
    <message>
        <source>Supplement received</source>
        <translation>Supplement received</translation>
    </message>
    <message>
        <source>Delay with an apology (form 04)</source>
        <translation>Delay with an apology (form 04)</translation>
    </message>
    <message>
        <source>Result received</source>
        <translation>Result received</translation>
    </message>
    <message>
        <source>Return the result</source>
        <translation>Return the result</translation>
    </message>
    <message>
        <source>Refuse (form 03)</source>
        <translation>Refuse (form 03)</translation>
    </message>
    <message>
        <source>Stop processing (form 05)</source>
        <translation>Stop processing (form 05)</translation>
    </message>
    <message>
        <source>Withdrawn by the applicant</source>
        <translation>Withdrawn by the applicant</translation>
    </message>
    <message>
        <source>What is missing:</source>
        <translation>What is missing:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Note:</translation>
    </message>
    <message>
        <source>Hand over to:</source>
        <translation>Hand over to:</translation>
    </message>
    <message>
        <source>Agency (inter-agency):</source>
        <translation>Agency (inter-agency):</translation>
    </message>
    <message>
        <source>Received by:</source>
        <translation>Received by:</translation>
    </message>
    <message>
        <source>New due date:</source>
        <translation>New due date:</translation>
    </message>
    <message>
        <source>Result file:</source>
        <translation>Result file:</translation>
    </message>
    <message>
        <source>Returned:</source>
        <translation>Returned:</translation>
    </message>
    <message>
        <source>Postal item no.:</source>
        <translation>Postal item no.:</translation>
    </message>
    <message>
        <source>Ask supplement</source>
        <translation>Ask supplement</translation>
    </message>
    <message>
        <source>Supplement in</source>
        <translation>Supplement in</translation>
    </message>
    <message>
        <source>Delay (04)</source>
        <translation>Delay (04)</translation>
    </message>
    <message>
        <source>Result in</source>
        <translation>Result in</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <source>Stop (05)</source>
        <translation>Stop (05)</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Withdraw</translation>
    </message>
</context>
<context>
    <name>_DetailButtons</name>
    <message>
        <source>Sign…</source>
        <translation>Sign…</translation>
    </message>
    <message>
        <source>Check signatures…</source>
        <translation>Check signatures…</translation>
    </message>
    <message>
        <source>Certified copy…</source>
        <translation>Certified copy…</translation>
    </message>
    <message>
        <source>Choose a PDF file in the “Files” tab first.</source>
        <translation>Choose a PDF file in the “Files” tab first.</translation>
    </message>
</context>
</TS>
