# A policy for CancelWhileGoverningIT only: carol may read anything, but every decision takes a
# second or more to compute, so a client's CancelRequest can arrive while Meshgate still governs
# the statement. Everyone else is denied.
package meshgate

import rego.v1

default decision := {"allow": false, "deny_reasons": ["cancel test policy: only carol"], "relations": {}, "policies": []}

decision := {
	"allow": true,
	"deny_reasons": [],
	"relations": {},
	"policies": ["cancel_test.slow"],
} if {
	input.subject.user == "carol"
	slow
}

# About a second of evaluation on a developer's machine, more on a busy one.
slow if count([x | some x in numbers.range(1, 1000000); x % 7 == 0]) > 0
