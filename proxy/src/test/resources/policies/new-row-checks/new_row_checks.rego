# A policy for NewRowChecksIT only: alice may read and write anything, with row filters that
# test the check of new rows: on sales.regional_notes region IN ('EU'), where region is a
# generated column computed by PostgreSQL from country; on sales.store_transactions
# amount < 10000, where amount is a numeric(12,2) that PostgreSQL rounds on assignment; on
# sales.icu_names_structured and sales.icu_names_expression name < 'n', where name is a text
# column whose collation is not the database's default and orders some names otherwise.
# Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["new row checks test policy: only alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: {"row_filters": [row_filter(relation.table)]} |
		some relation in input.statement.relations
		key := concat(".", [relation.catalog, relation.schema, relation.table])
	},
	"policies": ["new_row_checks_test.alice"],
} if {
	input.subject.user == "alice"
}

row_filter("store_transactions") := {"expression": "amount < 10000"}

row_filter("icu_names_structured") := {"column": "name", "op": "<", "values": ["n"]}

row_filter("icu_names_expression") := {"expression": "name < 'n'"}

row_filter(table) := {"column": "region", "op": "in", "values": ["EU"]} if {
	not table in {"store_transactions", "icu_names_structured", "icu_names_expression"}
}
