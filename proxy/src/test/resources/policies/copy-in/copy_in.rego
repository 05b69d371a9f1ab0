# A policy for CopyFromStdinIT only: carol may run anything on sales.stores, including
# COPY FROM STDIN; alice may too, but her rows are filtered to region EU, which Meshgate
# cannot apply to copied rows. Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["copy test policy: only carol and alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: shape | some relation in input.statement.relations; key := concat(".", [relation.catalog, relation.schema, relation.table]); shape := relation_shape},
	"policies": ["copy_test.allow"],
} if {
	input.subject.user in {"carol", "alice"}
}

relation_shape := {} if input.subject.user == "carol"

relation_shape := {"row_filters": [{"column": "region", "op": "in", "values": ["EU"]}]} if input.subject.user == "alice"
