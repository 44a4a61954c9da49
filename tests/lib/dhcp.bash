# shellcheck shell=bash
# Helpers for 26-dhcp.bats and 27-pool.bats: a DHCP server (dnsmasq) in a lab's peer host, the
# hook's run, state and pools directories owned by each test, lease keepers, host pools.
# Loaded after helper.bash ("load lib/dhcp"). Names start with dh_ so they never clash with
# the other helpers.

DH_KEEPER=dockerfly-dhcp

# dh_setup_file: lab LAB on 198.18.NUM.0/24 (NUM: the file's number), runc, the hook built.
dh_setup_file() {
	common_setup_file
	file_lab_up LAB a "$DFT_FILE_NET"
	use_runtime runc
	need_hook
}

# dh_setup: the leak snapshot, and directories of the test's own for everything the hook keeps
# (keeper pid files, address records, pool leases, pool definitions). The hook reads them from
# its environment: direct calls inherit these exports, runtimes get them through dh_bundle.
dh_setup() {
	common_setup
	DH_DIR="$BATS_TEST_TMPDIR/df"
	mkdir -p "$DH_DIR/run" "$DH_DIR/state" "$DH_DIR/pools"
	DOCKERFLY_RUN_DIR="$DH_DIR/run"
	DOCKERFLY_STATE_DIR="$DH_DIR/state"
	DOCKERFLY_POOLS_DIR="$DH_DIR/pools"
	export DH_DIR DOCKERFLY_RUN_DIR DOCKERFLY_STATE_DIR DOCKERFLY_POOLS_DIR
	unset DOCKERFLY_TEST_FAULT DH_LOG DH_LEASES
}

# dh_teardown: containers go first (their poststop stops the keepers), then stand-ins and the
# DHCP server; a keeper still running after that is a leak. Then the common cleanup and checks.
dh_teardown() {
	local rc=0 pid line
	if [ -f "$BATS_TEST_TMPDIR/docker_used" ]; then
		docker_rm_ours || rc=1
		docker_runtime_down || rc=1
	fi
	delete_all_containers || rc=1
	if [ -f "$BATS_TEST_TMPDIR/peer_held" ]; then
		while read -r line; do
			ip -n "$LAB_PEER_NS" addr del "$line" dev lan0 2>/dev/null || true
		done <"$BATS_TEST_TMPDIR/peer_held"
	fi
	stop_bg
	# A keeper whose container's init is gone exits by itself: give it a moment.
	wait_until 30 dh_no_keepers 2>/dev/null || true
	for pid in $(dh_keepers) $(dh_keepers /run/dockerfly); do
		echo "leak: lease keeper $pid still running" >&2
		stop_pid "$pid"
		rc=1
	done
	common_teardown || rc=1
	return "$rc"
}

# --- the DHCP server ---

# dh_dnsmasq FIRST LAST [DNSMASQ_OPTION...]: dnsmasq serving DHCP on the peer's lan0 of lab LAB,
# addresses LAB_NET4.FIRST to .LAST, 2 minute leases renewed after 5 s; running once this
# returns. Its lease file is DH_LEASES, its log DH_LOG, its pid DH_DNSMASQ_PID. Stopped in
# teardown (stop_bg).
dh_dnsmasq() {
	local first=$1 last=$2 dir
	shift 2
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/dnsmasq.XXXXXX")
	DH_LEASES="$dir/leases"
	DH_LOG="$dir/log"
	export DH_LEASES DH_LOG DH_DNSMASQ_PID
	command -v dnsmasq >/dev/null || flunk "dnsmasq not found: install dnsmasq-base" || return 1
	# No ping check (it delays each offer by seconds), no DNS, no configuration but ours.
	bg_start ip netns exec "$LAB_PEER_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--port=0 --bind-interfaces --interface=lan0 --no-ping --log-dhcp \
		--dhcp-range="$LAB_NET4.$first,$LAB_NET4.$last,255.255.255.0,2m" \
		--dhcp-option=option:T1,5 --dhcp-leasefile="$DH_LEASES" --log-facility="$DH_LOG" \
		--pid-file="$dir/pid" "$@"
	DH_DNSMASQ_PID=$BG_PID
	wait_until 50 grep -q "sockets bound exclusively to interface lan0" "$DH_LOG" 2>/dev/null || {
		cat "$BATS_TEST_TMPDIR"/bg.* >&2
		return 1
	}
}

# dh_log_count KIND ADDR: how many DHCP messages of KIND (ACK, RELEASE, ...) for ADDR the server
# logged.
dh_log_count() {
	grep -c "DHCP$1(lan0) $2 " "$DH_LOG" || true
}

dh_log_has() {
	[ "$(dh_log_count "$1" "$2")" -gt 0 ]
}

dh_log_at_least() {
	[ "$(dh_log_count "$1" "$2")" -ge "$3" ]
}

# dh_show_log: the server's DHCP messages, for a failing test's output.
dh_show_log() {
	grep -E 'DHCP[A-Z]+\(' "$DH_LOG" >&2 || true
}

# dh_capture_start: tcpdump of DHCP (UDP port 67) on the peer's lan0, running once this
# returns; stopped in teardown (stop_bg). Sets DH_CAP.
dh_capture_start() {
	DH_CAP="$BATS_TEST_TMPDIR/dhcp.pcap"
	ip netns exec "$LAB_PEER_NS" tcpdump --immediate-mode -U -n -i lan0 -w "$DH_CAP" \
		udp port 67 </dev/null >"$BATS_TEST_TMPDIR/tcpdump.log" 2>&1 3>&- &
	echo "$!" >>"$BATS_TEST_TMPDIR/pids"
	wait_until 50 grep -q "listening on lan0" "$BATS_TEST_TMPDIR/tcpdump.log"
}

# dh_captured: the captured DHCP packets, one line each ("IP SRC.68 > DST.67: ...").
dh_captured() {
	tcpdump -r "$DH_CAP" -n 2>/dev/null
}

dh_captured_has() {
	dh_captured | grep -qF "$1"
}

# dh_lease ADDR: the server's lease file line for ADDR ("EXPIRY MAC ADDR HOSTNAME CLIENT-ID").
dh_lease() {
	awk -v a="$1" '$3 == a' "$DH_LEASES"
}

dh_no_lease() {
	[ -z "$(dh_lease "$1")" ]
}

# dh_client_id HOSTNAME IFNAME: the client identifier the hook sends, as dnsmasq writes it:
# type 0, then "dockerfly:HOSTNAME:IFNAME", in hex with colons.
dh_client_id() {
	printf '\0dockerfly:%s:%s' "$1" "$2" | od -An -v -tx1 | tr -s ' \n' ' ' |
		sed 's/^ //; s/ $//; s/ /:/g'
}

# dh_in_range ADDR FIRST LAST: ADDR is LAB_NET4.N with FIRST <= N <= LAST.
dh_in_range() {
	local host=${1##*.}
	[ "${1%.*}" = "$LAB_NET4" ] && [ "$host" -ge "$2" ] && [ "$host" -le "$3" ]
}

# dh_peer_hold ADDR/LEN: the peer of lab LAB takes ADDR too, until teardown.
dh_peer_hold() {
	echo "$1" >>"$BATS_TEST_TMPDIR/peer_held"
	ip -n "$LAB_PEER_NS" addr add "$1" dev lan0
}

# --- containers and stand-ins ---

# dh_bundle ID HOSTNAME [make_bundle options and annotations...]: a bundle in $BATS_TEST_TMPDIR/ID
# whose config.json has that hostname; its hooks get the test's directories in their
# environment (runtimes give a hook only the env its entry names). Its rootfs is writable (each
# bundle has its own copy). The command defaults to a sleep; give one after "--".
dh_bundle() {
	local dir="$BATS_TEST_TMPDIR/$1" host=$2
	shift 2
	make_bundle "$dir" "$@"
	jq --arg host "$host" --arg run "$DOCKERFLY_RUN_DIR" --arg state "$DOCKERFLY_STATE_DIR" \
		--arg pools "$DOCKERFLY_POOLS_DIR" --arg fault "${DOCKERFLY_TEST_FAULT:-}" '
		.hostname = $host
		| .root.readonly = false
		| if .hooks != null then .hooks |= map_values(map(.env = [
			"DOCKERFLY_RUN_DIR=" + $run, "DOCKERFLY_STATE_DIR=" + $state,
			"DOCKERFLY_POOLS_DIR=" + $pools]
			+ (if $fault != "" then ["DOCKERFLY_TEST_FAULT=" + $fault] else [] end)))
		  else . end
		' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# dh_ctr WORD HOSTNAME [make_bundle options and annotations...]: start a container through the
# runtime. Sets CTR and CTR_PID.
# shellcheck disable=SC2034 # CTR_PID is for the test files
dh_ctr() {
	CTR=$(ctr_id "$1")
	shift
	dh_bundle "$CTR" "$@"
	ctr_start "$CTR" "$BATS_TEST_TMPDIR/$CTR" || return 1
	CTR_PID=$(ctr_pid "$CTR")
}

# dh_refused WORD HOSTNAME [make_bundle options and annotations...]: the runtime must fail to
# create the container. Sets REFUSED to its output, which holds the hook's stderr (runc).
dh_refused() {
	local id
	id=$(ctr_id "$1")
	shift
	dh_bundle "$id" "$@"
	if REFUSED=$(rt create --bundle "$BATS_TEST_TMPDIR/$id" "$id" </dev/null 2>&1 3>&-); then
		flunk "$RUNTIME created $id, expected a refusal"
		return 1
	fi
	echo "$RUNTIME create $id: $REFUSED" >&2
	! rt state "$id" >/dev/null 2>&1 || flunk "$RUNTIME kept container $id after the refusal"
}

# dh_stand_in WORD HOSTNAME: a process alone in a new network namespace standing in for a
# container, and a bundle directory whose config.json names its hostname. Sets NS_PID, SID
# (a container id) and SBUNDLE.
dh_stand_in() {
	netns_proc
	SID=$(ctr_id "$1")
	SBUNDLE="$BATS_TEST_TMPDIR/$SID"
	mkdir -p "$SBUNDLE"
	jq -n --arg host "$2" '{ociVersion: "1.0.2", hostname: $host}' >"$SBUNDLE/config.json"
}

# dh_hook STAGE PID ID BUNDLE [KEY=VALUE...]: the hook by hand, the settings as annotations in
# the state. Output in status, output, stderr (bats run).
dh_hook() {
	local stage=$1 pid=$2 id=$3 bundle=$4 state
	shift 4
	state=$(hook_state "$id" "$pid" "$bundle" "$@")
	[ "$stage" != poststop ] || state=$(jq -c '.status = "stopped"' <<<"$state")
	run --separate-stderr "$DOCKERFLY_HOOK" "$stage" <<<"$state"
	# shellcheck disable=SC2154 # bats' run sets status and stderr
	if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
		echo "hook $stage for $id exited $status, stderr: $stderr" >&2
	fi
}

# dh_addr PID [IFNAME]: the IPv4 address of the NIC in PID's namespace, without its length.
dh_addr() {
	nsenter -t "$1" -n ip -j -4 addr show dev "${2:-lan0}" 2>/dev/null |
		jq -r '.[0].addr_info[0].local // empty'
}

dh_no_addr() {
	[ -z "$(dh_addr "$1")" ]
}

# dh_addr_in_range PID FIRST LAST: lan0 in PID's namespace has an address LAB_NET4.FIRST..LAST.
dh_addr_in_range() {
	local a
	a=$(dh_addr "$1")
	[ -n "$a" ] && dh_in_range "$a" "$2" "$3"
}

# dh_addr_info PID FIELD: a field of lan0's IPv4 address (prefixlen, valid_life_time, ...).
dh_addr_info() {
	nsenter -t "$1" -n ip -j -4 addr show dev lan0 | jq -r ".[0].addr_info[0].$2"
}

# dh_mac PID: the MAC of lan0 in PID's namespace.
dh_mac() {
	nsenter -t "$1" -n ip -j link show dev lan0 | jq -r '.[0].address'
}

# dh_default4 PID: "DEV GATEWAY" of the IPv4 default route(s) in PID's namespace.
dh_default4() {
	nsenter -t "$1" -n ip -j -4 route show default | jq -r '.[] | "\(.dev) \(.gateway)"'
}

# dh_only_lo PID: the namespace holds no link but lo.
dh_only_lo() {
	assert_eq "links in the namespace of $1" "1 lo" "$(ns_links "$1")"
}

# dh_valid_at_least PID SECONDS: lan0's IPv4 address has at least that lifetime left.
dh_valid_at_least() {
	[ "$(dh_addr_info "$1" valid_life_time)" -ge "$2" ]
}

# --- lease keepers ---

# dh_keeper ID [DIR]: the pid of container ID's lease keeper, empty when none runs. DIR (the run
# directory) defaults to the test's own.
dh_keeper() {
	local file="${2:-$DOCKERFLY_RUN_DIR}/keepers/$1.pid" pid
	[ -f "$file" ] || return 0
	pid=$(cat "$file")
	# A pid file left by a keeper that was killed may name another process by now.
	if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$DH_KEEPER" ] && ! pid_gone "$pid"; then
		echo "$pid"
	fi
}

dh_keeper_gone() {
	[ -z "$(dh_keeper "$@")" ]
}

# dh_keepers [DIR]: the pids of the keepers that run directory DIR names: all of them in the
# test's own (the default), only those of the Docker containers in docker_ids in another.
dh_keepers() {
	local dir=${1:-$DOCKERFLY_RUN_DIR} f id
	for f in "$dir"/keepers/*.pid; do
		[ -f "$f" ] || continue
		id=${f##*/}
		id=${id%.pid}
		[ "$dir" = "$DOCKERFLY_RUN_DIR" ] || grep -qxF "$id" "$BATS_TEST_TMPDIR/docker_ids" \
			2>/dev/null || continue
		dh_keeper "$id" "$dir"
	done
}

dh_no_keepers() {
	[ -z "$(dh_keepers)$(dh_keepers /run/dockerfly)" ]
}

# dh_record ID: the hook's record of container ID's addresses ("IFNAME ADDR/LEN SOURCE").
dh_record() {
	cat "$DOCKERFLY_RUN_DIR/nics/$1" 2>/dev/null || true
}

# --- host pools ---

# dh_pool NAME LINE...: pool definition NAME in the test's pools directory.
dh_pool() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$DOCKERFLY_POOLS_DIR/$name"
}

# dh_pool_leases NAME: the pool's leases file ("" when there is none yet).
dh_pool_leases() {
	cat "$DOCKERFLY_STATE_DIR/pools/$1.leases" 2>/dev/null || true
}

# dh_pool_temps NAME: temporary files left beside the pool's leases file.
dh_pool_temps() {
	find "$DOCKERFLY_STATE_DIR/pools" -name "$1.leases.tmp.*" -printf '%f\n' 2>/dev/null
}

# dh_pool_addrs NAME: the addresses the leases file names, sorted.
dh_pool_addrs() {
	dh_pool_leases "$1" | awk '{ print $1 }' | sort -V
}
