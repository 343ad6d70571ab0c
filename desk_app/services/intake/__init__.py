"""Intake at the desk: receive / refuse a dossier, the applicant rules, the card image, receipts.

``from desk_app.services import intake`` then ``intake.receive(ctx, req)``: the public names of
``receive.py`` are re-exported here.
"""
from desk_app.services.intake.receive import (FieldProblem, IntakeRequest, fee_for,
                                              find_applicant, normalise_phone, receive, refuse,
                                              validate)

__all__ = ["FieldProblem", "IntakeRequest", "fee_for", "find_applicant", "normalise_phone",
           "receive", "refuse", "validate"]
