# A policy for PostgresOperatorsIT only: carol reads docs.profiles unrestricted; alice sees only
# region EU, the jsonb column contact masked to a constant document, the text column bio masked
# to a constant text, and secret denied.
# Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["operators test policy: only carol and alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: shape | some relation in input.statement.relations; key := concat(".", [relation.catalog, relation.schema, relation.table]); shape := relation_shape},
	"policies": ["operators_test.allow"],
} if {
	input.subject.user in {"carol", "alice"}
}

relation_shape := {} if input.subject.user == "carol"

relation_shape := {
	"row_filters": [{"column": "region", "op": "in", "values": ["EU"]}],
	"column_masks": {
		"contact": {"function": "constant", "value": "{\"email\": \"hidden\"}"},
		"bio": {"function": "constant", "value": "hidden profile"},
	},
	"denied_columns": ["secret"],
} if input.subject.user == "alice"
