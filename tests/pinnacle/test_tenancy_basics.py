import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_unknown_host_is_404(partnership):
    response = client_for(partnership).get("/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404


def test_each_host_serves_its_own_partnership(partnership, other_partnership):
    home = client_for(partnership).get("/")
    other = client_for(other_partnership).get("/")
    assert "Pinnacle Partnerships" in home.text and "Harbor Alliance" not in home.text
    assert "Harbor Alliance" in other.text and "Pinnacle Partnerships" not in other.text


def test_intro_statement_accepts_only_its_placeholders(partnership):
    from django.core.exceptions import ValidationError

    partnership.intro_statement = "At {partnership}, I specialize in {specialization}"
    partnership.full_clean()
    assert partnership.render_intro_statement("condos.") == (
        "At Pinnacle Partnerships, I specialize in condos."
    )
    partnership.intro_statement = "Hello {name}"
    with pytest.raises(ValidationError, match="placeholders"):
        partnership.full_clean()
