# METADATA
# title: Test fixtures
# description: >-
#   The demo users and policy inputs shaped exactly as Meshgate sends them, shared by the
#   global and the domain tests.
package meshgate_test.fixtures

users := {
	"alice": {"user": "alice", "groups": ["analysts"], "attributes": {"region": "EU"}},
	"bob": {"user": "bob", "groups": ["weather_team"], "attributes": {}},
	"carol": {"user": "carol", "groups": ["data_scientists"], "attributes": {}},
	"dave": {"user": "dave", "groups": ["auditors"], "attributes": {}},
}

context := {
	"database": "mesh",
	"client_address": "127.0.0.1",
	"application_name": "opa test",
	"session_id": "test-session",
	"time": "2026-11-21T10:15:00Z",
}

# subject(user, groups, attributes) is a subject that is not one of the demo users.
subject(user, groups, attributes) := {"user": user, "groups": groups, "attributes": attributes}

# relation(schema, table, access) is a relation of the mesh with every column its data
# product declares, all of them referenced (as for SELECT *).
relation(schema, table, access) := relation_with_columns(schema, table, access, columns) if {
	columns := sort(object.keys(data.meshgate.domains[schema].metadata.products[table].columns))
}

relation_with_columns(schema, table, access, columns) := {
	"catalog": "mesh",
	"schema": schema,
	"table": table,
	"access": access,
	"columns": columns,
	"referenced_columns": columns,
}

statement(subject, kind, relations) := {
	"version": 1,
	"subject": subject,
	"context": context,
	"statement": {"kind": kind, "ddl_action": "", "relations": relations},
}

# ddl(subject, action, relations) is a DDL statement as Meshgate sends it: every target with
# access ddl.
ddl(subject, action, relations) := {
	"version": 1,
	"subject": subject,
	"context": context,
	"statement": {"kind": "ddl", "ddl_action": action, "relations": relations},
}

# ddl_target(schema, table, columns, referenced) is a target of a DDL statement: the table's
# columns as they are now (none for a table being created) and the columns the statement names.
ddl_target(schema, table, columns, referenced) := {
	"catalog": "mesh",
	"schema": schema,
	"table": table,
	"access": "ddl",
	"columns": columns,
	"referenced_columns": referenced,
}

# read(user, schema, table) is a SELECT by a demo user of one data product.
read(user, schema, table) := statement(users[user], "select", [relation(schema, table, "read")])

# read_as(subject, schema, table) is a SELECT of one data product by any subject.
read_as(subject, schema, table) := statement(subject, "select", [relation(schema, table, "read")])
