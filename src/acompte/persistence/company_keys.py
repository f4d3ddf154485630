"""Company keys: every statement on a company's rows names its company.

`company_id` is the security boundary and the distribution key (DESIGN §3.7): a PostgreSQL cluster sharded by
company (Citus) routes a statement to one node only when it filters on it, and a statement that forgets it could
reach another company's rows. The ORM writes rows it has loaded by their mapper key: `keyed_by_company` makes that
key (company_id, own key) for every company table, so its UPDATE and DELETE carry the company too.

`unkeyed_tables` is the check the tests apply to every statement they send (tests/conftest.py): a statement that
touches a company table without naming `company_id` fails the test that sent it. The few statements that span
companies by design (schema migrations, whole-database verification and backups) say so with the execution
option `CROSS_COMPANY`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm.properties import MappedColumn

#: Execution option of a statement that spans companies on purpose.
CROSS_COMPANY = "acompte_cross_company"
#: The same, as keyword arguments of `execution_options` for a connection or engine that reads the whole database.
WHOLE_DATABASE = {CROSS_COMPANY: True}

#: Tables shared by every company: the companies themselves and the people who log in.
GLOBAL_TABLES = frozenset({"companies", "users", "login_attempts", "login_locks"})

_TABLE_AFTER = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)
#: A condition on the company: `company_id = …`, `… = x.company_id`, `company_id IN (…)` or `= ANY(…)`.
_CONDITION = re.compile(r"company_id\"?\s*(?:=|IN\s*\(|==)|=\s*[\w.\"]*company_id\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?\s*\(([^)]*)\)(.*)$", re.IGNORECASE | re.DOTALL)


def keyed_by_company(cls: type) -> dict[str, Any]:
    """`__mapper_args__` of a table class: its mapper key starts with `company_id` when the table has one that
    its primary key leaves out (the table's own primary key, and so its autoincrement, stays as declared)."""
    columns = {name: value.column for name, value in vars(cls).items() if isinstance(value, MappedColumn)}
    own_key = [name for name, column in columns.items() if column.primary_key]
    if "company_id" in columns and "company_id" not in own_key:
        return {"primary_key": ["company_id", *own_key]}
    return {}


def unkeyed_tables(statement: str, company_tables: Iterable[str]) -> set[str]:
    """The company tables a SQL statement reads or writes without a condition on `company_id` (empty if keyed).
    An INSERT of values is keyed when it writes the column; any other statement needs the condition."""
    insert = _INSERT.match(statement)
    if insert and "company_id" in insert.group(2):
        # rows of values (also as SQLAlchemy's `SELECT … FROM (VALUES …)`); a copy from other tables needs more
        statement = insert.group(3)
    if _CONDITION.search(statement):
        return set()
    tables = set(_TABLE_AFTER.findall(statement)) & set(company_tables)
    if insert and not tables and "company_id" not in insert.group(2):
        return {insert.group(1)} & set(company_tables)
    return tables
