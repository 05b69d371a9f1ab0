package meshgate.domains.weather_test

import data.meshgate
import data.meshgate.domains.weather
import data.meshgate_test.fixtures

test_temperature_products_are_open_to_every_demo_user if {
	every user, _ in fixtures.users {
		every table in ["daily_temperatures", "hourly_temperatures"] {
			decision := meshgate.decision with input as fixtures.read(user, "weather", table)
			decision.allow == true
			decision.deny_reasons == []
			decision.relations[sprintf("mesh.weather.%s", [table])] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
			decision.policies == ["weather.open_products"]
		}
	}
}

test_temperature_products_are_open_to_users_without_groups if {
	subject := fixtures.subject("erin", [], {})
	decision := meshgate.decision with input as fixtures.read_as(subject, "weather", "hourly_temperatures")
	decision.allow == true
}

test_weather_team_reads_raw_station_data if {
	decision := meshgate.decision with input as fixtures.read("bob", "weather", "stations_raw")
	decision.allow == true
	decision.relations["mesh.weather.stations_raw"] == {"row_filters": [], "column_masks": {}, "denied_columns": []}
	decision.policies == ["weather.owners"]
}

test_everyone_else_is_denied_raw_station_data if {
	every user in ["alice", "carol", "dave"] {
		decision := meshgate.decision with input as fixtures.read(user, "weather", "stations_raw")
		decision.allow == false
		decision.deny_reasons == ["weather.stations_raw is restricted to the weather domain team"]
	}
}

test_weather_team_cannot_write if {
	decision := meshgate.decision with input as fixtures.statement(fixtures.users.bob, "insert", [fixtures.relation("weather", "stations_raw", "insert")])
	decision.allow == false
}

test_grants_only_read if {
	grants := weather.grants with input as fixtures.read("bob", "weather", "stations_raw")
	grants == {
		"daily_temperatures": {"read": {"weather.open_products"}},
		"hourly_temperatures": {"read": {"weather.open_products"}},
		"stations_raw": {"read": {"weather.owners"}},
	}
}

test_every_product_column_is_declared if {
	every table in ["stations_raw", "daily_temperatures", "hourly_temperatures"] {
		weather.metadata.products[table].columns
	}
	object.keys(weather.metadata.products.stations_raw.columns) == {"station_id", "zip_code", "observed_at", "temperature_c", "humidity", "raw_payload"}
	object.keys(weather.metadata.products.daily_temperatures.columns) == {"zip_code", "day", "min_temp", "max_temp", "avg_temp"}
	object.keys(weather.metadata.products.hourly_temperatures.columns) == {"zip_code", "hour", "min_temp", "max_temp", "avg_temp"}
}

# --- DDL ------------------------------------------------------------------------------------

test_weather_team_runs_ddl_on_its_schema_only if {
	own := fixtures.ddl_target("weather", "forecasts", [], ["zip_code"])
	allowed := meshgate.decision with input as fixtures.ddl(fixtures.users.bob, "create_table", [own])
	allowed.allow == true
	allowed.policies == ["weather.owners_ddl"]

	other := fixtures.ddl_target("sales", "forecasts", [], ["zip_code"])
	denied := meshgate.decision with input as fixtures.ddl(fixtures.users.bob, "create_table", [other])
	denied.allow == false
}

test_others_run_no_ddl_on_weather if {
	target := fixtures.ddl_target("weather", "daily_temperatures", [], [])
	every user in ["alice", "carol", "dave"] {
		decision := meshgate.decision with input as fixtures.ddl(fixtures.users[user], "drop_table", [target])
		decision.allow == false
	}
}
