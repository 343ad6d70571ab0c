"""Intake at the desk: receive / refuse a dossier, the applicant rules, the card image, receipts.

``from desk_app.services import intake`` then ``intake.receive(ctx, req)``: the public names of
``receive.py`` and ``applicant.py`` are re-exported here.
"""
from desk_app.services.intake.applicant import (QrFill, email_problem, fill_from_qr,
                                                looks_like_qr_payload, merge_qr, parse_birth_date,
                                                phone_problem)
from desk_app.services.intake.receive import (FieldProblem, IntakeRequest, fee_for,
                                              find_applicant, normalise_phone, receive, refuse,
                                              validate)

__all__ = ["FieldProblem", "IntakeRequest", "QrFill", "email_problem", "fee_for", "fill_from_qr",
           "find_applicant", "looks_like_qr_payload", "merge_qr", "normalise_phone",
           "parse_birth_date", "phone_problem", "receive", "refuse", "validate"]
