package meshgate.domains.sales_test

import data.meshgate
import data.meshgate_test.fixtures

# Each filter and mask names the rule it comes from (the audit log records it).
eu_only := [{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.regional_readers"}]

email_masked := {"customer_email": {"function": "email", "policy": "global.pii.email"}}

test_analysts_read_their_region if {
	every table in ["stores", "store_transactions"] {
		decision := meshgate.decision with input as fixtures.read("alice", "sales", table)
		decision.allow == true
		decision.relations[sprintf("mesh.sales.%s", [table])].row_filters == eu_only
		"sales.regional_readers" in decision.policies
	}
}

test_region_comes_from_the_subject if {
	subject := fixtures.subject("ulysses", ["analysts"], {"region": "US"})
	decision := meshgate.decision with input as fixtures.read_as(subject, "sales", "stores")
	decision.relations["mesh.sales.stores"].row_filters == [{"column": "region", "op": "in", "values": ["US"], "policy": "sales.regional_readers"}]
}

test_analyst_without_region_is_denied if {
	every attributes in [{}, {"region": ""}, {"region": ["EU", "US"]}, {"region": 1}] {
		subject := fixtures.subject("adam", ["analysts"], attributes)
		decision := meshgate.decision with input as fixtures.read_as(subject, "sales", "store_transactions")
		decision.allow == false
		decision.deny_reasons == ["sales.store_transactions: analysts need a region attribute to read it (rule sales.regional_readers)"]
	}
}

test_data_scientists_and_auditors_read_every_region if {
	every user in ["carol", "dave"] {
		every table in ["stores", "store_transactions"] {
			decision := meshgate.decision with input as fixtures.read(user, "sales", table)
			decision.allow == true
			decision.relations[sprintf("mesh.sales.%s", [table])].row_filters == []
			"sales.readers" in decision.policies
		}
	}
}

test_analyst_who_is_also_a_data_scientist_reads_every_region if {
	subject := fixtures.subject("ada", ["analysts", "data_scientists"], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "sales", "stores")
	decision.allow == true
	decision.relations["mesh.sales.stores"].row_filters == []
}

test_customer_email_is_masked_for_readers if {
	every user in ["alice", "carol", "dave"] {
		decision := meshgate.decision with input as fixtures.read(user, "sales", "store_transactions")
		decision.relations["mesh.sales.store_transactions"].column_masks == email_masked
		"global.pii.email" in decision.policies
	}
}

test_stores_have_no_masks if {
	decision := meshgate.decision with input as fixtures.read("carol", "sales", "stores")
	decision.relations["mesh.sales.stores"].column_masks == {}
}

test_sales_team_reads_everything_unmasked if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "sales", "store_transactions")
	decision.allow == true
	decision.relations["mesh.sales.store_transactions"] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
	decision.policies == ["sales.readers"]
}

test_weather_team_is_denied if {
	every table in ["stores", "store_transactions"] {
		decision := meshgate.decision with input as fixtures.read("bob", "sales", table)
		decision.allow == false
		decision.deny_reasons == [sprintf("mesh.sales.%s: no rule of domain sales grants read access (default deny)", [table])]
	}
}

test_every_product_column_is_declared if {
	products := data.meshgate.domains.sales.metadata.products
	object.keys(products.stores.columns) == {"store_id", "zip_code", "region"}
	object.keys(products.store_transactions.columns) == {"transaction_id", "store_id", "day", "amount", "customer_email", "region"}
}

# --- writes ---------------------------------------------------------------------------------

write(subject, access, table) := fixtures.statement(subject, access, [fixtures.relation("sales", table, access)])

test_analysts_write_sales_of_their_region if {
	every access in ["insert", "update", "delete"] {
		decision := meshgate.decision with input as write(fixtures.users.alice, access, "store_transactions")
		decision.allow == true
		decision.relations["mesh.sales.store_transactions"].row_filters == eu_only
		decision.relations["mesh.sales.store_transactions"].column_masks == email_masked
		"sales.regional_writers" in decision.policies
	}
}

test_an_update_that_reads_needs_read_and_update if {
	relations := [fixtures.relation("sales", "store_transactions", "update"), fixtures.relation("sales", "store_transactions", "read")]
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.alice, "update", relations)
	decision.allow == true
	decision.policies == ["global.pii.email", "sales.regional_readers", "sales.regional_writers"]
}

test_only_store_transactions_is_writable if {
	decision := meshgate.decision with input as write(fixtures.users.alice, "insert", "stores")
	decision.allow == false
	decision.deny_reasons == ["mesh.sales.stores: no rule of domain sales grants insert access (default deny)"]
}

test_readers_of_every_region_do_not_write if {
	every user in ["carol", "dave"] {
		decision := meshgate.decision with input as write(fixtures.users[user], "update", "store_transactions")
		decision.allow == false
	}
}

test_analyst_without_region_does_not_write if {
	subject := fixtures.subject("adam", ["analysts"], {})
	decision := meshgate.decision with input as write(subject, "insert", "store_transactions")
	decision.allow == false
}

test_sales_team_writes_every_region_unmasked if {
	subject := fixtures.subject("sam", ["sales_team"], {})
	decision := meshgate.decision with input as write(subject, "delete", "store_transactions")
	decision.allow == true
	decision.relations["mesh.sales.store_transactions"].row_filters == []
	decision.relations["mesh.sales.store_transactions"].column_masks == {}
	decision.policies == ["sales.owners_write"]
}

# --- DDL ------------------------------------------------------------------------------------

sam := fixtures.subject("sam", ["sales_team"], {})

test_owners_create_a_table_in_their_schema if {
	target := fixtures.ddl_target("sales", "returns", [], ["return_id", "amount"])
	decision := meshgate.decision with input as fixtures.ddl(sam, "create_table", [target])
	decision.allow == true
	decision.policies == ["sales.owners_ddl"]

	# not a data product (yet): no entry, so nothing restricts it
	decision.relations == {}
}

test_owners_alter_a_data_product_with_undeclared_columns if {
	# an owner adds a column data.json does not describe yet: DDL reads no values, so the
	# undeclared-columns rule does not make the table restricted
	columns := ["amount", "customer_email", "day", "note", "region", "store_id", "transaction_id"]
	target := fixtures.ddl_target("sales", "store_transactions", columns, ["note"])
	every action in ["drop_column", "rename_column", "comment", "create_index", "truncate", "drop_table"] {
		decision := meshgate.decision with input as fixtures.ddl(sam, action, [target])
		decision.allow == true
		decision.relations["mesh.sales.store_transactions"] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
	}
}

test_readers_and_writers_run_no_ddl if {
	target := fixtures.ddl_target("sales", "store_transactions", [], [])
	every user in ["alice", "bob", "carol", "dave"] {
		decision := meshgate.decision with input as fixtures.ddl(fixtures.users[user], "truncate", [target])
		decision.allow == false
		decision.deny_reasons == ["mesh.sales.store_transactions: no rule of domain sales grants ddl access (default deny)"]
	}
}

test_owners_run_no_ddl_in_another_domain if {
	every schema in ["weather", "customers"] {
		target := fixtures.ddl_target(schema, "scratch", [], ["a"])
		decision := meshgate.decision with input as fixtures.ddl(sam, "create_table", [target])
		decision.allow == false
		decision.deny_reasons == [sprintf("mesh.%s.scratch: no rule of domain %s grants ddl access (default deny)", [schema, schema])]
	}
}

test_one_target_in_another_domain_denies_the_whole_statement if {
	own := fixtures.ddl_target("sales", "stores", [], [])
	other := fixtures.ddl_target("weather", "stations_raw", [], [])
	decision := meshgate.decision with input as fixtures.ddl(sam, "drop_table", [own, other])
	decision.allow == false
}
