# METADATA
# title: Sales domain
# description: >-
#   Who may read the sales data products and which rows: analysts see their own region,
#   data scientists, auditors and the sales team see every region. Customer e-mail
#   addresses are masked by the mesh-wide pii.email rule, not here. store_transactions is
#   writable: analysts insert, correct and delete the sales of their own region, the sales
#   team those of every region.
package meshgate.domains.sales

import data.meshgate.lib

# Published for the global policy: owners and data products, from data.json beside this
# file (OPA loads sales/data.json at data.sales).
metadata := data.sales

# Groups that read every row of every sales data product.
all_regions_readers := {"data_scientists", "auditors"} | {owner | some owner in metadata.owners}

# Groups that read only the rows of their own region; someone in both kinds of group reads
# every region.
regional_readers := {"analysts"}

regional_only if {
	lib.in_any_group(regional_readers)
	not lib.in_any_group(all_regions_readers)
}

grants[table].read contains "sales.readers" if {
	some table, _ in metadata.products
	lib.in_any_group(all_regions_readers)
}

grants[table].read contains "sales.regional_readers" if {
	some table, _ in metadata.products
	regional_only
	lib.subject_region
}

row_filters[table] contains {"rule": "sales.regional_readers", "filter": lib.region_filter("region")} if {
	some table, _ in metadata.products
	regional_only
}

denials[table].read contains sprintf("sales.%s: analysts need a region attribute to read it (rule sales.regional_readers)", [table]) if {
	some table, _ in metadata.products
	regional_only
	not lib.subject_region
}

# --- writes ---------------------------------------------------------------------------------

# The writable data product. The row filter of sales.regional_readers applies to writes too:
# an analyst's UPDATE and DELETE touch only rows of their region, and a new or changed row
# must stay in it. Masked columns (customer_email, for analysts) cannot be written at all.
writable_products := {"store_transactions"}

write_accesses := {"insert", "update", "delete"}

grants[table][access] contains "sales.regional_writers" if {
	some table in writable_products
	some access in write_accesses
	regional_only
	lib.subject_region
}

grants[table][access] contains "sales.owners_write" if {
	some table in writable_products
	some access in write_accesses
	lib.in_any_group(metadata.owners)
}

# --- DDL --------------------------------------------------------------------------------------

# The domain's owners change the tables of its own schema (create, alter, drop, truncate,
# index, comment), data products or not; nobody else runs DDL here. Which forms Meshgate
# forwards at all is fixed by Meshgate (CONTRACT.md, DDL).
ddl_grants contains "sales.owners_ddl" if lib.in_any_group(metadata.owners)
