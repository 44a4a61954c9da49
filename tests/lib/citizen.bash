# shellcheck shell=bash
# Helpers for 25-lan-citizen.bats: addresses held by the peer, packet captures in the peer,
# the host configuration file, host shims and routes, stable MACs. Loaded after helper.bash.

# cz_setup_file: lab LAB on 198.18.NUM.0/24 (NUM: the file's number), runc, the hook built.
cz_setup_file() {
	common_setup_file
	file_lab_up LAB a "$DFT_FILE_NET"
	use_runtime runc
	need_hook
	CZ_SHIM=dfs$(cat "/sys/class/net/$LAB_PARENT/ifindex")
	export CZ_SHIM
}

cz_setup() {
	unset CZ_CONF CZ_POLICY CZ_HOSTNAME DOCKERFLY_CONF DOCKERFLY_POLICY
	common_setup
}

# What a test put on lab links by hand goes first, then the common cleanup and leak check.
cz_teardown() {
	local line rc=0
	if [ -f "$BATS_TEST_TMPDIR/held" ]; then
		while read -r line; do
			# shellcheck disable=SC2086 # "NS DEV ADDR": three words
			set -- $line
			ip -n "$1" addr del "$3" dev "$2" 2>/dev/null || true
		done <"$BATS_TEST_TMPDIR/held"
	fi
	if [ -f "$BATS_TEST_TMPDIR/parent_addrs" ]; then
		while read -r line; do
			# shellcheck disable=SC2086 # "DEV ADDR": two words
			set -- $line
			ip addr del "$2" dev "$1" 2>/dev/null || true
		done <"$BATS_TEST_TMPDIR/parent_addrs"
	fi
	common_teardown || rc=1
	return "$rc"
}

# peer_hold PREFIX ADDR/LEN: the lab's peer takes ADDR too (IPv6 without DAD), until teardown.
peer_hold() {
	local ns_var="${1}_PEER_NS"
	echo "${!ns_var} lan0 $2" >>"$BATS_TEST_TMPDIR/held"
	case $2 in
	*:*) ip -n "${!ns_var}" addr add "$2" dev lan0 nodad ;;
	*) ip -n "${!ns_var}" addr add "$2" dev lan0 ;;
	esac
}

# parent_addr_add DEV ADDR/LEN: an address on a lab parent in this namespace, until teardown.
parent_addr_add() {
	echo "$1 $2" >>"$BATS_TEST_TMPDIR/parent_addrs"
	ip addr add "$2" dev "$1"
}

peer_mac() {
	in_peer "$1" cat /sys/class/net/lan0/address
}

# peer_neigh_mac PREFIX ADDR: the MAC in the peer's neighbour entry for ADDR ("" if none).
peer_neigh_mac() {
	in_peer "$1" ip -j neigh show "$2" dev lan0 | jq -r '.[0].lladdr // ""'
}

peer_neigh_is() {
	[ "$(peer_neigh_mac "$1" "$2")" = "$3" ]
}

# cz_conf LINE...: a host configuration file owned by the test; the hook reads it through
# DOCKERFLY_CONF, both when the tests call it and when a runtime does (cz_bundle).
cz_conf() {
	CZ_CONF="$BATS_TEST_TMPDIR/dockerfly.conf"
	printf '%s\n' "$@" >"$CZ_CONF"
	DOCKERFLY_CONF=$CZ_CONF
	export CZ_CONF DOCKERFLY_CONF
}

# cz_policy LINE...: an admin policy file owned by the test (DOCKERFLY_POLICY), e.g. to let
# containers ask for host routes themselves.
cz_policy() {
	CZ_POLICY="$BATS_TEST_TMPDIR/policy"
	printf '%s\n' "$@" >"$CZ_POLICY"
	DOCKERFLY_POLICY=$CZ_POLICY
	export CZ_POLICY DOCKERFLY_POLICY
}

# cz_bundle ID [make_bundle options and annotations...]: a bundle in $BATS_TEST_TMPDIR/ID whose
# container serves /www on port 8080. Its hooks get DOCKERFLY_CONF=$CZ_CONF and
# DOCKERFLY_POLICY=$CZ_POLICY when those are set (runtimes give hooks only the environment
# config.json names); its hostname is $CZ_HOSTNAME when that is set.
cz_bundle() {
	local dir="$BATS_TEST_TMPDIR/$1"
	shift
	make_bundle "$dir" "$@" -- sh -c 'httpd -p 8080 -h /www && exec sleep 100000'
	jq --arg conf "${CZ_CONF:-}" --arg policy "${CZ_POLICY:-}" --arg host "${CZ_HOSTNAME:-}" '
		([if $conf != "" then "DOCKERFLY_CONF=" + $conf else empty end,
		  if $policy != "" then "DOCKERFLY_POLICY=" + $policy else empty end]) as $env
		| if $env != [] and .hooks != null
		  then .hooks |= map_values(map(.env = $env)) else . end
		| if $host != "" then .hostname = $host else . end
		' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# cz_ctr WORD [make_bundle options and annotations...]: start a container. Sets CTR.
cz_ctr() {
	CTR=$(ctr_id "$1")
	shift
	cz_bundle "$CTR" "$@"
	ctr_start "$CTR" "$BATS_TEST_TMPDIR/$CTR"
}

# cz_refused WORD [make_bundle options and annotations...]: the runtime must fail to create
# the container. Sets REFUSED to the runtime's output and the hook's stderr: runc shows the
# hook's stderr in its own; crun drops it unless an annotation names a file for it.
cz_refused() {
	local id hook_err
	id=$(ctr_id "$1")
	shift
	hook_err="$BATS_TEST_TMPDIR/$id.hook-stderr"
	cz_bundle "$id" "$@" "run.oci.hooks.stderr=$hook_err"
	# A file, not a pipe: a container that is created after all would hold a pipe open.
	if rt create --bundle "$BATS_TEST_TMPDIR/$id" "$id" </dev/null \
		>"$BATS_TEST_TMPDIR/$id.log" 2>&1 3>&-; then
		flunk "$RUNTIME created $id, expected a refusal"
		return 1
	fi
	REFUSED=$(cat "$BATS_TEST_TMPDIR/$id.log")
	[ ! -f "$hook_err" ] || REFUSED+=$'\n'$(cat "$hook_err")
	echo "$RUNTIME create $id: $REFUSED" >&2
	if rt state "$id" >/dev/null 2>&1; then
		flunk "$RUNTIME kept container $id after the hook refused it"
		return 1
	fi
}

# cz_ctr_mac ID [IFNAME]: the MAC of a NIC in the container.
cz_ctr_mac() {
	ctr_ns "$1" ip -j link show dev "${2:-lan0}" | jq -er '.[0].address'
}

cz_listens() {
	[ -n "$(ctr_ns "$1" ss -Htln "sport = :$2")" ]
}

# host_get ADDR: fetch the container's index page over TCP from this (the host's) namespace.
host_get() {
	timeout 10 busybox wget -q -O - "http://$1:8080/index.html"
}

# host_routes PREFIX: this namespace's IPv4 routes into that lab's subnet.
host_routes() {
	local net_var="${1}_NET4"
	ip -4 -o route show | grep -F "${!net_var}." || true
}

# shim_links PARENT: this namespace's links whose name marks them as a shim of PARENT.
shim_links() {
	ip -o link show | awk -F': ' -v shim="dfs$(cat "/sys/class/net/$1/ifindex")" '
		{ sub(/@.*/, "", $2) } $2 == shim { print $2 }'
}

# ns_only_lo PID: the namespace holds no link but lo.
ns_only_lo() {
	assert_eq "links in namespace of $1" "1 lo" "$(ns_links "$1")"
}

# cz_hook STAGE PID ID ANNOTATIONS...: the hook by hand for a stand-in container.
cz_hook() {
	local stage=$1 pid=$2 id=$3
	shift 3
	run --separate-stderr "$DOCKERFLY_HOOK" "$stage" <<<"$(hook_state "$id" "$pid" /nonexistent "$@")"
}

# --- packet captures in a lab's peer host ---

# capture_start PREFIX FILTER: tcpdump on the peer's lan0 into a file, running once this
# returns. Sets CAP_FILE and CAP_PID.
capture_start() {
	local ns_var="${1}_PEER_NS"
	CAP_FILE=$(mktemp "$BATS_TEST_TMPDIR/cap.XXXXXX")
	CAP_LOG=$(mktemp "$BATS_TEST_TMPDIR/caplog.XXXXXX")
	# Immediate mode: each frame reaches the file at once, not when a kernel block fills.
	ip netns exec "${!ns_var}" tcpdump --immediate-mode -U -n -i lan0 -w "$CAP_FILE" "$2" \
		</dev/null >"$CAP_LOG" 2>&1 3>&- &
	CAP_PID=$!
	echo "$CAP_PID" >>"$BATS_TEST_TMPDIR/pids"
	wait_until 50 grep -q "listening on lan0" "$CAP_LOG"
}

# capture_lines FILTER TEXT...: the captured frames matching the tcpdump FILTER ("" for all)
# whose line (with MACs, -v details) shows every TEXT, one frame a line.
capture_lines() {
	local filter=$1
	shift
	tcpdump -r "$CAP_FILE" -e -n -v ${filter:+"$filter"} 2>/dev/null | awk '
		BEGIN { n = ARGC - 1; for (i = 1; i <= n; i++) want[i] = ARGV[i]; ARGC = 1 }
		{ for (i = 1; i <= n; i++) if (!index($0, want[i])) next; print }' "$@"
}

capture_has() {
	[ -n "$(capture_lines "$@")" ]
}

# wait_capture FILTER TEXT...: poll until such a frame has been captured.
wait_capture() {
	wait_until 50 capture_has "$@" || {
		capture_lines "" >&2
		return 1
	}
}

capture_stop() {
	stop_pid "$CAP_PID"
}

# --- stable MACs ---

# is_local_unicast MAC: bit 1 of the first octet set (locally administered), bit 0 clear.
is_local_unicast() {
	local first=$((16#${1%%:*}))
	((first & 2)) && ! ((first & 1))
}
