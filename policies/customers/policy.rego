# METADATA
# title: Customers domain
# description: >-
#   Who may read the customer data products and which rows: analysts see the customers of
#   their own region, data scientists, auditors and the customers team see all. E-mail,
#   phone and birth date are masked by the mesh-wide pii.* rules, not here.
package meshgate.domains.customers

import data.meshgate.lib

# Published for the global policy: owners and data products, from data.json beside this
# file (OPA loads customers/data.json at data.customers).
metadata := data.customers

# Groups that read every customer.
all_regions_readers := {"data_scientists", "auditors"} | {owner | some owner in metadata.owners}

# Groups that read only the customers of their own region; someone in both kinds of group
# reads every region.
regional_readers := {"analysts"}

regional_only if {
	lib.in_any_group(regional_readers)
	not lib.in_any_group(all_regions_readers)
}

grants[table].read contains "customers.readers" if {
	some table, _ in metadata.products
	lib.in_any_group(all_regions_readers)
}

grants[table].read contains "customers.regional_readers" if {
	some table, _ in metadata.products
	regional_only
	lib.subject_region
}

row_filters[table] contains {"rule": "customers.regional_readers", "filter": lib.region_filter("region")} if {
	some table, _ in metadata.products
	regional_only
}

denials[table].read contains sprintf("customers.%s: analysts need a region attribute to read it (rule customers.regional_readers)", [table]) if {
	some table, _ in metadata.products
	regional_only
	not lib.subject_region
}

# --- DDL --------------------------------------------------------------------------------------

# The domain's owners change the tables of its own schema (create, alter, drop, truncate,
# index, comment), data products or not; nobody else runs DDL here. Which forms Meshgate
# forwards at all is fixed by Meshgate (CONTRACT.md, DDL).
ddl_grants contains "customers.owners_ddl" if lib.in_any_group(metadata.owners)
