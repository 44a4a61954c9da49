#!/usr/bin/env bats
# The hook as a good LAN citizen: address conflict detection (IPv4 ARP probes, IPv6 DAD),
# announcements (gratuitous ARP, unsolicited NA), host reachability through the shim, stable
# MACs. Lab LAB is 198.18.25.0/24; the peer holds .1 and fd18:19::1.

load helper
load lib/citizen

setup_file() {
	cz_setup_file
}

teardown_file() {
	common_teardown_file
}

setup() {
	cz_setup
}

teardown() {
	cz_teardown
}

# --- conflict detection ---

# conflict_v4 WORD: the peer holds .77; the runtime's create is refused, naming the peer's MAC;
# a stand-in container is left as it was; with dad=off the address is taken.
conflict_v4() {
	local held="$LAB_NET4.77" id
	peer_hold LAB "$held/24"

	cz_refused "$1" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held/24"
	assert_contains "refusal" "$REFUSED" \
		"lan0: address $held is already used on the LAN by $(peer_mac LAB): Address already in use"

	netns_proc
	id=$(ctr_id "$1-direct")
	cz_hook prestart "$NS_PID" "$id" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held/24"
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $id: lan0: address $held is already used \
on the LAN by $(peer_mac LAB): Address already in use" "$stderr"
	ns_only_lo "$NS_PID"

	cz_ctr "$1-off" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held/24" dockerfly.dad=off
	ctr_has_addr "$CTR" lan0 "$held/24"
}

@test "IPv4: an address the peer holds is refused with its MAC, nothing left; dad=off takes it" {
	conflict_v4 held4
}

@test "crun: IPv4: an address the peer holds is refused, nothing left; dad=off takes it" {
	use_runtime crun
	conflict_v4 crheld4
}

@test "IPv6: an address the peer holds fails DAD and is refused, nothing left; dad=off takes it" {
	local held="$LAB_NET6:77/64" id
	peer_hold LAB "$held"

	cz_refused held6 "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held"
	assert_contains "refusal" "$REFUSED" "lan0: address $held is already used on the LAN \
(IPv6 duplicate address detection failed): Address already in use"

	# With an IPv4 address that is free beside it: the IPv4 one must go again too.
	netns_proc
	id=$(ctr_id held6-direct)
	cz_hook prestart "$NS_PID" "$id" "dockerfly.parent=$LAB_PARENT" \
		"dockerfly.ip=$LAB_NET4.20/24,$held"
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $id: lan0: address $held is already used \
on the LAN (IPv6 duplicate address detection failed): Address already in use" "$stderr"
	ns_only_lo "$NS_PID"

	cz_ctr held6-off "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held" dockerfly.dad=off
	ctr_has_addr "$CTR" lan0 "$held"
	run ctr_ns "$CTR" ip -6 -o addr show dev lan0 scope global
	[[ $output != *dadfailed* && $output != *tentative* ]] || flunk "address not usable: $output"
}

# A namespace made before the hook runs may have DAD off by default (all and default
# accept_dad 0); dockerfly.dad=quick must still find the duplicate.
@test "IPv6: a namespace with DAD off by default still gets the check" {
	local held="$LAB_NET6:77/64" pid id
	peer_hold LAB "$held"
	bg_start unshare -n sh -c 'sysctl -qw net.ipv6.conf.all.accept_dad=0 \
net.ipv6.conf.default.accept_dad=0 && exec sleep 1000'
	pid=$BG_PID
	wait_until 50 grep -qx sleep "/proc/$pid/comm"
	record_netns "$pid"
	id=$(ctr_id nodad6)
	cz_hook prestart "$pid" "$id" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$held"
	assert_eq "hook status" 1 "$status"
	assert_contains "hook stderr" "$stderr" "address $held is already used on the LAN"
	ns_only_lo "$pid"
}

@test "dad=strict refuses an address the peer holds" {
	peer_hold LAB "$LAB_NET4.77/24"
	cz_refused strict "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.77/24" \
		dockerfly.dad=strict
	assert_contains "refusal" "$REFUSED" \
		"address $LAB_NET4.77 is already used on the LAN by $(peer_mac LAB)"
}

@test "dad from the host config file is the default; a container's own dad wins" {
	peer_hold LAB "$LAB_NET4.77/24"
	cz_conf "dad = off"
	cz_ctr confoff "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.77/24"
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.77/24"
	ctr_delete "$CTR"

	cz_refused confquick "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.77/24" \
		dockerfly.dad=quick
	assert_contains "refusal" "$REFUSED" \
		"address $LAB_NET4.77 is already used on the LAN by $(peer_mac LAB)"
}

@test "a bad value in the host config file refuses the container, naming file and line" {
	cz_conf "# dockerfly host settings" "dad = sometimes"
	cz_refused badconf "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	assert_contains "refusal" "$REFUSED" \
		"$CZ_CONF:2: bad conflict detection mode 'sometimes' (off, quick, strict)"
}

@test "a second container on the same host cannot take the first one's address" {
	local mac
	cz_ctr first "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	mac=$(cz_ctr_mac "$CTR")
	cz_refused second "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	assert_contains "refusal" "$REFUSED" \
		"address $LAB_NET4.10 is already used on the LAN by $mac: Address already in use"
	# The first one is untouched.
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
	assert_eq "peer's neighbour entry" "$mac" "$(peer_neigh_mac LAB "$LAB_NET4.10")"
}

@test "two containers starting at once with the same address: at most one gets it" {
	local id ok=0
	local -a ids=() pids=()
	for id in race1 race2; do
		id=$(ctr_id "$id")
		ids+=("$id")
		cz_bundle "$id" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	done
	for id in "${ids[@]}"; do
		rt create --bundle "$BATS_TEST_TMPDIR/$id" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.log" \
			2>&1 3>&- &
		pids+=($!)
	done
	for id in "${pids[@]}"; do
		! wait "$id" || ok=$((ok + 1))
	done
	[ "$ok" -le 1 ] || flunk "both containers took $LAB_NET4.10"
	echo "$ok of 2 started" >&2
}

# The host's own address on the parent is invisible to the container's probes: a macvlan
# child's frames go to the wire, never up the parent's stack.
@test "an address the host itself holds on the parent is refused" {
	parent_addr_add "$LAB_PARENT" "$LAB_NET4.3/24"
	cz_refused hostaddr "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.3/24"
	assert_contains "refusal" "$REFUSED" "address $LAB_NET4.3 is already used"
}

@test "two hosts on one LAN: the second host's container cannot take the first's address" {
	local h2 mac pid id state
	test_lab_up C c $((DFT_FILE_NET + 100))
	"$LAB" host "$C_NAME" h2
	h2="dfl-$C_NAME-h2"

	cz_ctr host1 "dockerfly.parent=$C_PARENT" "dockerfly.ip=$C_NET4.10/24"
	mac=$(cz_ctr_mac "$CTR")

	# A stand-in container on the second host: a process in its own netns inside dfl-...-h2.
	bg_start ip netns exec "$h2" unshare -n sleep 1000
	pid=$BG_PID
	wait_until 50 grep -qx sleep "/proc/$pid/comm"
	record_netns "$pid"

	id=$(ctr_id host2)
	state=$(hook_state "$id" "$pid" /nonexistent "dockerfly.parent=$C_PARENT" \
		"dockerfly.ip=$C_NET4.10/24")
	run --separate-stderr ip netns exec "$h2" "$DOCKERFLY_HOOK" prestart <<<"$state"
	assert_eq "hook status on the second host" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $id: lan0: address $C_NET4.10 is already \
used on the LAN by $mac: Address already in use" "$stderr"
	ns_only_lo "$pid"

	# A free address works, and the two hosts' containers reach each other.
	state=$(hook_state "$id" "$pid" /nonexistent "dockerfly.parent=$C_PARENT" \
		"dockerfly.ip=$C_NET4.11/24")
	run --separate-stderr ip netns exec "$h2" "$DOCKERFLY_HOOK" prestart <<<"$state"
	assert_eq "hook status, free address" 0 "$status"
	nsenter -t "$pid" -n ping -c 1 -W 2 "$C_NET4.10"
}

# Same hostname on two hosts with mac=stable: the same MAC. A probe sent from that MAC never
# reaches the holder (its macvlan takes a frame with its own source MAC for a reflection of
# its own), and an answer from "our own" MAC would be ignored anyway.
@test "two hosts, one hostname, mac=stable: the second cannot take the first's address" {
	skip "hook bug: probes go out from the stable MAC, which the holder on the other host also \
has; its macvlan drops them as its own, so it never answers and the second host takes the \
same MAC and address"
	local h2 pid id state bundle
	test_lab_up C c $((DFT_FILE_NET + 100))
	"$LAB" host "$C_NAME" h2
	h2="dfl-$C_NAME-h2"
	CZ_HOSTNAME=twin
	cz_ctr twin1 "dockerfly.parent=$C_PARENT" "dockerfly.ip=$C_NET4.10/24" dockerfly.mac=stable

	bg_start ip netns exec "$h2" unshare -n sleep 1000
	pid=$BG_PID
	wait_until 50 grep -qx sleep "/proc/$pid/comm"
	record_netns "$pid"
	bundle="$BATS_TEST_TMPDIR/twin2"
	mkdir -p "$bundle"
	echo '{"hostname": "twin"}' >"$bundle/config.json"
	id=$(ctr_id twin2)
	state=$(hook_state "$id" "$pid" "$bundle" "dockerfly.parent=$C_PARENT" \
		"dockerfly.ip=$C_NET4.10/24" dockerfly.mac=stable)
	run --separate-stderr ip netns exec "$h2" "$DOCKERFLY_HOOK" prestart <<<"$state"
	assert_eq "hook status on the second host" 1 "$status"
	assert_contains "hook stderr" "$stderr" "address $C_NET4.10 is already used on the LAN by \
$(cz_ctr_mac "$CTR")"
	ns_only_lo "$pid"
}

# --- announcements ---

@test "gratuitous ARP at start; a recreated container's new MAC reaches the peer from it alone" {
	local addr="$LAB_NET4.10" peer mac1 mac2 asked
	peer=$(peer_mac LAB)
	capture_start LAB arp

	cz_ctr garp1 "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$addr/24"
	mac1=$(cz_ctr_mac "$CTR")
	wait_capture arp "$mac1 > ff:ff:ff:ff:ff:ff" "Request who-has $addr tell $addr,"

	# The peer talks to it, so its neighbour table holds the first MAC.
	in_peer LAB ping -c 1 -W 2 "$addr"
	assert_eq "peer's entry before" "$mac1" "$(peer_neigh_mac LAB "$addr")"
	ctr_delete "$CTR"
	asked=$(capture_lines arp "$peer >" "who-has $addr tell" | wc -l)

	cz_ctr garp2 "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$addr/24"
	mac2=$(cz_ctr_mac "$CTR")
	[ "$mac2" != "$mac1" ] || flunk "the new container got the same MAC $mac1"
	wait_until 20 peer_neigh_is LAB "$addr" "$mac2"
	wait_capture arp "$mac2 > ff:ff:ff:ff:ff:ff" "Request who-has $addr tell $addr,"
	capture_stop

	assert_eq "peer's ARP requests for $addr after the restart" "$asked" \
		"$(capture_lines arp "$peer >" "who-has $addr tell" | wc -l)"
	# Probes say nothing about the sender: only the announcement can have taught the peer.
	assert_eq "frames from the new MAC with $addr as sender" 1 \
		"$(capture_lines arp "$mac2 >" "tell $addr," | wc -l)"
}

# Without probes the announcements take another path (the kernel's, at link up): every
# address must still be announced.
@test "dad=off: each IPv4 address is still announced with a gratuitous ARP" {
	local mac a
	capture_start LAB arp
	cz_ctr garpoff "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24,$LAB_NET4.11/24" \
		dockerfly.dad=off
	mac=$(cz_ctr_mac "$CTR")
	for a in "$LAB_NET4.10" "$LAB_NET4.11"; do
		wait_capture arp "$mac > ff:ff:ff:ff:ff:ff" "Request who-has $a tell $a,"
	done
	capture_stop
	assert_eq "probes sent with dad=off" "" "$(capture_lines arp "$mac >" "tell 0.0.0.0,")"
}

@test "IPv6: an unsolicited neighbour advertisement follows the start" {
	local mac
	capture_start LAB icmp6
	cz_ctr na "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24,$LAB_NET6:10/64"
	mac=$(cz_ctr_mac "$CTR")
	# Type 136, to all nodes, override set, solicited not: "Flags [override]" alone.
	wait_capture "icmp6 and ip6[40] == 136" "$mac > 33:33:00:00:00:01" \
		"> ff02::1:" "neighbor advertisement" "tgt is $LAB_NET6:10, Flags [override]"
	capture_stop
}

# dad=off skips the check, not the announcement: IPv4 still sends its gratuitous ARP.
@test "IPv6 with dad=off: the unsolicited neighbour advertisement is still sent" {
	local mac
	capture_start LAB icmp6
	cz_ctr naoff "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET6:10/64" dockerfly.dad=off
	mac=$(cz_ctr_mac "$CTR")
	wait_capture "icmp6 and ip6[40] == 136" "$mac > 33:33:00:00:00:01" \
		"neighbor advertisement" "tgt is $LAB_NET6:10,"
	capture_stop
}

# --- reaching containers from the host ---

# host_reaches ID ADDR SRC: the host fetches the container's page over TCP, through the shim
# and a /32 route with source SRC.
host_reaches() {
	local route
	wait_until 50 cz_listens "$1" 8080
	# Route first: without it the fetch would leave through the host's default route.
	assert_eq "shim" "$CZ_SHIM" "$(shim_links "$LAB_PARENT")"
	route=$(ip -4 -o route show "$2/32")
	assert_contains "host route" "$route" "$2 dev $CZ_SHIM "
	assert_contains "host route source" "$route" "src $3"
	run host_get "$2"
	assert_eq "host -> container $2" dockerfly-container "$output"
}

# host_route_gone: no shim, no route into the lab is left in the host.
host_route_gone() {
	assert_eq "shim left" "" "$(shim_links "$LAB_PARENT")"
	assert_eq "host routes left" "" "$(host_routes LAB)"
}

@test "host-route on in the config file: the host reaches the container; poststop takes all back" {
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	cz_ctr hrconf "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
	assert_contains "shim address" "$(ip -4 -o addr show dev "$CZ_SHIM")" "$LAB_NET4.2/32"

	run ctr_delete "$CTR"
	assert_eq "delete (poststop)" 0 "$status"
	host_route_gone
}

@test "host-route from the annotation, shim address from the config; off by default" {
	cz_conf "shim-address.$LAB_PARENT = $LAB_NET4.2"
	# The admin lets containers ask for host routes themselves.
	cz_policy "parent.$LAB_PARENT = any" "host-route = allow"
	cz_ctr hroff "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.11/24"
	host_route_gone

	cz_ctr hrann "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24" \
		dockerfly.host-route=on
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
	run ctr_delete "$CTR"
	assert_eq "delete (poststop)" 0 "$status"
	host_route_gone
}

@test "host-route: ten containers started at once share one shim, all reachable, none left" {
	local i id fails=0
	local -a ids=() pids=()
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	for i in $(seq 10 19); do
		id=$(ctr_id "par$i")
		ids+=("$id")
		cz_bundle "$id" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.$i/24"
	done
	for id in "${ids[@]}"; do
		ctr_start "$id" "$BATS_TEST_TMPDIR/$id" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fails=$((fails + 1))
	done
	assert_eq "failed starts" 0 "$fails"

	for i in $(seq 10 19); do
		host_reaches "$(ctr_id "par$i")" "$LAB_NET4.$i" "$LAB_NET4.2"
	done
	assert_eq "host routes" 10 "$(host_routes LAB | grep -c " dev $CZ_SHIM ")"

	pids=()
	for id in "${ids[@]}"; do
		ctr_delete "$id" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fails=$((fails + 1))
	done
	assert_eq "failed deletes" 0 "$fails"
	host_route_gone
}

@test "host-route with shim-keep on: the shim stays after the last container, its route goes" {
	cz_conf "host-route = on" "shim-keep = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	own_link "$CZ_SHIM"
	cz_ctr hrkeep "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
	run ctr_delete "$CTR"
	assert_eq "delete (poststop)" 0 "$status"
	assert_eq "shim kept" "$CZ_SHIM" "$(shim_links "$LAB_PARENT")"
	assert_eq "host route left" "" "$(ip -4 -o route show "$LAB_NET4.10/32")"
}

ctr_stopped() {
	[ "$(rt state "$1" | jq -r .status)" = stopped ]
}

# A container that stopped and one that took its address since: the old one's poststop (when
# the engine deletes it) must leave the new one's route and the shim alone.
@test "host-route: a stopped container's late poststop leaves its successor's route alone" {
	local old
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	cz_ctr hrold "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	old=$CTR
	rt kill "$old" KILL
	wait_until 50 ctr_stopped "$old"

	cz_ctr hrnew "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
	run ctr_delete "$old"
	assert_eq "delete of the old container (poststop)" 0 "$status"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
}

# A hook killed mid-attach (by the runtime's hook timeout) gets no poststop: its host route
# would stay, and keep the shim, for ever. The next container that routes through the shim
# takes it away, its init being gone.
@test "host-route: a route whose container's init is gone goes at the next attach" {
	local id
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	netns_proc
	id=$(ctr_id hrgone)
	cz_hook prestart "$NS_PID" "$id" "dockerfly.parent=$LAB_PARENT" \
		"dockerfly.ip=$LAB_NET4.12/24"
	assert_eq "hook status" 0 "$status"
	assert_contains "host route" "$(ip -4 -o route show "$LAB_NET4.12/32")" "dev $CZ_SHIM "
	# The stand-in's init goes, and no poststop runs.
	stop_pid "$NS_PID"
	assert_contains "host route after its init" "$(ip -4 -o route show "$LAB_NET4.12/32")" \
		"dev $CZ_SHIM "

	cz_ctr hrnext "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.2"
	assert_eq "the gone container's host route" "" "$(ip -4 -o route show "$LAB_NET4.12/32")"
	run ctr_delete "$CTR"
	assert_eq "delete (poststop)" 0 "$status"
	host_route_gone
}

@test "host-route with no shim address and no address on the parent fails clearly, leaves nothing" {
	local id msg
	cz_conf "host-route = on"
	msg="host route: the host has no address on $LAB_PARENT's LAN; give $LAB_PARENT one or set \
shim-address.$LAB_PARENT in /etc/dockerfly/dockerfly.conf: Cannot assign requested address"

	cz_refused hrfail "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	assert_contains "refusal" "$REFUSED" "lan0: $msg"
	host_route_gone

	netns_proc
	id=$(ctr_id hrfail-direct)
	cz_hook prestart "$NS_PID" "$id" "dockerfly.parent=$LAB_PARENT" \
		"dockerfly.ip=$LAB_NET4.10/24"
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $id: lan0: $msg" "$stderr"
	ns_only_lo "$NS_PID"
	host_route_gone
}

@test "host-route uses the parent's own address when it has one in the subnet" {
	parent_addr_add "$LAB_PARENT" "$LAB_NET4.3/24"
	cz_conf "host-route = on"
	cz_ctr hrparent "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	host_reaches "$CTR" "$LAB_NET4.10" "$LAB_NET4.3"
	assert_eq "shim addresses" "" "$(ip -4 -o addr show dev "$CZ_SHIM")"

	run ctr_delete "$CTR"
	assert_eq "delete (poststop)" 0 "$status"
	assert_eq "shim left" "" "$(shim_links "$LAB_PARENT")"
	assert_eq "host route left" "" "$(ip -4 -o route show "$LAB_NET4.10/32")"
}

# A private macvlan cannot talk to the host's shim (bridge mode): the route would lead nowhere.
@test "host-route with mode private is refused, not set up to fail" {
	local id
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	# No runtime runs poststop for a stand-in: whatever shim the hook makes goes in teardown.
	own_link "$CZ_SHIM"
	netns_proc
	id=$(ctr_id hrpriv)
	cz_hook prestart "$NS_PID" "$id" "dockerfly.parent=$LAB_PARENT" \
		"dockerfly.ip=$LAB_NET4.10/24" dockerfly.mode=private
	assert_eq "hook status" 1 "$status"
	assert_contains "hook stderr" "$stderr" "host-route"
	ns_only_lo "$NS_PID"
	host_route_gone
}

# The shim is there for IPv4 host routes; with IPv6 on, the host would autoconfigure on the
# LAN through it: a router's advertisement gives the host an address and a second default
# route via the shim.
@test "the host shim carries no IPv6 of the host's onto the LAN" {
	cz_conf "host-route = on" "shim-address.$LAB_PARENT = $LAB_NET4.2"
	cz_ctr hr6 "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
	# The kernel puts the link-local on as the link comes up, so it would be there by now.
	assert_eq "IPv6 addresses on the shim" "" "$(ip -6 -o addr show dev "$CZ_SHIM")"
	[ "$(cat "/proc/sys/net/ipv6/conf/$CZ_SHIM/disable_ipv6")" = 1 ] ||
		[ "$(cat "/proc/sys/net/ipv6/conf/$CZ_SHIM/accept_ra")" = 0 ] ||
		flunk "the shim accepts router advertisements"
}

# --- stable MACs ---

@test "mac=stable: same hostname same MAC, another hostname or NIC another, locally administered" {
	local m1 m2 m3 lan1 mac
	local -a ann=("dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24"
		dockerfly.mac=stable)
	CZ_HOSTNAME=alpha
	cz_ctr stable1 "${ann[@]}" "dockerfly.nic1.parent=$LAB_PARENT" \
		"dockerfly.nic1.ip=$LAB_NET4.11/24" dockerfly.nic1.mac=stable
	m1=$(cz_ctr_mac "$CTR")
	lan1=$(cz_ctr_mac "$CTR" lan1)
	ctr_delete "$CTR"

	cz_ctr stable2 "${ann[@]}"
	m2=$(cz_ctr_mac "$CTR")
	ctr_delete "$CTR"
	assert_eq "MAC of a second run with hostname alpha" "$m1" "$m2"
	[ "$lan1" != "$m1" ] || flunk "lan0 and lan1 both got $m1"

	CZ_HOSTNAME=beta
	cz_ctr stable3 "${ann[@]}"
	m3=$(cz_ctr_mac "$CTR")
	[ "$m3" != "$m1" ] || flunk "hostnames alpha and beta both got $m1"

	for mac in "$m1" "$m3" "$lan1"; do
		is_local_unicast "$mac" || flunk "$mac is not a locally administered unicast MAC"
	done
	# The MAC is the one on the wire.
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
	assert_eq "peer's neighbour entry" "$m3" "$(peer_neigh_mac LAB "$LAB_NET4.10")"
}

# Docker 20.10 has no --annotation: the same settings come as DOCKERFLY_* in process.env.
@test "the environment spelling: DOCKERFLY_DAD, DOCKERFLY_HOST_ROUTE, DOCKERFLY_MAC=stable" {
	local m_env m_ann
	peer_hold LAB "$LAB_NET4.77/24"
	cz_conf "shim-address.$LAB_PARENT = $LAB_NET4.2"
	cz_policy "parent.$LAB_PARENT = any" "host-route = allow"
	# shellcheck disable=SC2034 # cz_ctr reads it
	CZ_HOSTNAME=gamma
	cz_ctr envs -e "DOCKERFLY_PARENT=$LAB_PARENT" -e "DOCKERFLY_IP=$LAB_NET4.77/24" \
		-e DOCKERFLY_DAD=off -e DOCKERFLY_HOST_ROUTE=on -e DOCKERFLY_MAC=stable
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.77/24"
	m_env=$(cz_ctr_mac "$CTR")
	host_reaches "$CTR" "$LAB_NET4.77" "$LAB_NET4.2"
	ctr_delete "$CTR"
	host_route_gone

	cz_ctr anns "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24" \
		dockerfly.mac=stable
	m_ann=$(cz_ctr_mac "$CTR")
	assert_eq "stable MAC, env vs annotation" "$m_ann" "$m_env"
}

@test "mac=stable without a hostname in config.json is refused" {
	local id dir
	id=$(ctr_id nohost)
	dir="$BATS_TEST_TMPDIR/$id"
	cz_bundle "$id" "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.10/24" \
		dockerfly.mac=stable
	jq 'del(.hostname)' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
	run rt create --bundle "$dir" "$id" </dev/null 3>&-
	[ "$status" -ne 0 ] || flunk "created without a hostname"
	assert_contains "refusal" "$output" "mac=stable needs the container's hostname"
}
