# A policy for JsonOperatorsIT only: carol reads docs.profiles unrestricted; alice sees only
# region EU, the jsonb column contact masked to a constant document and secret denied.
# Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["json test policy: only carol and alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: shape | some relation in input.statement.relations; key := concat(".", [relation.catalog, relation.schema, relation.table]); shape := relation_shape},
	"policies": ["json_test.allow"],
} if {
	input.subject.user in {"carol", "alice"}
}

relation_shape := {} if input.subject.user == "carol"

relation_shape := {
	"row_filters": [{"column": "region", "op": "in", "values": ["EU"]}],
	"column_masks": {"contact": {"function": "constant", "value": "{\"email\": \"hidden\"}"}},
	"denied_columns": ["secret"],
} if input.subject.user == "alice"
