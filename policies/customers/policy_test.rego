package meshgate.domains.customers_test

import data.meshgate
import data.meshgate_test.fixtures

# Each mask names the rule it comes from (the audit log records it).
pii_masks := {
	"email": {"function": "email", "policy": "global.pii.email"},
	"phone": {"function": "show_last", "n": 4, "policy": "global.pii.phone"},
	"birth_date": {"function": "truncate_date", "unit": "year", "policy": "global.pii.birth_date"},
}

test_analysts_read_their_region_masked if {
	decision := meshgate.decision with input as fixtures.read("alice", "customers", "customers")
	decision.allow == true
	decision.relations["mesh.customers.customers"] == {
		"row_filters": [{"column": "region", "op": "in", "values": ["EU"], "policy": "customers.regional_readers"}],
		"column_masks": pii_masks,
		"denied_columns": [],
	}
	decision.policies == ["customers.regional_readers", "global.pii.birth_date", "global.pii.email", "global.pii.phone"]
}

test_analyst_without_region_is_denied if {
	subject := fixtures.subject("adam", ["analysts"], {"department": "marketing"})
	decision := meshgate.decision with input as fixtures.read_as(subject, "customers", "customers")
	decision.allow == false
	decision.deny_reasons == ["customers.customers: analysts need a region attribute to read it (rule customers.regional_readers)"]
}

test_data_scientists_and_auditors_read_every_region_masked if {
	every user in ["carol", "dave"] {
		decision := meshgate.decision with input as fixtures.read(user, "customers", "customers")
		decision.allow == true
		decision.relations["mesh.customers.customers"] == {"row_filters": [], "column_masks": pii_masks, "denied_columns": []}
		decision.policies == ["customers.readers", "global.pii.birth_date", "global.pii.email", "global.pii.phone"]
	}
}

test_customers_team_reads_unmasked if {
	subject := fixtures.subject("cora", ["customers_team"], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "customers", "customers")
	decision.allow == true
	decision.relations["mesh.customers.customers"] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
}

test_owners_of_another_domain_see_masks if {
	subject := fixtures.subject("sam", ["sales_team", "auditors"], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "customers", "customers")
	decision.relations["mesh.customers.customers"].column_masks == pii_masks
}

test_weather_team_is_denied if {
	decision := meshgate.decision with input as fixtures.read("bob", "customers", "customers")
	decision.allow == false
	decision.deny_reasons == ["mesh.customers.customers: no rule of domain customers grants read access (default deny)"]
}

test_join_with_sales_applies_both_domains if {
	relations := [fixtures.relation("customers", "customers", "read"), fixtures.relation("sales", "store_transactions", "read")]
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.alice, "select", relations)
	decision.allow == true
	decision.relations["mesh.customers.customers"].column_masks == pii_masks
	decision.relations["mesh.sales.store_transactions"].column_masks == {"customer_email": {"function": "email", "policy": "global.pii.email"}}
	decision.relations["mesh.sales.store_transactions"].row_filters == [{"column": "region", "op": "in", "values": ["EU"], "policy": "sales.regional_readers"}]
}

test_every_product_column_is_declared if {
	columns := data.meshgate.domains.customers.metadata.products.customers.columns
	object.keys(columns) == {"customer_id", "name", "email", "phone", "birth_date", "region"}
	columns.email.classification == "pii.email"
	columns.phone.classification == "pii.phone"
	columns.birth_date.classification == "pii.birth_date"
}

# --- DDL ------------------------------------------------------------------------------------

test_only_the_customers_team_runs_ddl_on_customers if {
	target := fixtures.ddl_target("customers", "customers", [], ["email"])
	owner := fixtures.subject("cora", ["customers_team"], {})
	allowed := meshgate.decision with input as fixtures.ddl(owner, "comment", [target])
	allowed.allow == true
	every user in ["alice", "bob", "carol", "dave"] {
		denied := meshgate.decision with input as fixtures.ddl(fixtures.users[user], "comment", [target])
		denied.allow == false
	}
}
