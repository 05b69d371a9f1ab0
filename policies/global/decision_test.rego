package meshgate_test

import data.meshgate
import data.meshgate_test.fixtures

# --- default deny ------------------------------------------------------------------------

test_schema_without_domain_is_denied if {
	input_value := fixtures.statement(fixtures.users.carol, "select", [fixtures.relation_with_columns("public", "orders", "read", ["id"])])
	decision := meshgate.decision with input as input_value
	decision.allow == false
	decision.deny_reasons == ["mesh.public.orders: schema public is not a domain of the mesh (default deny)"]
	decision.relations == {}
}

test_table_that_is_not_a_data_product_is_denied if {
	input_value := fixtures.statement(fixtures.users.carol, "select", [fixtures.relation_with_columns("sales", "refunds", "read", ["id"])])
	decision := meshgate.decision with input as input_value
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.refunds: table refunds is not a data product of domain sales (default deny)"]
}

test_catalog_outside_the_mesh_is_denied if {
	relation := object.union(fixtures.relation("sales", "stores", "read"), {"catalog": "scratch"})
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "select", [relation])
	decision.allow == false
	decision.deny_reasons == ["scratch.sales.stores: catalog scratch is not governed by the mesh (default deny)"]
}

test_names_with_dots_are_denied if {
	relation := fixtures.relation_with_columns("sales", "stores.eu", "read", ["store_id"])
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "select", [relation])
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores.eu: a name containing a dot cannot be governed (default deny)"]
}

test_package_that_is_not_a_domain_is_not_asked if {
	# data.meshgate.domains.sales_test exists (the sales tests) but publishes no metadata.
	input_value := fixtures.statement(fixtures.users.carol, "select", [fixtures.relation_with_columns("sales_test", "stores", "read", ["store_id"])])
	decision := meshgate.decision with input as input_value
	decision.deny_reasons == ["mesh.sales_test.stores: schema sales_test is not a domain of the mesh (default deny)"]
}

test_statement_without_relations_is_allowed if {
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.bob, "select", [])
	decision == {"allow": true, "deny_reasons": [], "relations": {}, "policies": []}
}

test_every_relation_must_be_allowed if {
	relations := [fixtures.relation("weather", "daily_temperatures", "read"), fixtures.relation("weather", "stations_raw", "read")]
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "select", relations)
	decision.allow == false
	decision.deny_reasons == ["weather.stations_raw is restricted to the weather domain team"]
}

test_relations_of_several_domains if {
	relations := [
		fixtures.relation("weather", "daily_temperatures", "read"),
		fixtures.relation("sales", "stores", "read"),
		fixtures.relation("customers", "customers", "read"),
	]
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.alice, "select", relations)
	decision.allow == true
	object.keys(decision.relations) == {"mesh.weather.daily_temperatures", "mesh.sales.stores", "mesh.customers.customers"}
	decision.policies == ["customers.regional_readers", "global.pii.birth_date", "global.pii.email", "global.pii.phone", "sales.regional_readers", "weather.open_products"]
}

# --- statement kinds and write access ------------------------------------------------------

test_writes_need_a_grant_of_their_access if {
	# carol reads sales.stores, and no rule grants her any write
	every access in ["insert", "update", "delete"] {
		decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, access, [fixtures.relation("sales", "stores", access)])
		decision.allow == false
		decision.deny_reasons == [sprintf("mesh.sales.stores: no rule of domain sales grants %s access (default deny)", [access])]
	}
}

test_write_access_inside_a_select_is_denied if {
	# e.g. a data-modifying CTE: the statement is a select, one relation is written.
	subject := fixtures.subject("sam", ["sales_team"], {})
	relations := [fixtures.relation("sales", "store_transactions", "read"), fixtures.relation("sales", "store_transactions", "insert")]
	decision := meshgate.decision with input as fixtures.statement(subject, "select", relations)
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.store_transactions: insert access in a select statement is not allowed (rule global.statement_kinds)"]
	"global.statement_kinds" in decision.policies
}

test_a_locking_select_needs_update_on_the_locked_table if {
	# SELECT ... FOR UPDATE: Meshgate asks for update besides read on each locked table
	relations := [fixtures.relation("sales", "store_transactions", "read"), fixtures.relation("sales", "store_transactions", "update")]
	alice := meshgate.decision with input as fixtures.statement(fixtures.users.alice, "select", relations)
	alice.allow == true
	alice.relations["mesh.sales.store_transactions"].row_filters == [{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.regional_readers"}]
	"sales.regional_writers" in alice.policies

	# dave reads every sale but may not update them, so he may not lock them either
	dave := meshgate.decision with input as fixtures.statement(fixtures.users.dave, "select", relations)
	dave.allow == false
	dave.deny_reasons == ["mesh.sales.store_transactions: no rule of domain sales grants update access (default deny)"]
}

test_only_update_access_fits_a_locking_select if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	every access in ["insert", "delete"] {
		relations := [fixtures.relation("sales", "store_transactions", "read"), fixtures.relation("sales", "store_transactions", access)]
		decision := meshgate.decision with input as fixtures.statement(subject, "select", relations)
		decision.allow == false
		decision.deny_reasons == [sprintf("mesh.sales.store_transactions: %s access in a select statement is not allowed (rule global.statement_kinds)", [access])]
	}
	copy := meshgate.decision with input as fixtures.statement(subject, "copy_out", [fixtures.relation("sales", "store_transactions", "update")])
	copy.allow == false
}

test_an_upsert_needs_insert_and_update_on_its_target if {
	# INSERT ... ON CONFLICT DO UPDATE: Meshgate asks for update besides insert on the target
	relations := [fixtures.relation("sales", "store_transactions", "insert"), fixtures.relation("sales", "store_transactions", "update"), fixtures.relation("sales", "store_transactions", "read")]
	alice := meshgate.decision with input as fixtures.statement(fixtures.users.alice, "insert", relations)
	alice.allow == true
	alice.relations["mesh.sales.store_transactions"].row_filters == [{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.regional_readers"}]
	"sales.regional_writers" in alice.policies

	# dave may neither insert nor update sales
	dave := meshgate.decision with input as fixtures.statement(fixtures.users.dave, "insert", relations)
	dave.allow == false
}

test_update_in_an_insert_belongs_to_the_inserted_table_only if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	relations := [fixtures.relation("sales", "store_transactions", "insert"), fixtures.relation("sales", "stores", "update")]
	decision := meshgate.decision with input as fixtures.statement(subject, "insert", relations)
	decision.allow == false
	"mesh.sales.stores: update access in a insert statement is not allowed (rule global.statement_kinds)" in decision.deny_reasons
	alone := meshgate.decision with input as fixtures.statement(subject, "insert", [fixtures.relation("sales", "stores", "update")])
	alone.allow == false
}

test_statement_kinds_the_mesh_does_not_serve_are_denied if {
	every kind in ["merge", "call", "utility"] {
		decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, kind, [])
		decision.allow == false
		decision.deny_reasons == [sprintf("%s statements are not allowed through the mesh (rule global.statement_kinds)", [kind])]
	}
}

# --- DDL ---------------------------------------------------------------------------------

test_ddl_needs_a_grant_of_ddl if {
	# ddl is served, but only where a domain grants it: a grant to read or write is not one
	target := fixtures.ddl_target("sales", "store_transactions", [], [])
	decision := meshgate.decision with input as fixtures.ddl(fixtures.users.alice, "drop_table", [target])
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.store_transactions: no rule of domain sales grants ddl access (default deny)"]
}

test_ddl_access_in_another_kind_is_denied if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	decision := meshgate.decision with input as fixtures.statement(subject, "select", [fixtures.ddl_target("sales", "stores", [], [])])
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores: ddl access in a select statement is not allowed (rule global.statement_kinds)"]
}

test_a_write_access_in_ddl_is_denied if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	relations := [fixtures.ddl_target("sales", "store_transactions", [], []), fixtures.relation("sales", "store_transactions", "delete")]
	decision := meshgate.decision with input as fixtures.ddl(subject, "truncate", relations)
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.store_transactions: delete access in a ddl statement is not allowed (rule global.statement_kinds)"]
}

test_ddl_outside_the_domains_is_denied if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	target := object.union(fixtures.ddl_target("public", "scratch", [], []), {})
	decision := meshgate.decision with input as fixtures.ddl(subject, "create_table", [target])
	decision.allow == false
	decision.deny_reasons == ["mesh.public.scratch: schema public is not a domain of the mesh (default deny)"]
}

test_the_ddl_action_must_fit_the_kind if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	target := fixtures.ddl_target("sales", "stores", [], [])
	problem := "policy input: statement.ddl_action must be a DDL action of contract v1 for kind ddl, and empty for every other kind"
	every statement in [
		fixtures.ddl(subject, "", [target]),
		fixtures.ddl(subject, "grant", [target]),
		object.union(fixtures.read("carol", "sales", "stores"), {"statement": {"ddl_action": "drop_table"}}),
		object.remove(fixtures.read("carol", "sales", "stores"), ["statement"]),
	] {
		decision := meshgate.decision with input as statement
		decision.allow == false
		problem in decision.deny_reasons
	}
}

test_a_write_without_relations_is_allowed_like_select_1 if {
	# every served kind still needs the statement to be allowed relation by relation; with no
	# relation nothing is written, so it is allowed like SELECT 1
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "insert", [])
	decision.allow == true
}

test_copy_out_is_a_read if {
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "copy_out", [fixtures.relation("sales", "stores", "read")])
	decision.allow == true
}

# --- composition: a domain shapes only its own relations ----------------------------------

# A domain (in its own package, as every domain folder must) that emits grants, filters,
# masks, denied columns and denials for the sales tables under every name it could try.
rogue_domain := {
	"metadata": {"owners": ["rogue_team"], "products": {"stores": {"columns": {"store_id": {}, "zip_code": {}, "region": {}}}}},
	"grants": {name: {"read": {"rogue.grant"}} | some name in rogue_names},
	"denials": {name: {"read": {"rogue.denial"}} | some name in rogue_names},
	"row_filters": {name: {{"rule": "rogue.filter", "filter": {"expression": "false"}}} | some name in rogue_names},
	"column_masks": {name: {"region": {{"rule": "rogue.mask", "mask": {"function": "null"}}}} | some name in rogue_names},
	"denied_columns": {name: {{"rule": "rogue.denied", "column": "store_id"}} | some name in rogue_names},
}

rogue_names := {"stores", "sales.stores", "mesh.sales.stores"}

test_rogue_domain_cannot_shape_another_domains_relation if {
	every user, _ in fixtures.users {
		input_value := fixtures.read(user, "sales", "stores")
		honest := meshgate.decision with input as input_value
		with_rogue := meshgate.decision with input as input_value
			with data.meshgate.domains.rogue as rogue_domain
		with_rogue == honest
	}
}

test_rogue_domain_cannot_grant_another_domains_relation if {
	decision := meshgate.decision with input as fixtures.read("bob", "sales", "stores")
		with data.meshgate.domains.rogue as rogue_domain
	decision.allow == false
	not "rogue.grant" in decision.policies
}

test_rogue_domain_does_shape_its_own_relations if {
	# The same rules do apply to the rogue domain's own table: the test above is not
	# passing merely because the fake domain is ignored altogether.
	relation := fixtures.relation_with_columns("rogue", "stores", "read", ["store_id", "zip_code", "region"])
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.bob, "select", [relation])
		with data.meshgate.domains.rogue as rogue_domain
	decision.allow == false
	decision.deny_reasons == ["rogue.denial"]
	decision.relations["mesh.rogue.stores"].row_filters == [{"expression": "false", "policy": "rogue.filter"}]
	decision.relations["mesh.rogue.stores"].column_masks == {"region": {"function": "null", "policy": "rogue.mask"}}
	decision.relations["mesh.rogue.stores"].denied_columns == ["store_id"]
}

# --- policy errors --------------------------------------------------------------------------

test_two_masks_for_one_column_deny if {
	domain_masks := {"customers": {"email": {{"rule": "customers.email_hash", "mask": {"function": "hash"}}}}}
	decision := meshgate.decision with input as fixtures.read("carol", "customers", "customers")
		with data.meshgate.domains.customers.column_masks as domain_masks
	decision.allow == false
	decision.deny_reasons == ["mesh.customers.customers: column email is masked by more than one rule (customers.email_hash, global.pii.email), which is a policy error"]
	not decision.relations["mesh.customers.customers"].column_masks.email
}

test_two_domain_masks_for_one_column_deny_even_for_owners if {
	domain_masks := {"customers": {"name": {
		{"rule": "customers.name_initials", "mask": {"function": "show_first", "n": 1}},
		{"rule": "customers.name_redacted", "mask": {"function": "redact"}},
	}}}
	subject := fixtures.subject("cora", ["customers_team"], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "customers", "customers")
		with data.meshgate.domains.customers.column_masks as domain_masks
	decision.allow == false
	decision.deny_reasons == ["mesh.customers.customers: column name is masked by more than one rule (customers.name_initials, customers.name_redacted), which is a policy error"]
}

test_one_domain_mask_is_applied if {
	domain_masks := {"customers": {"name": {{"rule": "customers.name_initials", "mask": {"function": "show_first", "n": 1}}}}}
	decision := meshgate.decision with input as fixtures.read("carol", "customers", "customers")
		with data.meshgate.domains.customers.column_masks as domain_masks
	decision.allow == true
	decision.relations["mesh.customers.customers"].column_masks.name == {"function": "show_first", "n": 1, "policy": "customers.name_initials"}
	"customers.name_initials" in decision.policies
}

# --- policy ids per filter and mask ---------------------------------------------------------

test_each_filter_and_mask_names_its_own_rule if {
	filters := {"stores": {
		{"rule": "sales.eu_only", "filter": {"column": "region", "op": "in", "values": ["EU"]}},
		{"rule": "sales.known_zip", "filter": {"expression": "zip_code IS NOT NULL"}},
	}}
	masks := {"stores": {"zip_code": {{"rule": "sales.zip_prefix", "mask": {"function": "show_first", "n": 3}}}}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.row_filters as filters
		with data.meshgate.domains.sales.column_masks as masks
	decision.allow == true
	{filter | some filter in decision.relations["mesh.sales.stores"].row_filters} == {
		{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.eu_only"},
		{"expression": "zip_code IS NOT NULL", "policy": "sales.known_zip"},
	}
	decision.relations["mesh.sales.stores"].column_masks == {"zip_code": {"function": "show_first", "n": 3, "policy": "sales.zip_prefix"}}
}

test_a_contribution_cannot_claim_another_rules_id if {
	# The id is the rule the composition recorded for the entry, whatever the filter or mask
	# object says about itself.
	filters := {"stores": {{"rule": "sales.eu_only", "filter": {"column": "region", "op": "in", "values": ["EU"], "policy": "global.pii.email"}}}}
	masks := {"stores": {"zip_code": {{"rule": "sales.zip_hidden", "mask": {"function": "null", "policy": "weather.owners"}}}}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.row_filters as filters
		with data.meshgate.domains.sales.column_masks as masks
	decision.relations["mesh.sales.stores"].row_filters == [{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.eu_only"}]
	decision.relations["mesh.sales.stores"].column_masks == {"zip_code": {"function": "null", "policy": "sales.zip_hidden"}}
}

test_classification_masks_name_their_class_rule if {
	decision := meshgate.decision with input as fixtures.read("carol", "customers", "customers")
	every column, mask in decision.relations["mesh.customers.customers"].column_masks {
		mask.policy == concat(".", ["global", data.customers.products.customers.columns[column].classification])
	}
	count(decision.relations["mesh.customers.customers"].column_masks) == 3
}

test_unknown_classification_denies if {
	products := json.patch(data.customers.products, [{"op": "add", "path": "/customers/columns/name/classification", "value": "pii.name"}])
	decision := meshgate.decision with input as fixtures.read("carol", "customers", "customers")
		with data.customers.products as products
	decision.allow == false
	decision.deny_reasons == ["mesh.customers.customers: column name has classification pii.name, which no mesh-wide rule knows (policy error)"]
}

test_undeclared_columns_are_denied if {
	relation := fixtures.relation_with_columns("sales", "stores", "read", ["store_id", "zip_code", "region", "manager_phone"])
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.carol, "select", [relation])
	decision.allow == true
	decision.relations["mesh.sales.stores"].denied_columns == ["manager_phone"]
	"global.undeclared_columns" in decision.policies
}

# --- malformed input ------------------------------------------------------------------------

test_malformed_input_is_denied_with_a_reason if {
	good := fixtures.read("carol", "sales", "stores")
	cases := [
		[json.patch(good, [{"op": "replace", "path": "/version", "value": 2}]), "policy input: version must be 1"],
		[json.remove(good, ["subject"]), "policy input: subject.user must be a non-empty string"],
		[json.patch(good, [{"op": "replace", "path": "/subject/groups", "value": "data_scientists"}]), "policy input: subject.groups must be an array of strings"],
		[json.remove(good, ["subject/attributes"]), "policy input: subject.attributes must be an object"],
		[json.remove(good, ["context"]), "policy input: context.database must be a non-empty string"],
		[json.patch(good, [{"op": "replace", "path": "/statement/kind", "value": "SELECT"}]), "policy input: statement.kind is not a statement kind of contract v1"],
		[json.patch(good, [{"op": "replace", "path": "/statement/relations", "value": {}}]), "policy input: statement.relations must be an array"],
		[json.remove(good, ["statement/relations/0/access"]), "policy input: statement.relations[0] does not follow contract v1"],
		[json.patch(good, [{"op": "replace", "path": "/statement/relations/0/access", "value": "select"}]), "policy input: statement.relations[0] does not follow contract v1"],
		[json.remove(good, ["statement/relations/0/columns"]), "policy input: statement.relations[0] does not follow contract v1"],
	]
	every case in cases {
		decision := meshgate.decision with input as case[0]
		decision.allow == false
		case[1] in decision.deny_reasons
	}
}

test_empty_input_is_denied if {
	decision := meshgate.decision with input as {}
	decision.allow == false
	count(decision.deny_reasons) == 8
}

test_denied_decisions_always_have_a_reason if {
	every user, _ in fixtures.users {
		every schema, table in {"weather": "stations_raw", "sales": "stores", "customers": "customers", "nowhere": "nothing"} {
			decision := meshgate.decision with input as fixtures.statement(fixtures.users[user], "select", [fixtures.relation_with_columns(schema, table, "read", [])])
			reasons_match_allow(decision)
		}
	}
}

reasons_match_allow(decision) if {
	decision.allow == true
	decision.deny_reasons == []
}

reasons_match_allow(decision) if {
	decision.allow == false
	count(decision.deny_reasons) > 0
}

test_row_filter_without_rule_and_filter_denies if {
	filters := {"stores": {{"column": "region", "op": "in", "values": ["EU"]}}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.row_filters as filters
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores: domain sales has a row filter that is not {\"rule\", \"filter\"} (policy error)"]
}

test_mask_without_rule_and_mask_denies if {
	masks := {"stores": {"zip_code": {{"function": "null"}}}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.column_masks as masks
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores: domain sales has a mask of column zip_code that is not {\"rule\", \"mask\"} (policy error)"]
}

test_denied_column_without_rule_and_column_denies if {
	denied := {"stores": {"zip_code"}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.denied_columns as denied
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores: domain sales has a denied column that is not {\"rule\", \"column\"} (policy error)"]
}

test_well_formed_denied_column_is_applied if {
	denied := {"stores": {{"rule": "sales.no_zip", "column": "zip_code"}}}
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
		with data.meshgate.domains.sales.denied_columns as denied
	decision.allow == true
	decision.relations["mesh.sales.stores"].denied_columns == ["zip_code"]
	"sales.no_zip" in decision.policies
}
