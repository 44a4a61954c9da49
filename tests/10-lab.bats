#!/usr/bin/env bats
# The lab LAN (scripts/lab): what up makes, reachability, coexistence, clean removal.

load helper

setup_file() {
	common_setup_file
}

teardown_file() {
	common_teardown_file
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# scratch_macvlan PREFIX WORD HOSTPART: a hand-made macvlan on the lab's parent, in a scratch
# netns, with HOSTPART as the last part of its v4 and v6 addresses. Sets SCRATCH_NS.
scratch_macvlan() {
	local prefix=$1 host=$3 parent net4 net6
	parent=${prefix}_PARENT net4=${prefix}_NET4 net6=${prefix}_NET6
	scratch_netns "$2"
	ip link add link "${!parent}" name lan0 netns "$SCRATCH_NS" type macvlan mode bridge
	ip -n "$SCRATCH_NS" addr add "${!net4}.$host/24" dev lan0
	ip -n "$SCRATCH_NS" addr add "${!net6}:$host/64" dev lan0 nodad
	ip -n "$SCRATCH_NS" link set lan0 up
}

@test "up makes the switch, the peer and the parent, and env describes them" {
	local before after
	before=$(host_links)
	test_lab_up A b 10
	after=$(host_links)

	# The host gains exactly one link, the parent; the bridge stays in the switch netns.
	# (host_links leaves out what other labs and engines running beside this file make.)
	assert_eq "new host links" "$A_PARENT" \
		"$(comm -13 <(echo "$before") <(echo "$after") | awk '{ print $2 }')"
	assert_eq parent "dfl-$A_NAME" "$A_PARENT"
	ip -n "$A_SWITCH_NS" -d link show br0 | grep -q bridge
	assert_eq peer-ns "dfl-$A_NAME-peer" "$A_PEER_NS"
	assert_eq switch-ns "dfl-$A_NAME-sw" "$A_SWITCH_NS"
	assert_eq gw4 198.18.10.1 "$A_GW4"
	assert_eq gw6 fd18:a::1 "$A_GW6"
	assert_eq net4 198.18.10 "$A_NET4"
	assert_eq net6 fd18:a: "$A_NET6"
	assert_eq prefix4 24 "$A_PREFIX4"
	assert_eq prefix6 64 "$A_PREFIX6"

	# The parent has no address and no IPv6 stack; the switch has no address either.
	assert_eq "parent addresses" "" "$(ip -o addr show dev "$A_PARENT")"
	assert_eq "parent disable_ipv6" 1 "$(cat "/proc/sys/net/ipv6/conf/$A_PARENT/disable_ipv6")"
	assert_eq "switch addresses" "" "$(ip -n "$A_SWITCH_NS" -o addr show scope global)"
	ip link show dev "$A_PARENT" | grep -q 'state UP'

	# The peer's addresses are usable at once: no DAD, nothing tentative.
	in_peer A ip -o addr show dev lan0 | grep -q "inet 198.18.10.1/24"
	in_peer A ip -o addr show dev lan0 | grep -q "inet6 fd18:a::1/64"
	assert_eq tentative "" "$(in_peer A ip -6 -o addr show tentative)"
	assert_eq accept_dad 0 "$(in_peer A cat /proc/sys/net/ipv6/conf/lan0/accept_dad)"
}

@test "env writes assignments a shell can eval" {
	test_lab_up A b 3
	(
		eval "$("$LAB" env "$A_NAME")"
		assert_eq parent "$A_PARENT" "$LAB_PARENT"
		assert_eq gw6 fd18:3::1 "$LAB_GW6"
		assert_eq "address from net6" fd18:3::10 "${LAB_NET6}:10"
	)
}

@test "the peer answers a hand-made macvlan on the parent, IPv4 and IPv6, both ways" {
	test_lab_up A b 11
	scratch_macvlan A m 10

	ip netns exec "$SCRATCH_NS" ping -c 1 -W 2 "$A_GW4"
	ip netns exec "$SCRATCH_NS" ping -c 1 -W 2 "$A_GW6"
	in_peer A ping -c 1 -W 2 198.18.11.10
	in_peer A ping -c 1 -W 2 fd18:b::10

	peer_serve_http A 8080 hello-from-peer
	run ip netns exec "$SCRATCH_NS" timeout 10 busybox wget -q -O - "http://$A_GW4:8080/peer.txt"
	assert_eq "v4 http" hello-from-peer "$output"
	run ip netns exec "$SCRATCH_NS" timeout 10 busybox wget -q -O - "http://[$A_GW6]:8080/peer.txt"
	assert_eq "v6 http" hello-from-peer "$output"
}

@test "two labs coexist, each its own LAN" {
	# Same subnet on purpose: only separate LANs keep these two apart.
	test_lab_up A b 12
	test_lab_up B c 12
	[ "$A_PARENT" != "$B_PARENT" ]
	[ "$A_PEER_NS" != "$B_PEER_NS" ]

	scratch_macvlan A ma 10
	local ns_a=$SCRATCH_NS
	scratch_macvlan B mb 20
	local ns_b=$SCRATCH_NS

	ip netns exec "$ns_a" ping -c 1 -W 2 198.18.12.1
	ip netns exec "$ns_b" ping -c 1 -W 2 198.18.12.1
	in_peer A ping -c 1 -W 2 198.18.12.10
	in_peer B ping -c 1 -W 2 198.18.12.20
	# Each peer sees only its own LAN.
	run ! in_peer A ping -c 1 -W 1 198.18.12.20
	run ! in_peer B ping -c 1 -W 1 198.18.12.10

	"$LAB" down "$B_NAME"
	ip netns exec "$ns_a" ping -c 1 -W 2 198.18.12.1
}

@test "down removes everything up and host made, and is idempotent" {
	local name
	name=$(lab_name d)
	echo "$name" >>"$BATS_TEST_TMPDIR/labs"
	"$LAB" up "$name" --net 13
	"$LAB" host "$name" h2
	bg_start ip netns exec "dfl-$name-peer" sleep 1000
	local sleeper=$BG_PID

	"$LAB" down "$name"
	assert_eq "namespaces left" "" "$(ip netns list | grep "^dfl-$name-" || true)"
	run ! ip link show dev "dfl-$name"
	# A process left in a lab namespace is ended rather than keeping the namespace alive.
	wait_until 30 pid_gone "$sleeper"

	run "$LAB" down "$name"
	assert_eq "second down" 0 "$status"
	run "$LAB" down "$(lab_name n)"
	assert_eq "down of a lab never made" 0 "$status"
}

@test "host adds a namespace with its own parent on the same LAN" {
	test_lab_up A b 14
	"$LAB" host "$A_NAME" h2
	local hns="dfl-$A_NAME-h2"
	ip -n "$hns" link show dev "$A_PARENT"
	ip -n "$A_SWITCH_NS" link show dev h-h2 | grep -q 'master br0'

	ip -n "$hns" link add mv0 link "$A_PARENT" type macvlan mode bridge
	ip -n "$hns" addr add 198.18.14.2/24 dev mv0
	ip -n "$hns" link set mv0 up
	ip netns exec "$hns" ping -c 1 -W 2 "$A_GW4"

	run "$LAB" host "$A_NAME" h2
	[ "$status" -ne 0 ]
	run "$LAB" host "$A_NAME" peer
	[ "$status" -ne 0 ]
}

@test "up on a half-made lab removes the leftovers and makes it whole" {
	test_lab_up A b 15
	ip netns del "$A_PEER_NS"
	run "$LAB" up "$A_NAME" --net 16
	assert_eq "up status" 0 "$status"
	assert_contains "up message" "$output" "leftovers"
	lab_export A "$A_NAME"
	assert_eq gw4 198.18.16.1 "$A_GW4"
	scratch_macvlan A m 10
	ip netns exec "$SCRATCH_NS" ping -c 1 -W 2 "$A_GW4"
}

@test "up leaves alone a host link it did not make" {
	local name
	name=$(lab_name e)
	own_link "dfl-$name"
	ip link add "dfl-$name" type bridge
	run "$LAB" up "$name"
	[ "$status" -ne 0 ]
	assert_contains "up message" "$output" "not a lab parent"
	assert_eq "namespaces made" "" "$(ip netns list | grep "^dfl-$name-" || true)"
}

@test "down leaves alone a host link it did not make" {
	local name
	name=$(lab_name e)
	own_link "dfl-$name"
	ip link add "dfl-$name" type bridge
	run "$LAB" down "$name"
	assert_eq "down status" 0 "$status"
	ip link show dev "dfl-$name"
}

@test "bad arguments are refused with a message and make nothing" {
	local bad
	for bad in "" UPPER "toolong12" "a-b" "a_b"; do
		run "$LAB" up "$bad"
		[ "$status" -ne 0 ]
		[ -n "$output" ]
	done
	for bad in 256 -1 x 1.5 ""; do
		run "$LAB" up "$(lab_name f)" --net "$bad"
		[ "$status" -ne 0 ]
		assert_contains "net message" "$output" "--net"
	done
	run "$LAB"
	[ "$status" -ne 0 ]
	assert_contains usage "$output" "usage:"
	run "$LAB" env "$(lab_name g)"
	[ "$status" -ne 0 ]
	assert_contains "env message" "$output" "not up"
	run "$LAB" host "$(lab_name g)" h2
	[ "$status" -ne 0 ]
	assert_eq "namespaces made" "" "$(ip netns list | grep -E "^dfl-${DFT_NUM}[fg]" || true)"
}
