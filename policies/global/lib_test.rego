package meshgate_test.lib

import data.meshgate.lib

test_authenticated_needs_a_user_name if {
	lib.authenticated with input as {"subject": {"user": "alice"}}
	not lib.authenticated with input as {"subject": {"user": ""}}
	not lib.authenticated with input as {"subject": {}}
}

test_in_any_group if {
	lib.in_any_group({"analysts", "auditors"}) with input as {"subject": {"groups": ["auditors"]}}
	not lib.in_any_group({"analysts"}) with input as {"subject": {"groups": ["auditors"]}}
	not lib.in_any_group({"analysts"}) with input as {"subject": {"groups": "analysts"}}
}

test_subject_region_is_one_non_empty_string if {
	lib.subject_region == "EU" with input as {"subject": {"attributes": {"region": "EU"}}}
	not lib.subject_region with input as {"subject": {"attributes": {"region": ""}}}
	not lib.subject_region with input as {"subject": {"attributes": {"region": ["EU", "US"]}}}
	not lib.subject_region with input as {"subject": {"attributes": {}}}
}

test_region_filter_is_structured if {
	filter := lib.region_filter("region") with input as {"subject": {"attributes": {"region": "EU"}}}
	filter == {"column": "region", "op": "in", "values": ["EU"]}
}
