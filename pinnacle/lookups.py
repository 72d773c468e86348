"""Lookups PostgreSQL plans better than Django's own spelling of them."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """`column = ANY(ARRAY(subquery))`: PostgreSQL computes the array first, then fetches the
    rows by their index, whatever their number in the table. `column IN (subquery)` is a join
    to the planner, which may prefer reading every row of the table to hash it."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
