# METADATA
# title: Mesh-wide classification rules
# description: >-
#   Columns that a domain classifies in its data.json get the same mask in every domain,
#   so no domain has to repeat these rules. The owners of a domain see their own data
#   unmasked.
package meshgate.classification

import data.meshgate.lib

# The mask of each known classification; the rule id of a mask is "global.<classification>".
masks := {
	"pii.email": {"function": "email"},
	"pii.phone": {"function": "show_last", "n": 4},
	"pii.birth_date": {"function": "truncate_date", "unit": "year"},
}

# column_masks(metadata, table) is the set of {"rule", "column", "mask"} that the
# classification rules put on the data product `table` of the domain described by
# `metadata` (its data.json).
column_masks(metadata, table) := {entry |
	# object.get, not metadata.owners: `not f(x.missing)` fails rather than succeeds, and
	# a domain without owners must get the masks, not lose them.
	not lib.in_any_group(object.get(metadata, "owners", []))
	some column, description in metadata.products[table].columns
	mask := masks[description.classification]
	entry := {"rule": concat(".", ["global", description.classification]), "column": column, "mask": mask}
}

# unknown_classifications(metadata, table) is the set of {"column", "classification"}
# whose classification has no mesh-wide rule. A misspelt classification would otherwise
# leave a sensitive column unmasked, so the global policy treats it as a policy error.
unknown_classifications(metadata, table) := {entry |
	some column, description in metadata.products[table].columns
	"classification" in object.keys(description)
	not masks[description.classification]
	entry := {"column": column, "classification": description.classification}
}
