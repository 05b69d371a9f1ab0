# METADATA
# title: Helpers for domain policies
# description: >-
#   Questions about the subject that every domain asks the same way, so that domain
#   policies read like their rules and cannot get the input's shape wrong.
package meshgate.lib

# Every non-empty user name is an authenticated subject: Meshgate only asks for
# decisions after authentication.
authenticated if {
	is_string(input.subject.user)
	input.subject.user != ""
}

# The subject's groups as a set; empty when the input has none.
subject_groups := {group |
	is_array(input.subject.groups)
	some group in input.subject.groups
	is_string(group)
}

# in_any_group(groups) holds when the subject belongs to at least one of groups.
in_any_group(groups) if {
	some group in groups
	group in subject_groups
}

# The subject's region, when it has exactly one as a string attribute. Row filters
# built from it are structured, so Meshgate renders the value as a literal.
subject_region := input.subject.attributes.region if {
	is_string(input.subject.attributes.region)
	input.subject.attributes.region != ""
}

# region_filter(column) restricts a relation to the rows of the subject's region.
region_filter(column) := {"column": column, "op": "in", "values": [subject_region]}
