# METADATA
# title: Meshgate decision
# description: >-
#   Composes the domain policies into the one decision per statement that Meshgate asks
#   for (policy contract v1). Each relation is judged only by the domain its schema names,
#   so a domain cannot shape another domain's relations; mesh-wide rules (statement kinds,
#   classification masks, undeclared columns) apply on top. Anything no rule grants is
#   denied, writes and DDL included: a domain grants insert, update or delete on its own
#   products, and ddl on its products (grants) or on its whole schema (ddl_grants).
package meshgate

import data.meshgate.classification
import data.meshgate.domains

# The databases whose schemas are the domains of the mesh.
governed_catalogs := {"mesh"}

# The statement kinds the mesh serves; which relations they may read, write or change is up
# to the domains' grants. The others (merge, call, utility) cannot be shaped per relation.
served_statement_kinds := {"select", "copy_out", "insert", "update", "delete", "copy_in", "ddl"}

# The write access each served kind may carry; every kind may also read.
kind_write_access := {"insert": "insert", "copy_in": "insert", "update": "update", "delete": "delete", "ddl": "ddl"}

decision := {
	"allow": allow,
	"deny_reasons": reported_deny_reasons,
	"relations": relation_policies,
	"policies": sort(policies),
}

default allow := false

# Both ways round on purpose: every relation must be positively granted, and nothing may
# have given a reason to deny. A rule that forgets its reason still cannot allow.
allow if {
	input_valid
	count(deny_reasons) == 0
	input.statement.kind in served_statement_kinds
	every relation in input.statement.relations {
		relation_allowed(relation)
	}
}

reported_deny_reasons := sort(deny_reasons) if {
	count(deny_reasons) > 0
} else := [] if {
	allow
} else := ["the statement is denied because no rule allows it (default deny)"]

relation_allowed(relation) if {
	judged(relation)
	access_fits_kind(relation)
	count(grant_rules(relation)) > 0
	count(domain_denials(relation)) == 0
	count(policy_errors(relation)) == 0
}

# A write access belongs to a statement of its own kind (an insert into a select would be a
# data-modifying CTE, which Meshgate does not send).
access_fits_kind(relation) if relation.access == "read"

access_fits_kind(relation) if relation.access == kind_write_access[input.statement.kind]

# SELECT ... FOR UPDATE (or SHARE) locks the rows of a table as an UPDATE would: Meshgate asks
# for update access on each table it locks, and a domain grants it with its update grant, so a
# reader who may not update cannot block the table's writers.
access_fits_kind(relation) if {
	relation.access == "update"
	input.statement.kind == "select"
}

# INSERT ... ON CONFLICT DO UPDATE (an upsert) updates the rows it conflicts with: Meshgate asks
# for update besides insert on its target, and the domain grants it with its update grant. The
# update belongs to the insert of the same table, never to a table the statement only reads.
access_fits_kind(relation) if {
	relation.access == "update"
	input.statement.kind == "insert"
	some inserted in input.statement.relations
	inserted.access == "insert"
	relation_key(inserted) == relation_key(relation)
}

# --- which domain judges a relation -----------------------------------------------------

relation_key(relation) := concat(".", [relation.catalog, relation.schema, relation.table])

# The key of a relation in the decision is "catalog.schema.table"; a name with a dot in it
# would make that key ambiguous, so such relations are not governed (and so denied).
plain_names(relation) if {
	not contains(relation.catalog, ".")
	not contains(relation.schema, ".")
	not contains(relation.table, ".")
}

# The domain of a relation is its schema. Only that domain's package is asked about it.
domain_metadata(relation) := domains[relation.schema].metadata if {
	relation.catalog in governed_catalogs
	plain_names(relation)
}

data_product(relation) := domain_metadata(relation).products[relation.table]

# A relation its domain may grant: a data product, or, for DDL, any table of the domain's
# schema (CREATE TABLE names a table that is no product yet; an owner may drop a table they
# created before describing it).
judged(relation) if data_product(relation)

judged(relation) if {
	relation.access == "ddl"
	domain_metadata(relation)
}

# A domain grants an access per data product (grants[table][access], ddl included), and ddl on
# every table of its schema at once (ddl_grants, a set of rule ids).
grant_rules(relation) := {rule |
	data_product(relation)
	some rule in domains[relation.schema].grants[relation.table][relation.access]
} | {rule |
	relation.access == "ddl"
	domain_metadata(relation)
	some rule in domains[relation.schema].ddl_grants
}

domain_denials(relation) := {reason |
	judged(relation)
	some reason in domains[relation.schema].denials[relation.table][relation.access]
}

row_filter_entries(relation) := {entry |
	data_product(relation)
	some entry in domains[relation.schema].row_filters[relation.table]
}

# The domain's masks as [column, entry] pairs, exactly as the domain wrote them.
domain_mask_entries(relation) := {[column, entry] |
	data_product(relation)
	some column, column_entries in domains[relation.schema].column_masks[relation.table]
	some entry in column_entries
}

# Masks from the mesh-wide classification rules and from the domain, as {rule, column, mask}.
mask_entries(relation) := classification.column_masks(domain_metadata(relation), relation.table) | {entry |
	some [column, domain_entry] in domain_mask_entries(relation)
	entry := {"rule": domain_entry.rule, "column": column, "mask": domain_entry.mask}
}

# Columns the data product does not declare are denied: a column added to a table without
# being described (and classified) in data.json must not leak before someone looks at it.
# DDL reads no column values, and is how an owner adds the column data.json will describe, so
# the rule does not deny it (per statement, so that one relation key has one entry).
denied_column_entries(relation) := {entry |
	data_product(relation)
	some entry in domains[relation.schema].denied_columns[relation.table]
} | {entry |
	input.statement.kind != "ddl"
	declared := object.keys(object.get(data_product(relation), "columns", {}))
	some column in relation.columns
	not column in declared
	entry := {"rule": "global.undeclared_columns", "column": column}
}

# Masks of one column from several rules are never merged: the relation is denied.
conflicting_masks(relation) := {column: rules |
	entries := mask_entries(relation)
	some column in {entry.column | some entry in entries}
	column_entries := {entry | some entry in entries; entry.column == column}
	count(column_entries) > 1
	rules := {entry.rule | some entry in column_entries}
}

policy_errors(relation) := ({sprintf("%s: column %s is masked by more than one rule (%s), which is a policy error", [relation_key(relation), column, concat(", ", sort(rules))]) |
	some column, rules in conflicting_masks(relation)
} | {sprintf("%s: column %s has classification %s, which no mesh-wide rule knows (policy error)", [relation_key(relation), entry.column, entry.classification]) |
	some entry in classification.unknown_classifications(domain_metadata(relation), relation.table)
}) | malformed_contributions(relation)

# A contribution of the wrong shape would otherwise drop out of the decision unnoticed (a
# filter without "filter" filters nothing), so it denies instead.
malformed_contributions(relation) := ({sprintf("%s: domain %s has a row filter that is not {\"rule\", \"filter\"} (policy error)", [relation_key(relation), relation.schema]) |
	some entry in row_filter_entries(relation)
	not well_formed_row_filter(entry)
} | {sprintf("%s: domain %s has a mask of column %s that is not {\"rule\", \"mask\"} (policy error)", [relation_key(relation), relation.schema, column]) |
	some [column, entry] in domain_mask_entries(relation)
	not well_formed_mask(entry)
}) | {sprintf("%s: domain %s has a denied column that is not {\"rule\", \"column\"} (policy error)", [relation_key(relation), relation.schema]) |
	some entry in denied_column_entries(relation)
	not well_formed_denied_column(entry)
}

well_formed_row_filter(entry) if {
	is_string(entry.rule)
	is_object(entry.filter)
}

well_formed_mask(entry) if {
	is_string(entry.rule)
	is_object(entry.mask)
}

well_formed_denied_column(entry) if {
	is_string(entry.rule)
	is_string(entry.column)
}

# --- reasons to deny ---------------------------------------------------------------------

deny_reasons contains problem if {
	some problem in input_problems
}

deny_reasons contains sprintf("%s statements are not allowed through the mesh (rule global.statement_kinds)", [input.statement.kind]) if {
	input.statement.kind in statement_kinds
	not input.statement.kind in served_statement_kinds
}

deny_reasons contains sprintf("%s: %s access in a %s statement is not allowed (rule global.statement_kinds)", [relation_key(relation), relation.access, input.statement.kind]) if {
	input.statement.kind in served_statement_kinds
	some relation in valid_relations
	not access_fits_kind(relation)
}

deny_reasons contains sprintf("%s: catalog %s is not governed by the mesh (default deny)", [relation_key(relation), relation.catalog]) if {
	some relation in valid_relations
	not relation.catalog in governed_catalogs
}

deny_reasons contains sprintf("%s: a name containing a dot cannot be governed (default deny)", [relation_key(relation)]) if {
	some relation in valid_relations
	not plain_names(relation)
}

deny_reasons contains sprintf("%s: schema %s is not a domain of the mesh (default deny)", [relation_key(relation), relation.schema]) if {
	some relation in valid_relations
	relation.catalog in governed_catalogs
	plain_names(relation)
	not domains[relation.schema].metadata
}

deny_reasons contains sprintf("%s: table %s is not a data product of domain %s (default deny)", [relation_key(relation), relation.table, relation.schema]) if {
	some relation in valid_relations
	domain_metadata(relation)
	not judged(relation)
}

deny_reasons contains reason if {
	some relation in valid_relations
	some reason in domain_denials(relation)
}

deny_reasons contains sprintf("%s: no rule of domain %s grants %s access (default deny)", [relation_key(relation), relation.schema, relation.access]) if {
	some relation in valid_relations
	judged(relation)
	count(grant_rules(relation)) == 0
	count(domain_denials(relation)) == 0
}

deny_reasons contains error if {
	some relation in valid_relations
	some error in policy_errors(relation)
}

# --- what the decision says per relation -------------------------------------------------

relation_policies[key] := policy if {
	some relation in valid_relations
	data_product(relation)
	key := relation_key(relation)
	conflicts := conflicting_masks(relation)
	policy := {
		"row_filters": [with_policy(entry.filter, entry.rule) | some entry in row_filter_entries(relation)],
		"column_masks": {entry.column: with_policy(entry.mask, entry.rule) |
			some entry in mask_entries(relation)
			not conflicts[entry.column]
		},
		"denied_columns": sort({entry.column | some entry in denied_column_entries(relation)}),
	}
}

# A filter or mask as the decision states it: with the id of the rule it comes from, so the
# audit log can say which rule produced which filter and mask. The rule id wins over a
# "policy" the domain may have written into the filter or mask itself: the id is the one the
# composition recorded, not one a contribution claims.
with_policy(contribution, rule) := object.union(contribution, {"policy": rule})

# The ids of every rule that shaped the decision, for the audit log.
policies contains rule if {
	some relation in valid_relations
	some rule in grant_rules(relation)
}

policies contains "global.statement_kinds" if {
	input.statement.kind in statement_kinds
	not input.statement.kind in served_statement_kinds
}

policies contains "global.statement_kinds" if {
	input.statement.kind in served_statement_kinds
	some relation in valid_relations
	not access_fits_kind(relation)
}

policies contains entry.rule if {
	some relation in valid_relations
	some entry in ((row_filter_entries(relation) | mask_entries(relation)) | denied_column_entries(relation))
}
