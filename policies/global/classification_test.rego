package meshgate_test.classification

import data.meshgate.classification

metadata := {
	"owners": ["owners_team"],
	"products": {"people": {"columns": {
		"id": {},
		"mail": {"classification": "pii.email"},
		"mobile": {"classification": "pii.phone"},
		"born": {"classification": "pii.birth_date"},
		"shoe_size": {"classification": "pii.shoe_size"},
	}}},
}

test_classified_columns_are_masked_mesh_wide if {
	masks := classification.column_masks(metadata, "people") with input as {"subject": {"groups": ["analysts"]}}
	masks == {
		{"rule": "global.pii.email", "column": "mail", "mask": {"function": "email"}},
		{"rule": "global.pii.phone", "column": "mobile", "mask": {"function": "show_last", "n": 4}},
		{"rule": "global.pii.birth_date", "column": "born", "mask": {"function": "truncate_date", "unit": "year"}},
	}
}

test_owners_see_their_data_unmasked if {
	masks := classification.column_masks(metadata, "people") with input as {"subject": {"groups": ["owners_team"]}}
	count(masks) == 0
}

test_domain_without_owners_masks_for_everyone if {
	masks := classification.column_masks(json.remove(metadata, ["owners"]), "people") with input as {"subject": {"groups": ["owners_team"]}}
	count(masks) == 3
}

test_unknown_classification_is_reported if {
	classification.unknown_classifications(metadata, "people") == {{"column": "shoe_size", "classification": "pii.shoe_size"}}
}
