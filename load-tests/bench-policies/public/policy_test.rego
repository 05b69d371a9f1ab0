package meshgate.domains.public_test

import data.meshgate
import data.meshgate_test.fixtures

# The benchmark database, which load-tests/bin/run adds to the governed catalogs of its copy.
bench_read(subject, table) := json.patch(fixtures.read_as(subject, "public", table), [
	{"op": "replace", "path": "/statement/relations/0/catalog", "value": "bench"},
	{"op": "replace", "path": "/context/database", "value": "bench"},
])

test_every_authenticated_subject_reads_every_pgbench_table if {
	every table in ["pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history"] {
		decision := meshgate.decision with input as bench_read(fixtures.subject("bench", ["benchmark"], {}), table)
		decision.allow == true
		decision.relations[sprintf("bench.public.%s", [table])] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
		decision.policies == ["public.bench_readers"]
	}
}

test_users_without_groups_read_too if {
	decision := meshgate.decision with input as bench_read(fixtures.subject("erin", [], {}), "pgbench_accounts")
	decision.allow == true
}

test_pgbench_tables_are_read_only if {
	relation := object.union(fixtures.relation("public", "pgbench_accounts", "update"), {"catalog": "bench"})
	decision := meshgate.decision with input as fixtures.statement(fixtures.subject("bench", [], {}), "update", [relation])
	decision.allow == false
}

test_undeclared_columns_stay_denied if {
	input_value := json.patch(bench_read(fixtures.subject("bench", [], {}), "pgbench_accounts"), [{"op": "add", "path": "/statement/relations/0/columns/-", "value": "secret"}])
	decision := meshgate.decision with input as input_value
	decision.relations["bench.public.pgbench_accounts"].denied_columns == ["secret"]
}
