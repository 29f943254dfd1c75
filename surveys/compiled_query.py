"""A queryset compiled to SQL once per database, then run again with new parameters.

Django builds and compiles a queryset's SQL on every evaluation; on the submission path, which
runs a few fixed look-ups per request, that costs more than the database round trips themselves
(about 1 ms against 0.25 ms per query on the 2-core benchmark machine, see BENCHMARKS.md). A
`CompiledQuery` is written as an ordinary `values_list` queryset with placeholders; the ORM
compiles it the first time it runs on a database connection (so the SQL is the backend's own,
quoting and parameter adaptation included), and each later run only executes that SQL and applies
the same value converters the ORM would (datetimes on SQLite, JSON, booleans).

Only for querysets whose SQL does not depend on the values: filters on equality with
placeholders (strings, integers or UUIDs), never `__in` a list of varying length or a None that
would become IS NULL. Constants written into the queryset (excluded=False) stay as they are.
"""

import uuid
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet, sql
from django.db.models.constants import OnConflict


class CompiledQuery:
    """`build(*placeholders)` returns a values_list queryset; call `.rows(*values)` to run it."""

    def __init__(self, build: Callable[..., QuerySet], arity: int, *, sample: Sequence[object]):
        # `sample`: values of the right types for the compile run (a token, an id): some fields
        # check their lookup value's type while the query is built.
        if len(sample) != arity:
            raise ValueError("sample must give one value per placeholder")
        self._build = build
        self._arity = arity
        self._markers = [_marker(value, i) for i, value in enumerate(sample)]
        self._compiled: dict[str, tuple] = {}  # database alias → (sql, param order, compiler, converters)

    def _compile(self, using: str):
        # Compile with distinct marker values of the sample's types, then map each compiled
        # parameter back to the placeholder it came from.
        markers = self._markers
        queryset = self._build(*markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # Each compiled parameter is either a placeholder's (its index, and how the backend
        # wants the value: as it is, or a UUID as 32 hex digits where there is no uuid type) or
        # a constant of the query itself, such as excluded=False (kept as it is).
        order = []
        for param in params:
            matches = [(i, form) for i, marker in enumerate(markers) if (form := _form(param, marker))]
            order.append(matches[0] if matches else (None, param))
        missing = set(range(self._arity)) - {index for index, _ in order if index is not None}
        if missing:
            raise ValueError(f"placeholders {sorted(missing)} do not reach the compiled query")
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        compiled = (sql, tuple(order), compiler, converters)
        self._compiled[using] = compiled
        return compiled

    def rows(self, *values, using: str = "default") -> list[tuple]:
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        compiled = self._compiled.get(using) or self._compile(using)
        sql, order, compiler, converters = compiled
        params = [
            ref if index is None else values[index] if ref is _AS_IS else values[index].hex
            for index, ref in order
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(fetched, converters)]
        return fetched


def _marker(sample: object, index: int) -> object:
    """A value of the sample's type that no other placeholder shares."""
    if isinstance(sample, bool):
        raise TypeError("a boolean placeholder cannot be told apart; write the constant in the query")
    if isinstance(sample, int):
        return -(10**15) - index
    if isinstance(sample, str):
        return f"\x00compiled-query-placeholder-{index}\x00"
    if isinstance(sample, uuid.UUID):
        return uuid.UUID(int=0xC0_4D1ED_0000 + index)
    raise TypeError(f"placeholders of type {type(sample).__name__} are not supported")


_AS_IS = "as is"
_HEX = "hex"


def _form(param: object, marker: object) -> str | None:
    """How a compiled parameter holds the marker: _AS_IS, _HEX (a UUID on a database without a
    uuid type, such as SQLite) or None when it is not this marker."""
    if type(param) is type(marker) and param == marker:
        return _AS_IS
    if isinstance(marker, uuid.UUID) and param == marker.hex:
        return _HEX
    return None


class CompiledInsert:
    """INSERT of one model instance with every concrete field, its SQL compiled once per database.

    Each run prepares the values exactly as `Model.save(force_insert=True)` does (each field's
    `pre_save` and `get_db_prep_save`, through the ORM's own insert compiler) and executes the
    stored SQL. No signals are sent: only for models that have no receivers.

    With `ignore_conflicts`, a row whose primary key (or another unique value) is already taken
    is not inserted, without an error, as with bulk_create(ignore_conflicts=True): `insert`
    returns False. Otherwise such a row raises IntegrityError, as with save().
    """

    def __init__(self, model, *, ignore_conflicts: bool = False):
        self._model = model
        self._fields = [f for f in model._meta.concrete_fields]
        self._on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str, instance):
        query = sql.InsertQuery(self._model, on_conflict=self._on_conflict)
        query.insert_values(self._fields, [instance])
        compiler = query.get_compiler(using=using)
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ValueError("expected a single INSERT statement")
        compiled = (statements[0][0], compiler)
        self._compiled[using] = compiled
        return compiled

    @property
    def fields(self) -> list:
        """The model's concrete fields, in the order of the INSERT's columns and `values`."""
        return self._fields

    def values(self, instance, using: str = "default") -> list:
        """The instance's value of each field, prepared as the INSERT sends it (each field's
        `pre_save` applied, so auto_now fields are set on the instance)."""
        _sql, compiler = self._compiled.get(using) or self._compile(using, instance)
        return [compiler.prepare_value(f, compiler.pre_save_val(f, instance)) for f in self._fields]

    def insert(self, instance, using: str = "default") -> bool:
        """Insert the instance; False when a conflict was ignored (nothing stored)."""
        sql_text, _compiler = self._compiled.get(using) or self._compile(using, instance)
        params = self.values(instance, using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql_text, params)
            inserted = cursor.rowcount == 1
        if inserted:
            instance._state.adding = False
            instance._state.db = using
        return inserted
