# METADATA
# title: Layout of the policies folder
# description: >-
#   Each folder may only write its own part of the data tree. OPA places rules by their
#   package and data files by their folder (sales/data.json lands at data.sales), so a
#   domain folder that declared `package meshgate.domains.sales` or `package meshgate`
#   could shape another domain's decisions without the composition ever noticing. The
#   build (policies/check) evaluates this package over `opa inspect --format json`.
package meshgate.layout

# Names that a domain folder cannot have: they are taken by OPA (data.system), by the
# rules (data.meshgate) or by the global folder, or are build output.
reserved_folders := {"global", "meshgate", "system", "target"}

# The files every domain folder has.
required_domain_files := {"policy.rego", "data.json", "policy_test.rego"}

files := {file |
	some _, namespace_files in input.namespaces
	some file in namespace_files
}

folder_of(file) := parts[0] if {
	parts := split(file, "/")
	count(parts) > 1
}

domain_folders := {folder |
	some file in files
	folder := folder_of(file)
	folder != "global"
}

violations contains sprintf("%s: files must be inside global/ or a domain folder", [file]) if {
	some file in files
	not folder_of(file)
}

violations contains sprintf("%s/: %s cannot be a domain name (reserved)", [folder, folder]) if {
	some folder in domain_folders
	folder in reserved_folders
}

violations contains sprintf("%s/: a domain name is lower case letters, digits and _ (it is the schema name)", [folder]) if {
	some folder in domain_folders
	not regex.match(`^[a-z][a-z0-9_]*$`, folder)
}

violations contains sprintf("%s/: every domain has %s", [folder, file]) if {
	some folder in domain_folders
	some file in required_domain_files
	not concat("/", [folder, file]) in files
}

violations contains sprintf("%s: %s is outside what folder %s may write", [file, namespace, folder]) if {
	some namespace, namespace_files in input.namespaces
	some file in namespace_files
	folder := folder_of(file)
	not writable(folder, namespace)
}

# global/ writes the rules under data.meshgate except the domains', and its tests.
writable("global", namespace) if {
	within(namespace, "data.meshgate")
	not within(namespace, "data.meshgate.domains")
}

writable("global", namespace) if within(namespace, "data.meshgate_test")

# A domain folder writes its package, its tests' package and its data.
writable(folder, namespace) if {
	folder != "global"
	some own in {"data.meshgate.domains.%s", "data.meshgate.domains.%s_test", "data.%s"}
	within(namespace, sprintf(own, [folder]))
}

within(namespace, root) if namespace == root

within(namespace, root) if startswith(namespace, concat("", [root, "."]))
