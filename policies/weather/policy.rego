# METADATA
# title: Weather domain
# description: >-
#   Who may read the weather data products. The derived temperature products are open to
#   the whole mesh; the raw station feed stays with the weather team.
package meshgate.domains.weather

import data.meshgate.lib

# Published for the global policy: owners and data products, from data.json beside this
# file (OPA loads weather/data.json at data.weather).
metadata := data.weather

# The derived products every authenticated subject may read.
open_products := {"daily_temperatures", "hourly_temperatures"}

grants[table].read contains "weather.open_products" if {
	some table in open_products
	lib.authenticated
}

grants.stations_raw.read contains "weather.owners" if {
	lib.in_any_group(metadata.owners)
}

denials.stations_raw.read contains "weather.stations_raw is restricted to the weather domain team" if {
	not lib.in_any_group(metadata.owners)
}

# --- DDL --------------------------------------------------------------------------------------

# The domain's owners change the tables of its own schema (create, alter, drop, truncate,
# index, comment), data products or not; nobody else runs DDL here. Which forms Meshgate
# forwards at all is fixed by Meshgate (CONTRACT.md, DDL).
ddl_grants contains "weather.owners_ddl" if lib.in_any_group(metadata.owners)
