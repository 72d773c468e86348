"""Signed links for the member's clients, who have no password. Each kind has its own salt, so
no other signed value of the portal (a prospect's access link, a customer's page) opens one:

- the satisfaction survey link (one survey, `SURVEY_LINK_DAYS` days).
"""

from __future__ import annotations

from typing import NamedTuple

from django.core import signing
from django.urls import reverse

SURVEY_SALT = "advocates.satisfaction-survey"
SURVEY_LINK_DAYS = 60
SURVEY_MAX_AGE = SURVEY_LINK_DAYS * 24 * 60 * 60


class SurveyToken(NamedTuple):
    partnership_id: int
    survey_id: int


def make_survey_token(survey) -> str:
    return signing.dumps({"p": survey.partnership_id, "s": survey.pk}, salt=SURVEY_SALT)


def read_survey_token(token: str) -> SurveyToken:
    """Raises signing.BadSignature when forged, malformed or expired (SignatureExpired)."""
    data = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_MAX_AGE)
    try:
        return SurveyToken(int(data["p"]), int(data["s"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("Not a survey link.") from exc


def survey_url(survey) -> str:
    path = reverse("satisfaction_survey", args=[make_survey_token(survey)])
    return survey.partnership.absolute_url(path)
