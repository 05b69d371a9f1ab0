# METADATA
# title: pgbench tables (load tests only)
# description: >-
#   The tables that `pgbench -i` creates in schema public of the benchmark database
#   `bench`. pgbench's built-in scripts name them unqualified, and Meshgate resolves
#   unqualified names through the search path ($user is skipped, public remains), so the
#   domain is `public`. This folder exists only in the copy of policies/ that
#   load-tests/bin/run serves: every authenticated subject reads every pgbench table, with
#   no row filter and no mask, so the benchmark measures Meshgate's whole path (parse,
#   decide, rewrite, audit) for an allowed statement.
package meshgate.domains.public

import data.meshgate.lib

# Published for the global policy: owners and data products (public/data.json).
metadata := data.public

grants[table].read contains "public.bench_readers" if {
	some table, _ in metadata.products
	lib.authenticated
}
