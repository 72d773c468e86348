"""The database connection is set up for short indexed queries."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresqls_jit_compiler_is_off_for_the_portals_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
