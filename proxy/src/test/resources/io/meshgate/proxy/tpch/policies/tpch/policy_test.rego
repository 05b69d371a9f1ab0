package meshgate.domains.tpch_test

import data.meshgate
import data.meshgate_test.fixtures

test_data_scientists_read_every_row if {
	every table, _ in data.tpch.products {
		decision := meshgate.decision with input as fixtures.read("carol", "tpch", table)
		decision.allow == true
		decision.relations[sprintf("mesh.tpch.%s", [table])] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
	}
}

test_analysts_read_filtered_rows if {
	decision := meshgate.decision with input as fixtures.read("alice", "tpch", "lineitem")
	decision.allow == true
	count(decision.relations["mesh.tpch.lineitem"].row_filters) == 2
	{"expression": "l_discount <= 0.08", "policy": "tpch.filtered_readers"} in decision.relations["mesh.tpch.lineitem"].row_filters
	orders := meshgate.decision with input as fixtures.read("alice", "tpch", "orders")
	orders.relations["mesh.tpch.orders"].row_filters == [{"column": "o_orderdate", "op": ">=", "value": "1993-01-01", "policy": "tpch.filtered_readers"}]
	nation := meshgate.decision with input as fixtures.read("alice", "tpch", "nation")
	nation.relations["mesh.tpch.nation"].row_filters == []
}

test_others_are_denied if {
	decision := meshgate.decision with input as fixtures.read("bob", "tpch", "customer")
	decision.allow == false
}
