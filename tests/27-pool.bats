#!/usr/bin/env bats
# dockerfly.ip=pool:NAME: addresses from the host's own pools on lab LAB (198.18.27.0/24, the
# peer .1 is the gateway). Each test has its own pools and leases directories.

load helper
load lib/dhcp

setup_file() {
	dh_setup_file
}

teardown_file() {
	common_teardown_file
}

setup() {
	dh_setup
}

teardown() {
	dh_teardown
}

# pool_ann NAME: the settings of one NIC taking its address from pool NAME, in POOL_ANN.
pool_ann() {
	POOL_ANN=("dockerfly.parent=$LAB_PARENT" "dockerfly.ip=pool:$1")
}

# pool_take WORD POOL: a stand-in takes an address from POOL through the hook. Sets NS_PID, SID
# and ADDR.
pool_take() {
	dh_stand_in "$1" "$1"
	pool_ann "$2"
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "prestart status for $SID" 0 "$status" || return 1
	ADDR=$(dh_addr "$NS_PID")
}

# starts_at_once COUNT POOL: COUNT containers of pool POOL created and started at the same time
# through the runtime. Sets IDS.
starts_at_once() {
	local n=$1 i id failed=0
	local -a jobs=()
	IDS=()
	pool_ann "$2"
	for ((i = 1; i <= n; i++)); do
		id=$(ctr_id "many$i")
		IDS+=("$id")
		dh_bundle "$id" "pool-$i" "${POOL_ANN[@]}"
	done
	for id in "${IDS[@]}"; do
		(rt create --bundle "$BATS_TEST_TMPDIR/$id" --pid-file "$BATS_TEST_TMPDIR/$id.pid" \
			"$id" && rt start "$id") </dev/null >"$BATS_TEST_TMPDIR/$id.log" 2>&1 3>&- &
		jobs+=($!)
	done
	for i in "${!jobs[@]}"; do
		if ! wait "${jobs[$i]}"; then
			echo "${IDS[$i]}: $(cat "$BATS_TEST_TMPDIR/${IDS[$i]}.log")" >&2
			failed=$((failed + 1))
		fi
	done
	for id in "${IDS[@]}"; do
		[ ! -f "$BATS_TEST_TMPDIR/$id.pid" ] || record_netns "$(cat "$BATS_TEST_TMPDIR/$id.pid")"
	done
	assert_eq "containers that failed to start" 0 "$failed"
}

@test "30 containers started at once get 30 distinct addresses, never a reserved one; all reachable" {
	local id pid addr reserved=" $LAB_NET4.12 $LAB_NET4.20 $LAB_NET4.33 "
	local -a addrs=()
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.49" \
		"gateway = $LAB_GW4" "reserved = $LAB_NET4.12, $LAB_NET4.20, $LAB_NET4.33"
	starts_at_once 30 lan

	for id in "${IDS[@]}"; do
		pid=$(ctr_pid "$id")
		addr=$(dh_addr "$pid")
		dh_in_range "$addr" 10 49 || flunk "$id: address \"$addr\" is outside the pool's range"
		[[ $reserved != *" $addr "* ]] || flunk "$id got reserved address $addr"
		assert_eq "$id: prefix length" 24 "$(dh_addr_info "$pid" prefixlen)"
		assert_eq "$id: lifetime" 4294967295 "$(dh_addr_info "$pid" valid_life_time)"
		assert_eq "$id: default route" "lan0 $LAB_GW4" "$(dh_default4 "$pid")"
		grep -qxF "lan0 $addr/24 pool:lan" <<<"$(dh_record "$id")" ||
			flunk "$id: record: $(dh_record "$id")"
		addrs+=("$addr")
	done
	assert_eq "distinct addresses" 30 "$(printf '%s\n' "${addrs[@]}" | sort -u | wc -l)"
	assert_eq "leases file" "$(printf '%s\n' "${addrs[@]}" | sort -V)" "$(dh_pool_addrs lan)"
	for addr in "${addrs[@]}"; do
		in_peer LAB ping -c 1 -W 2 "$addr" >/dev/null || flunk "$addr does not answer the peer"
	done
	assert_eq "temporary files" "" "$(dh_pool_temps lan)"

	for id in "${IDS[@]}"; do
		ctr_delete "$id"
	done
	# Every address is free again: the next one to ask gets the first of the range.
	pool_take after lan
	assert_eq "address after all were removed" "$LAB_NET4.10" "$ADDR"
	assert_eq "leases after all were removed" "$LAB_NET4.10" "$(dh_pool_addrs lan)"
}

@test "poststop takes the container's lease out of the leases file" {
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.49"
	pool_ann lan
	dh_ctr gone pool-gone "${POOL_ANN[@]}"
	assert_eq "lease" "$LAB_NET4.10" "$(dh_pool_addrs lan)"
	ctr_delete "$CTR"
	assert_eq "leases file after delete" "" "$(dh_pool_leases lan)"
}

@test "an address that answers ARP on the LAN is skipped and held out for 10 minutes" {
	local now expiry
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20" \
		"gateway = $LAB_GW4"
	dh_peer_hold "$LAB_NET4.10/24"
	pool_ann lan
	now=$(date +%s)
	dh_ctr skip pool-skip "${POOL_ANN[@]}"

	assert_eq "address" "$LAB_NET4.11" "$(dh_addr "$CTR_PID")"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.11"
	assert_eq "held line" "$LAB_NET4.10 - 0" "$(dh_pool_leases lan | awk '$2 == "-" { print $1, $2, $3 }')"
	expiry=$(dh_pool_leases lan | awk '$2 == "-" { print $4 }')
	[ "$expiry" -ge $((now + 590)) ] && [ "$expiry" -le $((now + 610)) ] ||
		flunk "held until $expiry, $((expiry - now)) s from the start"
	grep -qE "^$LAB_NET4.11 $CTR $CTR_PID [0-9]+\$" <<<"$(dh_pool_leases lan)" ||
		flunk "no lease line for $CTR: $(dh_pool_leases lan)"
}

@test "reserved addresses and the gateway are never handed out; an exhausted pool refuses clearly" {
	dh_pool small "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.15" \
		"gateway = $LAB_NET4.13" "reserved = $LAB_NET4.10, $LAB_NET4.12"
	pool_take small1 small
	assert_eq "first" "$LAB_NET4.11" "$ADDR"
	assert_eq "default route" "lan0 $LAB_NET4.13" "$(dh_default4 "$NS_PID")"
	pool_take small2 small
	assert_eq "second" "$LAB_NET4.14" "$ADDR"
	pool_take small3 small
	assert_eq "third" "$LAB_NET4.15" "$ADDR"

	dh_stand_in small4 small4
	pool_ann small
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $SID: lan0: pool small: pool is exhausted: \
No space left on device" "$stderr"
	dh_only_lo "$NS_PID"
	assert_eq "leases" "$LAB_NET4.11 $LAB_NET4.14 $LAB_NET4.15" "$(dh_pool_addrs small | xargs)"
}

@test "a range that covers the subnet's network or broadcast address is refused" {
	local pool
	# 198.18.27.8/30: .8 is the network, .11 the broadcast address; .9 and .10 are hosts.
	dh_pool edge "subnet = $LAB_NET4.8/30" "range = $LAB_NET4.8 - $LAB_NET4.10"
	dh_pool edge2 "subnet = $LAB_NET4.8/30" "range = $LAB_NET4.9 - $LAB_NET4.11"
	dh_pool hosts "subnet = $LAB_NET4.8/30" "range = $LAB_NET4.9 - $LAB_NET4.10"
	for pool in edge edge2; do
		dh_stand_in "$pool" "$pool"
		pool_ann "$pool"
		dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
		assert_eq "$pool: status" 1 "$status"
		assert_contains "$pool: stderr" "$stderr" \
			"pool $pool: range holds the subnet's network or broadcast address"
		dh_only_lo "$NS_PID"
	done
	# Without them the /30 serves its two hosts, then is exhausted.
	pool_take hosts1 hosts
	assert_eq "first host" "$LAB_NET4.9" "$ADDR"
	pool_take hosts2 hosts
	assert_eq "second host" "$LAB_NET4.10" "$ADDR"
	dh_stand_in hosts3 hosts3
	pool_ann hosts
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_contains "third: stderr" "$stderr" "pool hosts: pool is exhausted"
}

@test "a hook killed while writing the leases file leaves the pool intact for the next one" {
	local before
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20" \
		"gateway = $LAB_GW4"
	pool_take first lan
	assert_eq "first" "$LAB_NET4.10" "$ADDR"
	before=$(dh_pool_leases lan)

	dh_stand_in killed killed
	pool_ann lan
	DOCKERFLY_TEST_FAULT=pool-write dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "killed hook's status (SIGKILL)" 137 "$status"
	assert_eq "leases file after the kill" "$before" "$(dh_pool_leases lan)"
	# The kill came half way through writing the new file: its torn copy is there.
	[ -n "$(dh_pool_temps lan)" ] || flunk "no temporary file: the fault did not happen"

	pool_take next lan
	assert_eq "next" "$LAB_NET4.11" "$ADDR"
	assert_eq "leases" "$LAB_NET4.10 $LAB_NET4.11" "$(dh_pool_addrs lan | xargs)"
	grep -qE "^$LAB_NET4.11 $SID $NS_PID [0-9]+\$" <<<"$(dh_pool_leases lan)" ||
		flunk "no lease line for $SID: $(dh_pool_leases lan)"
	assert_eq "temporary files" "" "$(dh_pool_temps lan)"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.11"
}

@test "the lease of a container whose init is gone is handed out again" {
	local first_pid
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20"
	pool_take dead1 lan
	assert_eq "first" "$LAB_NET4.10" "$ADDR"
	first_pid=$NS_PID
	stop_pid "$first_pid"

	pool_take dead2 lan
	assert_eq "address after the first one died" "$LAB_NET4.10" "$ADDR"
	assert_eq "leases" "$LAB_NET4.10 $SID $NS_PID" \
		"$(dh_pool_leases lan | awk '{ print $1, $2, $3 }')"
}

# The leases file format, written by hand: a pid that runs but started at another time (it was
# reused) and an expired LAN hold are reclaimed; a LAN hold still in force is not.
@test "a reused pid and an expired LAN hold are reclaimed, a current hold is skipped" {
	local live now
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20"
	bg_start sleep 1000
	live=$BG_PID
	now=$(date +%s)
	mkdir -p "$DOCKERFLY_STATE_DIR/pools"
	printf '%s\n' "$LAB_NET4.10 gone-ctr $live 1" "$LAB_NET4.11 - 0 $((now - 5))" \
		"$LAB_NET4.12 - 0 $((now + 300))" >"$DOCKERFLY_STATE_DIR/pools/lan.leases"

	pool_take reuse1 lan
	assert_eq "first" "$LAB_NET4.10" "$ADDR"
	pool_take reuse2 lan
	assert_eq "second" "$LAB_NET4.11" "$ADDR"
	pool_take reuse3 lan
	assert_eq "third" "$LAB_NET4.13" "$ADDR"
	assert_eq "leases" "$LAB_NET4.10 $LAB_NET4.11 $LAB_NET4.12 $LAB_NET4.13" \
		"$(dh_pool_addrs lan | xargs)"
}

@test "the same container asking again gets the same address" {
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20"
	pool_take again lan
	assert_eq "first run" "$LAB_NET4.10" "$ADDR"
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "second run status" 0 "$status"
	assert_eq "second run" "$LAB_NET4.10" "$(dh_addr "$NS_PID")"
	assert_eq "leases" "$LAB_NET4.10" "$(dh_pool_addrs lan)"
}

@test "a pool bound to another parent, an unknown pool and a bad pool file are refused" {
	dh_pool other "subnet = $LAB_NET4.0/24" "parent = eth9"
	dh_pool bad "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - 198.18.99.20"
	dh_stand_in refuse refuse

	pool_ann other
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "other parent: status" 1 "$status"
	assert_contains "other parent: stderr" "$stderr" "pool other is for parent eth9, not $LAB_PARENT"
	dh_only_lo "$NS_PID"

	pool_ann nosuch
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "unknown pool: status" 1 "$status"
	assert_contains "unknown pool: stderr" "$stderr" "$DOCKERFLY_POOLS_DIR/nosuch"
	dh_only_lo "$NS_PID"

	pool_ann bad
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${POOL_ANN[@]}"
	assert_eq "bad pool: status" 1 "$status"
	assert_contains "bad pool: stderr" "$stderr" "pool bad: range is outside the subnet"
	dh_only_lo "$NS_PID"
	assert_eq "leases files" "" "$(find "$DH_DIR/state" -name '*.leases')"
}

@test "crun: a pool address with the pool's gateway as default route, free again after delete" {
	use_runtime crun
	dh_pool lan "subnet = $LAB_NET4.0/24" "range = $LAB_NET4.10 - $LAB_NET4.20" \
		"gateway = $LAB_GW4"
	pool_ann lan
	dh_ctr crun pool-crun "${POOL_ANN[@]}"
	assert_eq "address" "$LAB_NET4.10" "$(dh_addr "$CTR_PID")"
	assert_eq "default route" "lan0 $LAB_GW4" "$(dh_default4 "$CTR_PID")"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
	ctr_delete "$CTR"
	assert_eq "record after delete" "" "$(dh_record "$CTR")"

	pool_take after lan
	assert_eq "address after delete" "$LAB_NET4.10" "$ADDR"
}
