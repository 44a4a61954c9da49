# shellcheck shell=bash
# Leak checks: what a test made must be gone after its teardown.
#
# Host links: every new link counts, except what other labs and container engines make while
# this file runs: bridges, veths and links enslaved to a bridge (engines' plumbing, and the labs'
# parents), and links stacked on another lab's parent (such as the hook's host shim when another
# file's containers ask for it), unless the link carries this file's names or sits on this
# file's labs; and macvlans named veth*, which Docker's own macvlan driver makes in the host for
# a moment before it moves them into a container. The hook's own links are macvlans named lanN
# or dfsN, so a leak of this file's hook calls cannot hide in those exceptions, and the check
# stays right beside other files and engines.
host_links() {
	ip -d -j link show | jq -r --arg ours "$(our_name_re)" '.[]
		| (.linkinfo.info_kind // "") as $kind
		| (.link // "") as $lower
		| select((.ifname | test($ours)) or ($lower | test($ours))
			or (.master == null and $kind != "bridge" and $kind != "veth"
				and ($lower | startswith("dfl-") | not)
				and (($kind == "macvlan" and (.ifname | startswith("veth"))) | not)))
		| "\(.ifindex) \(.ifname) \($kind) on \(if $lower == "" then "-" else $lower end)"' |
		sort
}

# Named namespaces carrying this file's names (labs and scratch namespaces).
our_named_netns() {
	ip netns list | awk '{ print $1 }' | grep -E "$(our_name_re)" | sort || true
}

# The processes holding a recorded network namespace that are ours: pids this test started, or
# processes in a cgroup named after this file's containers. Namespace inode numbers are reused
# as soon as they are freed, so a holder that is neither belongs to someone else's namespace.
our_netns_holders() {
	local pid ns
	[ -f "$BATS_TEST_TMPDIR/netns" ] || return 0
	find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
		awk 'NR == FNR { want[$1]; next }
			$2 in want { split($1, p, "/"); print p[3], $2 }' "$BATS_TEST_TMPDIR/netns" - |
		while read -r pid ns; do
			if grep -qxF "$pid" "$BATS_TEST_TMPDIR/pids" 2>/dev/null ||
				grep -qF ":/$DFT_NUM$DFT_PID-" "/proc/$pid/cgroup" 2>/dev/null; then
				echo "$pid $ns $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
			fi
		done
}

no_netns_holders() {
	[ -z "$(our_netns_holders)" ]
}

leak_snapshot() {
	host_links >"$BATS_TEST_TMPDIR/links.before"
	our_named_netns >"$BATS_TEST_TMPDIR/netns.before"
}

# leak_check: fails listing every leftover; run after the test's own cleanup.
leak_check() {
	local new rc=0
	new=$(comm -13 "$BATS_TEST_TMPDIR/links.before" <(host_links))
	if [ -n "$new" ]; then
		echo "leak: new host links: $new" >&2
		rc=1
	fi
	new=$(comm -13 "$BATS_TEST_TMPDIR/netns.before" <(our_named_netns))
	if [ -n "$new" ]; then
		echo "leak: named netns left: $new" >&2
		rc=1
	fi
	# A killed container's processes can still be on their way out: give them a moment.
	if ! wait_until 50 no_netns_holders 2>/dev/null; then
		echo "leak: processes still in the test's network namespaces:" >&2
		our_netns_holders | sed 's/^/  /' >&2
		rc=1
	fi
	new=$(containers_left)
	if [ -n "$new" ]; then
		echo "leak: containers left: $new" >&2
		rc=1
	fi
	return "$rc"
}
