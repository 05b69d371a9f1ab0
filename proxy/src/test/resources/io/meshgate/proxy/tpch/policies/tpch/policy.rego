# METADATA
# title: TPC-H (integration tests only)
# description: >-
#   The eight TPC-H tables of schema tpch, for the proxy's TPC-H integration tests, which
#   serve a copy of policies/ plus this folder. Data scientists read every row; analysts read
#   the rows that the filters below let through. TpchFilteredIT gives PostgreSQL's own
#   row-level security the same predicates for a role of its own and compares the results.
package meshgate.domains.tpch

import data.meshgate.lib

# Published for the global policy: owners and data products (tpch/data.json).
metadata := data.tpch

unrestricted_readers := {"data_scientists"}

filtered_readers := {"analysts"}

filtered_only if {
	lib.in_any_group(filtered_readers)
	not lib.in_any_group(unrestricted_readers)
}

# Nations of the regions AMERICA, ASIA and EUROPE (AFRICA and MIDDLE EAST are left out).
visible_nations := [1, 2, 3, 6, 7, 8, 9, 12, 17, 18, 19, 21, 22, 23, 24]

# Structured filters and expressions on purpose, two of them on lineitem (ANDed); region,
# nation and partsupp are not filtered.
analyst_filters := {
	"customer": [{"column": "c_nationkey", "op": "in", "values": visible_nations}],
	"supplier": [{"expression": "s_acctbal > 2500"}],
	"part": [{"column": "p_size", "op": "<=", "value": 45}],
	"orders": [{"column": "o_orderdate", "op": ">=", "value": "1993-01-01"}],
	"lineitem": [
		{"expression": "l_discount <= 0.08"},
		{"column": "l_shipmode", "op": "not_in", "values": ["REG AIR"]},
	],
}

grants[table].read contains "tpch.readers" if {
	some table, _ in metadata.products
	lib.in_any_group(unrestricted_readers)
}

grants[table].read contains "tpch.filtered_readers" if {
	some table, _ in metadata.products
	filtered_only
}

row_filters[table] contains {"rule": "tpch.filtered_readers", "filter": filter} if {
	filtered_only
	some table, filters in analyst_filters
	some filter in filters
}
