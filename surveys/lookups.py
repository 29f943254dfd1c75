"""`id__in=[…]` with a number past what an integer column holds matches nothing, on SQLite too.

Django leaves such a number out of `exact`, `gt`, `lt`… itself (a lookup that can match nothing),
but not out of `in`, and SQLite's driver cannot bind an integer past 64 bits (OverflowError).
The admin looks posted ids up with `in` — a list's checked rows, an account box, a form's
groups — so a form sent back with 99999999999999999999999 in such a field was a 500 on the
embedded database (PostgreSQL compares it and finds nothing). Registered on IntegerField, which
every integer key (AutoField, BigAutoField) inherits; imported by the app's ready().
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
