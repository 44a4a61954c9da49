# shellcheck shell=bash
# shellcheck disable=SC2154 # status, output and stderr are set by bats "run"
# The hook through a real runtime on the lab LAN. One implementation of each case, run by
# 20-hook-runc.bats and 21-hook-crun.bats with their own runtime.
#
# Files using these call hook_setup_file: lab LAB on 198.18.NUM.0/24 and lab LAB2 on
# 198.18.(NUM+100).0/24, where NUM is the file's number. Containers use host part .10.

hook_setup_file() {
	common_setup_file
	file_lab_up LAB a "$DFT_FILE_NET"
	file_lab_up LAB2 b $((DFT_FILE_NET + 100))
	use_runtime "$1"
	need_hook
}

# The settings most cases use: one NIC, v4 and v6, both gateways.
std_annotations() {
	STD_ANN=(
		"dockerfly.parent=$LAB_PARENT"
		"dockerfly.ip=$LAB_NET4.10/24,$LAB_NET6:10/64"
		"dockerfly.gateway=$LAB_GW4,$LAB_GW6"
	)
}

# lan_ctr WORD [make_bundle options and annotations...]: start a container with those settings;
# it serves its /www on port 8080. Sets CTR (the id) and CTR_PID.
lan_ctr() {
	CTR=$(ctr_id "$1")
	shift
	make_bundle "$BATS_TEST_TMPDIR/$CTR" "$@" -- sh -c 'httpd -p 8080 -h /www && exec sleep 100000'
	ctr_start "$CTR" "$BATS_TEST_TMPDIR/$CTR"
	CTR_PID=$(ctr_pid "$CTR")
}

std_ctr() {
	std_annotations
	lan_ctr "$1" "${STD_ANN[@]}"
}

ctr_listens() {
	[ -n "$(ctr_ns "$1" ss -Htln "sport = :$2")" ]
}

# IPv6 addresses need DAD in the container before they can be used; poll until it is done for
# every address of the link (the link-local one too, whose state the rerun test compares).
v6_settled() {
	local out
	out=$(ctr_ns "$1" ip -6 -o addr show dev "$2" 2>/dev/null) || return 1
	grep -q 'scope global' <<<"$out" && ! grep -qE 'tentative|dadfailed' <<<"$out"
}

wait_v6() {
	wait_until 100 v6_settled "$1" "${2:-lan0}" || {
		ctr_ns "$1" ip -6 addr show >&2
		return 1
	}
}

# ctr_has_addr ID IFNAME ADDR/LEN
ctr_has_addr() {
	ctr_ns "$1" ip -o addr show dev "$2" | grep -qF " $3 "
}

# net_view ID: the container's addresses, links and routes, for before/after comparisons.
net_view() {
	ctr_ns "$1" ip -d link show
	ctr_ns "$1" ip addr show
	ctr_ns "$1" ip -4 route show table all
	ctr_ns "$1" ip -6 route show table all
}

# run_hook STAGE STATE_JSON: the hook by hand, as a runtime would call it.
run_hook() {
	run --separate-stderr hook "$1" <<<"$2"
	if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
		echo "hook $1 exited $status, stderr: $stderr" >&2
	fi
}

case_tcp_v4() {
	std_ctr tcp4
	wait_until 50 ctr_listens "$CTR" 8080

	run in_peer LAB timeout 10 busybox wget -q -O - "http://$LAB_NET4.10:8080/index.html"
	assert_eq "peer -> container" dockerfly-container "$output"

	peer_serve_http LAB 9000 from-peer
	run ctr_exec "$CTR" timeout 10 wget -q -O - "http://$LAB_GW4:9000/peer.txt"
	assert_eq "container -> peer" from-peer "$output"
}

no_hook_left() {
	! pgrep -x dockerfly-hook >/dev/null
}

case_ping_v4() {
	std_ctr ping4
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
	# The child that closes the probes' packet socket after the hook returned is gone too.
	wait_until 50 no_hook_left
}

case_ipv6() {
	std_ctr ip6
	wait_v6 "$CTR"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW6"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET6:10"

	wait_until 50 ctr_listens "$CTR" 8080
	run in_peer LAB timeout 10 busybox wget -q -O - "http://[$LAB_NET6:10]:8080/index.html"
	assert_eq "peer -> container over v6" dockerfly-container "$output"
	peer_serve_http LAB 9000 from-peer-v6
	run ctr_exec "$CTR" timeout 10 wget -q -O - "http://[$LAB_GW6]:9000/peer.txt"
	assert_eq "container -> peer over v6" from-peer-v6 "$output"
}

case_mac_mtu() {
	local mac
	mac=$(printf '02:df:00:00:%02x:10' "$DFT_FILE_NET")
	std_annotations
	lan_ctr macmtu "${STD_ANN[@]}" "dockerfly.mac=$mac" dockerfly.mtu=1400

	run ctr_exec "$CTR" cat /sys/class/net/lan0/address
	assert_eq mac "$mac" "$output"
	run ctr_exec "$CTR" cat /sys/class/net/lan0/mtu
	assert_eq mtu 1400 "$output"
	# The peer learns that MAC from the wire.
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
	run in_peer LAB ip -j neigh show "$LAB_NET4.10" dev lan0
	assert_eq "peer's neighbour entry" "$mac" "$(jq -r '.[0].lladdr' <<<"$output")"
}

case_default_route() {
	std_ctr route
	run ctr_ns "$CTR" ip -j -4 route show default
	assert_eq "v4 default gateway" "$LAB_GW4" "$(jq -r '.[0].gateway' <<<"$output")"
	assert_eq "v4 default dev" lan0 "$(jq -r '.[0].dev' <<<"$output")"
	assert_eq "v4 default routes" 1 "$(jq length <<<"$output")"
	run ctr_ns "$CTR" ip -j -6 route show default
	assert_eq "v6 default gateway" "$LAB_GW6" "$(jq -r '.[0].gateway' <<<"$output")"
	assert_eq "v6 default dev" lan0 "$(jq -r '.[0].dev' <<<"$output")"
	# The route is used: the peer is the gateway, so an off-LAN destination goes to it.
	run ctr_ns "$CTR" ip -j route get 198.19.0.1
	assert_eq "route get via" "$LAB_GW4" "$(jq -r '.[0].gateway' <<<"$output")"
}

case_extra_routes() {
	local dst
	dst="198.19.$DFT_FILE_NET.0/24"
	std_annotations
	lan_ctr routes "${STD_ANN[@]}" "dockerfly.routes=$dst via $LAB_GW4"
	run ctr_ns "$CTR" ip -j route show "$dst"
	assert_eq "extra route gateway" "$LAB_GW4" "$(jq -r '.[0].gateway' <<<"$output")"
	assert_eq "extra route dev" lan0 "$(jq -r '.[0].dev' <<<"$output")"
}

# quick_acks CTR DEV: "DST QUICKACK" for each main-table route of DEV, both families, sorted.
quick_acks() {
	{
		ctr_ns "$1" ip -j -4 route show dev "$2"
		ctr_ns "$1" ip -j -6 route show dev "$2"
	} | jq -r '.[] | "\(.dst) \([.metrics[]?.quickack // empty][0] // 0)"' | sort
}

# Every route the hook gives the NIC (default, extra, and the kernel's subnet routes) ACKs at
# once: no delayed ACK holding up a client whose next write waits on it (Nagle).
case_quickack() {
	local extra="198.19.$DFT_FILE_NET.0/24" want
	std_annotations
	lan_ctr quickack "${STD_ANN[@]}" "dockerfly.routes=$extra via $LAB_GW4"
	wait_v6 "$CTR"
	want=$(printf '%s 1\n' default default "$extra" "$LAB_NET4.0/24" "$LAB_NET6:/64" \
		fe80::/64 | sort)
	assert_eq "routes and their quickack" "$want" "$(quick_acks "$CTR" lan0)"
}

# quickack=off: the kernel's delayed ACKs, on every route. Two NICs on one LAN: the second's
# subnet route shares its destination with the first's, which a replace could hit; it is left.
case_quickack_off() {
	local want
	std_annotations
	lan_ctr noquick "${STD_ANN[@]}" dockerfly.quickack=off \
		"dockerfly.nic1.parent=$LAB_PARENT" "dockerfly.nic1.ip=$LAB_NET4.11/24"
	wait_v6 "$CTR"
	want=$(printf '%s 0\n' default default "$LAB_NET4.0/24" "$LAB_NET6:/64" fe80::/64 | sort)
	assert_eq "lan0 with quickack=off" "$want" "$(quick_acks "$CTR" lan0)"
	want=$(printf '%s\n' "$LAB_NET4.0/24 0" "fe80::/64 0")
	assert_eq "lan1: routes shared with lan0" "$want" "$(quick_acks "$CTR" lan1)"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
}

case_two_nics() {
	std_annotations
	lan_ctr nics "${STD_ANN[@]}" \
		"dockerfly.nic1.parent=$LAB2_PARENT" "dockerfly.nic1.ip=$LAB2_NET4.10/24"
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.10/24"
	ctr_has_addr "$CTR" lan1 "$LAB2_NET4.10/24"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB2_GW4"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
	in_peer LAB2 ping -c 1 -W 2 "$LAB2_NET4.10"
	# The default route stays on nic0, which alone has a gateway.
	run ctr_ns "$CTR" ip -j -4 route show default
	assert_eq "default routes" 1 "$(jq length <<<"$output")"
	assert_eq "default dev" lan0 "$(jq -r '.[0].dev' <<<"$output")"
}

case_twice_no_change() {
	local before state
	std_ctr twice
	wait_v6 "$CTR"
	before=$(net_view "$CTR")
	state=$(rt state "$CTR")

	run_hook prestart "$state"
	assert_eq "second prestart status" 0 "$status"
	assert_eq "after a second prestart" "$before" "$(net_view "$CTR")"

	# Without a stage the hook decides from the state: a running pid means attach.
	run --separate-stderr hook <<<"$state"
	assert_eq "stage-less run status" 0 "$status"
	assert_eq "after a stage-less run" "$before" "$(net_view "$CTR")"
}

# Settings from <bundle>/config.json annotations when the state has none. The env in the same
# config.json names another address: only one source may be used.
case_source_config() {
	local state
	std_annotations
	lan_ctr srccfg --no-hooks "${STD_ANN[@]}" -e "DOCKERFLY_PARENT=$LAB_PARENT" \
		-e "DOCKERFLY_IP=$LAB_NET4.11/24"
	run ctr_ns "$CTR" ip -o link show dev lan0
	[ "$status" -ne 0 ] || flunk "lan0 exists before the hook ran"

	state=$(rt state "$CTR" | jq -c 'del(.annotations)')
	run_hook prestart "$state"
	assert_eq "hook status" 0 "$status"
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.10/24"
	! ctr_has_addr "$CTR" lan0 "$LAB_NET4.11/24" || flunk "env used besides annotations"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
}

# Settings from the state's annotations, over config.json's own.
case_source_state() {
	local state
	lan_ctr srcstate --no-hooks "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.11/24"
	state=$(rt state "$CTR" | jq -c --arg parent "$LAB_PARENT" --arg ip "$LAB_NET4.10/24" \
		'.annotations = {"dockerfly.parent": $parent, "dockerfly.ip": $ip}')

	run_hook prestart "$state"
	assert_eq "hook status" 0 "$status"
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.10/24"
	! ctr_has_addr "$CTR" lan0 "$LAB_NET4.11/24" || flunk "config.json used besides state"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
}

# Settings from process.env, as Docker (no --annotation) passes them, through the runtime.
case_source_env() {
	lan_ctr srcenv -e "DOCKERFLY_PARENT=$LAB_PARENT" \
		-e "DOCKERFLY_IP=$LAB_NET4.10/24,$LAB_NET6:10/64" \
		-e "DOCKERFLY_GATEWAY=$LAB_GW4" -e DOCKERFLY_MTU=1450
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.10/24"
	ctr_has_addr "$CTR" lan0 "$LAB_NET6:10/64"
	run ctr_exec "$CTR" cat /sys/class/net/lan0/mtu
	assert_eq mtu 1450 "$output"
	run ctr_ns "$CTR" ip -j -4 route show default
	assert_eq "default gateway" "$LAB_GW4" "$(jq -r '.[0].gateway' <<<"$output")"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
}

case_poststop() {
	local state
	std_ctr poststop
	ctr_has_addr "$CTR" lan0 "$LAB_NET4.10/24"
	state=$(rt state "$CTR")

	run ctr_delete "$CTR"
	assert_eq "delete status (runs poststop)" 0 "$status"
	assert_eq "containers left" "" "$(containers_left)"
	wait_until 50 pid_gone "$CTR_PID"

	# Released by hand once more, the container long gone: still fine.
	state=$(jq -c '.status = "stopped"' <<<"$state")
	run_hook poststop "$state"
	assert_eq "poststop status" 0 "$status"
	assert_eq "poststop stderr" "" "$stderr"
	run --separate-stderr hook <<<"$state"
	assert_eq "stage-less release status" 0 "$status"
}
