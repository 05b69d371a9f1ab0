# Shape of the policy input: checks that the input follows policy contract v1 before any
# rule trusts it. An input that does not is Meshgate's bug, and the statement is refused
# rather than judged on half an input. (Same package as decision.rego, whose METADATA
# annotation describes the package.)
#
# Each check is a positive rule that is negated, never `not f(input.x)`: OPA evaluates
# the argument input.x first, and when it is undefined the whole `not` expression fails
# instead of succeeding, which would hide exactly the missing fields looked for here.
package meshgate

statement_kinds := {"select", "insert", "update", "delete", "merge", "copy_out", "copy_in", "ddl", "call", "utility"}

accesses := {"read", "insert", "update", "delete", "ddl"}

# What a statement of kind ddl does to its targets (statement.ddl_action); "" for every other kind.
ddl_actions := {
	"create_table", "drop_table", "truncate", "rename_table", "add_column", "drop_column",
	"rename_column", "create_index", "drop_index", "comment",
}

input_problems contains "policy input: version must be 1" if not version_valid

input_problems contains "policy input: subject.user must be a non-empty string" if not user_valid

input_problems contains "policy input: subject.groups must be an array of strings" if not groups_valid

input_problems contains "policy input: subject.attributes must be an object" if not attributes_valid

input_problems contains "policy input: context.database must be a non-empty string" if not database_valid

input_problems contains "policy input: statement.kind is not a statement kind of contract v1" if not kind_valid

input_problems contains "policy input: statement.ddl_action must be a DDL action of contract v1 for kind ddl, and empty for every other kind" if not ddl_action_valid

input_problems contains "policy input: statement.relations must be an array" if not relations_valid

input_problems contains sprintf("policy input: statement.relations[%d] does not follow contract v1", [index]) if {
	some index, relation in input.statement.relations
	not valid_relation(relation)
}

version_valid if input.version == 1

user_valid if non_empty_string(input.subject.user)

groups_valid if string_array(input.subject.groups)

attributes_valid if is_object(input.subject.attributes)

database_valid if non_empty_string(input.context.database)

kind_valid if input.statement.kind in statement_kinds

ddl_action_valid if {
	input.statement.kind == "ddl"
	input.statement.ddl_action in ddl_actions
}

ddl_action_valid if {
	input.statement.kind != "ddl"
	input.statement.ddl_action == ""
}

relations_valid if is_array(input.statement.relations)

valid_relation(relation) if {
	non_empty_string(relation.catalog)
	non_empty_string(relation.schema)
	non_empty_string(relation.table)
	relation.access in accesses
	string_array(relation.columns)
	string_array(relation.referenced_columns)
}

# The relations that follow the contract; only these are judged, and any other one
# makes the input a problem.
valid_relations := {relation |
	some relation in input.statement.relations
	valid_relation(relation)
}

input_valid if count(input_problems) == 0

non_empty_string(value) if {
	is_string(value)
	value != ""
}

string_array(value) if {
	is_array(value)
	every element in value {
		is_string(element)
	}
}
