"""Querysets of a fixed shape whose SQL is built once per process, not once per request.

Building and compiling the SQL of a page's main query (joins, the columns of ``only()``,
subqueries) costs the ORM several milliseconds, ten to twenty times what the database then
takes to run it, and the statement differs between requests only in its parameter values: the
slug asked for and the time "now". A prepared query is a function that builds a queryset from
its arguments, decorated with ``@prepared``. The first call in a process builds it twice with
marker values of the argument types its signature names (``str``, ``int`` or ``datetime``) and
keeps the SQL and where each argument's value sits among the parameters; every call then runs
that SQL with its own values through Django's own compiler state, so model instances,
``select_related``, ``only()``, annotations and ``prefetch_related`` come out as from the
queryset itself.

The two builds must give the same SQL with the same parameters except the arguments': a value
that is not an argument but differs between builds (a ``timezone.now()`` inside the function)
would be frozen at the first call, and is refused. An argument that does not reach the SQL as a
parameter of its own (``__in`` lists, ``LIKE`` patterns, values the SQL inlines) is refused too:
such queries stay ordinary querysets. (django-prepared-queries does the same for Django 1.x
and is no longer maintained.)

On PostgreSQL each connection also has the server prepare these statements, so that they are
planned once, not at every request (``prepared_statements``, read by newsroom/postgresql/base.py).

Lists are read a page at a time (``query.page(offset, limit, ...)``, with ``LIMIT`` and
``OFFSET`` as parameters) and counted up to a bound (``query.count_upto(limit, ...)``); a
``PreparedList`` gives a paginator both.
"""

import copy
import inspect
import threading
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from functools import update_wrapper

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# The SQL of every statement built here: the database backend has the server prepare these.
prepared_statements = set()


def prepared(build=None, *, on_server=True, make=None):
    """Decorate ``build(**arguments) -> QuerySet``; calling the result returns the list of what
    the queryset holds for those arguments, or of ``make(item)`` for each (rows of a
    ``values_list()`` made into objects of one's own). ``on_server=False`` keeps PostgreSQL from
    preparing the statements (planned for each call's values, as an ordinary query is): for a
    query whose generic plan was found slower than a plan for the values."""
    if build is None:
        return lambda build: PreparedQuery(build, on_server=on_server, make=make)
    return PreparedQuery(build, on_server=on_server, make=make)


class PreparedQuery:
    def __init__(self, build, *, on_server=True, make=None):
        self.build = build
        self.on_server = on_server
        self.make = make
        self.signature = inspect.signature(build)
        self.arguments = {}
        for name, parameter in self.signature.parameters.items():
            if parameter.annotation not in MARKERS:
                raise ImproperlyConfigured(
                    f"{build.__qualname__}: argument {name!r} needs a type the SQL can take as parameters "
                    "(str, int, datetime or list[int])."
                )
            self.arguments[name] = parameter.annotation
        # One statement per length of each list argument: ``IN (%s, %s)`` has a place per value.
        self.statements = {}
        self.lock = threading.Lock()
        update_wrapper(self, build)

    def __call__(self, *args, **kwargs):
        return self._run(PLAIN, *args, **kwargs)

    def __deepcopy__(self, memo):
        return self  # a function, shared like one (forms and filters deep-copy what they hold)

    def page(self, offset, limit, /, *args, **kwargs):
        """The rows ``offset`` to ``offset + limit`` of what the queryset holds, by the same
        SQL whatever the page (``LIMIT`` and ``OFFSET`` are parameters too)."""
        return self._run(PAGE, *args, window=(limit, offset), **kwargs)

    def count_upto(self, limit, /, *args, **kwargs):
        """How many rows the queryset holds, counted up to ``limit`` at most (so that counting
        costs no more than reading that many)."""
        return self._run(COUNT, *args, window=(limit,), **kwargs)

    def _run(self, shape, *args, window=(), **kwargs):
        values = self.signature.bind(*args, **kwargs).arguments
        lengths = tuple(len(values[name]) for name, kind in self.arguments.items() if kind == LIST)
        if 0 in lengths:  # the ORM runs no query for "in an empty list"
            return self._made(shape, shape.empty(self.build(**values), *window))
        statement = self.statements.get((shape, lengths)) or self._prepare(shape, lengths)
        params = list(statement.params)
        for position, name, index in statement.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = _adapt(statement.alias, value)
        params += window
        if shape is COUNT:
            with connections[statement.alias].cursor() as cursor:
                cursor.execute(statement.sql, params)
                return cursor.fetchone()[0]
        compiler = copy.copy(statement.compiler)
        compiler.connection = connections[statement.alias]
        compiler.as_sql = lambda *args, **kwargs: (statement.sql, tuple(params))
        compiler.get_converters = lambda expressions: statement.converters
        queryset = statement.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return self._made(shape, list(queryset))

    def _made(self, shape, found):
        if self.make is None or shape is COUNT:
            return found
        return [self.make(item) for item in found]

    def _prepare(self, shape, lengths):
        """Build the queryset with two sets of markers and compare: only the arguments may differ."""
        with self.lock:
            if (shape, lengths) not in self.statements:
                builds = (self._compile(shape, self._markers(variant, lengths)) for variant in (1, 2))
                statement = self.statements[shape, lengths] = self._compare(*builds)
                if self.on_server:
                    prepared_statements.add(statement.sql)
        return self.statements[shape, lengths]

    def _compile(self, shape, markers):
        queryset = self.build(**markers).all()
        if shape is not PLAIN and queryset.query.is_sliced:
            raise ImproperlyConfigured(
                f"{self.build.__qualname__}: a query asked for by pages or counted must not be sliced itself."
            )
        queryset = shape.queryset(queryset)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        sql = shape.sql(sql)
        places = {}
        for name, marker in markers.items():
            for index, value in enumerate(marker) if isinstance(marker, list) else [(None, marker)]:
                places[_adapt(queryset.db, value)] = (name, index)
        return queryset, compiler, sql, list(params), places

    def _compare(self, build, other):
        (queryset, compiler, sql, params, first), (_, _, other_sql, other_params, second) = build, other
        name = self.build.__qualname__
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"{name}: the SQL depends on the arguments' values; it cannot be prepared.")
        slots = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            place = first.get(one) if isinstance(one, Hashable) else None
            if place is not None and second.get(two) == place:
                slots.append((position, *place))
            elif one != two:
                raise ImproperlyConfigured(
                    f"{name}: parameter {position} ({one!r}) changes from call to call but is not an argument "
                    "as it was given: take times as arguments, and pass arguments to plain comparisons "
                    "(not in patterns or functions)."
                )
        missing = set(first.values()) - {(argument, index) for _, argument, index in slots}
        if missing:
            missing = sorted({argument for argument, _ in missing})
            raise ImproperlyConfigured(f"{name}: {', '.join(missing)} did not reach the SQL as parameters.")
        return Statement(queryset, compiler, sql, tuple(params), tuple(slots))

    def _markers(self, variant, lengths):
        lengths = iter(lengths)
        markers = {}
        for number, (name, kind) in enumerate(self.arguments.items(), start=1):
            number = variant * 1_000_000 + number * 1000
            if kind == LIST:
                markers[name] = [MARKERS[LIST](number + index) for index in range(next(lengths))]
            else:
                markers[name] = MARKERS[kind](number)
        return markers


class PreparedList:
    """What a prepared query holds for ``arguments``, as a paginator takes it: sliced, it reads
    that page; counted, it counts up to the bound the paginator asks for (``count_upto``)."""

    def __init__(self, query, **arguments):
        self.query = query
        self.arguments = arguments

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None or (index.start or 0) < 0 or index.stop is None:
            raise TypeError("A prepared list is read by slices with a start and a stop.")
        start = index.start or 0
        return self.query.page(start, max(0, index.stop - start), **self.arguments)

    def count_upto(self, limit):
        return self.query.count_upto(limit, **self.arguments)


class Statement:
    """A prepared query's SQL, its parameters with markers in the arguments' places (``slots``:
    position, argument name and index in a list argument or None), and the queryset and
    compiler state that make the rows into model instances."""

    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.alias = queryset.db
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots
        # How each column's values are converted (times made aware, JSON decoded), worked out
        # once: the columns are the same at every call. (The database backend's converters take
        # the connection as an argument, and read only settings from their own.)
        self.converters = compiler.get_converters([column for column, *_ in compiler.select[: compiler.col_count]])


def _adapt(alias, value):
    """``value`` as the database driver takes it, as the compiler would have written it."""
    if isinstance(value, datetime):
        return connections[alias].ops.adapt_datetimefield_value(value)
    return value


class Shape:
    """What a call asks of the queryset: its rows (``PLAIN``), one page of them (``PAGE``, the
    SQL ending in ``LIMIT %s OFFSET %s``) or how many there are up to a limit (``COUNT``)."""

    def __init__(self, name, queryset, sql, empty):
        self.name = name
        self.queryset = queryset
        self.sql = sql
        self.empty = empty

    def __repr__(self):
        return f"<Shape {self.name}>"


PLAIN = Shape("plain", lambda queryset: queryset, lambda sql: sql, lambda queryset: list(queryset))
PAGE = Shape(
    "page",
    lambda queryset: queryset,
    lambda sql: f"{sql} LIMIT %s OFFSET %s",
    lambda queryset, limit, offset: list(queryset[offset : offset + limit]),
)
# Counted over the key alone, in no order: SQLite and PostgreSQL then count from an index.
COUNT = Shape(
    "count",
    lambda queryset: queryset.order_by().values("pk"),
    lambda sql: f"SELECT COUNT(*) FROM ({sql} LIMIT %s) counted",
    lambda queryset, limit: queryset.order_by()[:limit].count(),
)

LIST = list[int]
# Values no page asks for, one per argument (and item of a list argument) and build.
MARKERS = {
    str: lambda number: f"\x1fprepared-{number}\x1f",
    int: lambda number: -(2**40) - number,
    LIST: lambda number: -(2**40) - number,
    datetime: lambda number: datetime(1901, 1, 1, tzinfo=UTC) + timedelta(microseconds=number),
}


def set_prefetched(instance, **related):
    """Give ``instance`` the objects of each reverse foreign key named in ``related`` (a list
    each), as ``prefetch_related`` would: ``instance.<name>.all()`` returns them with no query.
    For objects fetched by a prepared query of their own."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in related.items():
        relation = instance._meta.get_field(name)
        loaded = relation.related_model._default_manager.get_queryset()
        loaded._result_cache = list(objects)
        loaded._prefetch_done = True
        cache[relation.cache_name] = loaded
