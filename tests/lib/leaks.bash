# shellcheck shell=bash
# Leak checks: what a test made must be gone after its teardown.
#
# Host links: every new link counts, except the plumbing that container engines and other
# labs make (bridges, veths, links enslaved to a bridge) unless it carries this file's names.
# The hook only ever makes macvlan links, so none of its leaks can hide in that exception, and
# the exception keeps the check right while other files or engines run beside this one.
host_links() {
	ip -d -j link show | jq -r --arg ours "$(our_name_re)" '.[]
		| (.linkinfo.info_kind // "") as $kind
		| select((.ifname | test($ours))
			or (.master == null and $kind != "bridge" and $kind != "veth"))
		| "\(.ifindex) \(.ifname) \($kind)"' | sort
}

# Named namespaces carrying this file's names (labs and scratch namespaces).
our_named_netns() {
	ip netns list | awk '{ print $1 }' | grep -E "$(our_name_re)" | sort || true
}

live_netns() {
	local f
	for f in /proc/[0-9]*/ns/net; do
		readlink "$f" 2>/dev/null || true
	done | sort -u
}

netns_holders() {
	local f
	for f in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$f" 2>/dev/null)" != "$1" ] || printf '%s ' "$(cut -d/ -f3 <<<"$f")"
	done
}

leak_snapshot() {
	host_links >"$BATS_TEST_TMPDIR/links.before"
	our_named_netns >"$BATS_TEST_TMPDIR/netns.before"
}

# leak_check: fails listing every leftover; run after the test's own cleanup.
leak_check() {
	local new rc=0 ns
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
	if [ -f "$BATS_TEST_TMPDIR/netns" ]; then
		new=$(comm -12 <(sort -u "$BATS_TEST_TMPDIR/netns") <(live_netns))
		if [ -n "$new" ]; then
			echo "leak: network namespaces still held by processes: $new" >&2
			for ns in $new; do
				echo "  $ns held by pids: $(netns_holders "$ns")" >&2
			done
			rc=1
		fi
	fi
	new=$(containers_left)
	if [ -n "$new" ]; then
		echo "leak: containers left: $new" >&2
		rc=1
	fi
	return "$rc"
}
