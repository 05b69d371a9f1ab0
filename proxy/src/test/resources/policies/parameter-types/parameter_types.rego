package meshgate

import rego.v1

# ParameterTypesIT: alice may read and write everything; sales.store_transactions has a row
# filter and a mask, so its writes are rewritten (new-row checks, masks in RETURNING and WHERE),
# and sales.plain_transactions has neither, so its writes pass as the client wrote them.
default decision := {"allow": false, "deny_reasons": ["parameter types test policy: only alice"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {key: governance(relation.table) |
		some relation in input.statement.relations
		key := concat(".", [relation.catalog, relation.schema, relation.table])
	},
	"policies": ["parameter_types_test.alice"],
} if {
	input.subject.user == "alice"
}

governance("store_transactions") := {
	"row_filters": [{"column": "region", "op": "in", "values": ["EU"]}],
	"column_masks": {"customer_email": {"function": "email", "policy": "parameter_types_test.email"}},
}

governance(table) := {} if not table == "store_transactions"
