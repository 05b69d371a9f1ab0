# A policy for GeneratedFilterColumnIT only: alice may read and write anything, her rows
# filtered to region EU; on sales.regional_notes region is a generated column, computed by
# PostgreSQL from country. Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["generated filter test policy: only alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: {"row_filters": [{"column": "region", "op": "in", "values": ["EU"]}]} |
		some relation in input.statement.relations
		key := concat(".", [relation.catalog, relation.schema, relation.table])
	},
	"policies": ["generated_filter_test.alice"],
} if {
	input.subject.user == "alice"
}
