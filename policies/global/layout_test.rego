package meshgate_test.layout

import data.meshgate.layout

# The namespaces of a good layout, as `opa inspect --format json` reports them.
good := {"namespaces": {
	"data.meshgate": ["global/decision.rego", "global/input.rego"],
	"data.meshgate.lib": ["global/lib.rego"],
	"data.meshgate_test": ["global/decision_test.rego"],
	"data.meshgate.domains.sales": ["sales/policy.rego"],
	"data.meshgate.domains.sales_test": ["sales/policy_test.rego"],
	"data.sales": ["sales/data.json"],
}}

with_namespace(namespace, files) := object.union(good, {"namespaces": object.union(good.namespaces, {namespace: files})})

test_good_layout_has_no_violations if {
	count(layout.violations) == 0 with input as good
}

test_domain_cannot_declare_another_domains_package if {
	bad := with_namespace("data.meshgate.domains.sales", ["sales/policy.rego", "rogue/policy.rego"])
	"rogue/policy.rego: data.meshgate.domains.sales is outside what folder rogue may write" in layout.violations with input as bad
}

test_domain_cannot_declare_global_packages if {
	every namespace in ["data.meshgate", "data.meshgate.classification", "data.meshgate_test", "data.system.authz"] {
		bad := with_namespace(namespace, ["sales/extra.rego"])
		sprintf("sales/extra.rego: %s is outside what folder sales may write", [namespace]) in layout.violations with input as bad
	}
}

test_domain_cannot_write_a_namesake_prefix if {
	bad := with_namespace("data.meshgate.domains.salesforce", ["sales/extra.rego"])
	"sales/extra.rego: data.meshgate.domains.salesforce is outside what folder sales may write" in layout.violations with input as bad
}

test_global_cannot_declare_domain_packages if {
	bad := with_namespace("data.meshgate.domains.sales", ["sales/policy.rego", "global/sales.rego"])
	"global/sales.rego: data.meshgate.domains.sales is outside what folder global may write" in layout.violations with input as bad
}

test_data_at_the_top_is_rejected if {
	bad := with_namespace("data", ["data.json"])
	"data.json: files must be inside global/ or a domain folder" in layout.violations with input as bad
}

test_reserved_and_odd_domain_names_are_rejected if {
	every folder in ["system", "meshgate", "target"] {
		bad := with_namespace(sprintf("data.meshgate.domains.%s", [folder]), [sprintf("%s/policy.rego", [folder])])
		sprintf("%s/: %s cannot be a domain name (reserved)", [folder, folder]) in layout.violations with input as bad
	}
	odd := with_namespace("data.meshgate.domains.Sales", ["Sales/policy.rego"])
	"Sales/: a domain name is lower case letters, digits and _ (it is the schema name)" in layout.violations with input as odd
}

test_domain_needs_its_files if {
	bad := with_namespace("data.meshgate.domains.hr", ["hr/policy.rego"])
	violations := layout.violations with input as bad
	"hr/: every domain has data.json" in violations
	"hr/: every domain has policy_test.rego" in violations
	not "hr/: every domain has policy.rego" in violations
}
