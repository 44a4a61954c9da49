#!/usr/bin/env bats
# dockerfly.ip=dhcp against a real DHCP server: dnsmasq in the lab's peer host hands out
# 198.18.26.100-150 (2 minute leases, renewal after 5 s) with itself (.1) as the router. The
# lease is taken before the container's process runs, kept alive by the lease keeper while the
# container lives, and given back when it stops.

load helper
load lib/dhcp
load lib/engines

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

DHCP_ANN=()

# dhcp_ann: the settings of one DHCP NIC on lab LAB, in DHCP_ANN.
dhcp_ann() {
	DHCP_ANN=("dockerfly.parent=$LAB_PARENT" dockerfly.ip=dhcp)
}

# dhcp_ctr WORD HOSTNAME [more settings...]: a DHCP container that writes its lan0 addresses
# to /tmp/at-start before it does anything else. Sets CTR, CTR_PID and ADDR (its address).
dhcp_ctr() {
	local word=$1 host=$2
	shift 2
	dhcp_ann
	dh_ctr "$word" "$host" "${DHCP_ANN[@]}" "$@" -- \
		sh -c 'ip -o -4 addr show dev lan0 >/tmp/at-start && exec sleep 100000'
	ADDR=$(dh_addr "$CTR_PID")
	[ -n "$ADDR" ] || flunk "container $CTR has no IPv4 address on lan0"
}

# A leased container's state, checked the same for every runtime: address in the server's
# range with the lease's lifetime, in place when the process started, the router as default
# route, reachable both ways; the server knows it by hostname and client id; the keeper runs.
check_leased() {
	local host=$1 lease valid
	dh_in_range "$ADDR" 100 150 || flunk "address $ADDR is not in the server's range"
	assert_eq "prefix length" 24 "$(dh_addr_info "$CTR_PID" prefixlen)"
	valid=$(dh_addr_info "$CTR_PID" valid_life_time)
	if [ "$valid" -gt 120 ] || [ "$valid" -lt 100 ]; then
		flunk "valid_lft $valid is not the 120 s lease time"
	fi
	assert_eq "preferred_lft" "$valid" "$(dh_addr_info "$CTR_PID" preferred_life_time)"
	run ctr_exec "$CTR" cat /tmp/at-start
	assert_contains "address when the process started" "$output" "inet $ADDR/24"

	assert_eq "default route" "lan0 $LAB_GW4" "$(dh_default4 "$CTR_PID")"
	ctr_exec "$CTR" ping -c 1 -W 2 "$LAB_GW4"
	in_peer LAB ping -c 1 -W 2 "$ADDR"

	lease=$(dh_lease "$ADDR")
	[ -n "$lease" ] || flunk "no lease for $ADDR in the server's lease file"
	assert_eq "hostname in the lease file" "$host" "$(awk '{ print $4 }' <<<"$lease")"
	assert_eq "client id in the lease file" "$(dh_client_id "$host" lan0)" \
		"$(awk '{ print $5 }' <<<"$lease")"
	assert_eq "MAC in the lease file" "$(dh_mac "$CTR_PID")" \
		"$(awk '{ print $2 }' <<<"$lease")"

	[ -n "$(dh_keeper "$CTR")" ] || flunk "no lease keeper runs for $CTR"
	grep -qxF "lan0 $ADDR/24 dhcp" <<<"$(dh_record "$CTR")" ||
		flunk "record of the addresses: $(dh_record "$CTR")"
}

@test "runc: the container leases an address before its process runs, router as default route, hostname and client id at the server" {
	dh_dnsmasq 100 150
	dhcp_ctr lease dh-lease
	check_leased dh-lease
}

@test "the keeper renews the lease while the container runs and refreshes the address's lifetime" {
	local expiry
	dh_dnsmasq 100 150
	dh_capture_start
	dhcp_ctr renew dh-renew
	assert_eq "ACKs before any renewal" 1 "$(dh_log_count ACK "$ADDR")"
	expiry=$(dh_lease "$ADDR" | awk '{ print $1 }')

	# T1 is 5 s: the renewal is a second REQUEST and ACK for the same address.
	wait_until 100 dh_log_at_least ACK "$ADDR" 2 || { dh_show_log; return 1; }
	dh_log_at_least REQUEST "$ADDR" 2
	# Seconds after the first ACK, the lifetime is back at the full lease.
	wait_until 30 dh_valid_at_least "$CTR_PID" 119 || {
		ctr_ns "$CTR" ip -4 addr show dev lan0 >&2
		return 1
	}
	[ "$(dh_lease "$ADDR" | awk '{ print $1 }')" -gt "$expiry" ] ||
		flunk "the server's lease did not move its expiry"
	assert_eq "address after renewal" "$ADDR" "$(dh_addr "$CTR_PID")"
	# Renewing (RFC 2131 4.4.5): a unicast REQUEST from the leased address to the server.
	wait_until 20 dh_captured_has "IP $ADDR.68 > $LAB_GW4.67: BOOTP/DHCP, Request" || {
		dh_captured >&2
		flunk "no unicast renewal from $ADDR to $LAB_GW4"
	}
	! grep -q "DHCPNAK" "$DH_LOG" || { dh_show_log; flunk "the server refused a renewal"; }
}

@test "runc kill and delete: the lease is released, the keeper and the record are gone" {
	local keeper
	dh_dnsmasq 100 150
	dhcp_ctr stop dh-stop
	keeper=$(dh_keeper "$CTR")
	[ -n "$keeper" ] || flunk "no lease keeper"

	rt kill "$CTR" KILL
	wait_until 50 pid_gone "$CTR_PID"
	rt delete "$CTR"
	wait_until 50 dh_log_has RELEASE "$ADDR" || { dh_show_log; return 1; }
	wait_until 50 dh_no_lease "$ADDR" || { cat "$DH_LEASES" >&2; return 1; }
	wait_until 50 pid_gone "$keeper"
	assert_eq "record after delete" "" "$(dh_record "$CTR")"
	assert_eq "releases" 1 "$(dh_log_count RELEASE "$ADDR")"
}

@test "the container's init exits on its own: the keeper releases the lease and exits" {
	local keeper
	dh_dnsmasq 100 150
	dhcp_ann
	dh_ctr selfexit dh-selfexit "${DHCP_ANN[@]}" -- \
		sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.1; done'
	ADDR=$(dh_addr "$CTR_PID")
	keeper=$(dh_keeper "$CTR")
	[ -n "$keeper" ] || flunk "no lease keeper"

	ctr_exec "$CTR" touch /tmp/stop
	wait_until 50 pid_gone "$CTR_PID"
	wait_until 50 dh_log_has RELEASE "$ADDR" || { dh_show_log; return 1; }
	wait_until 50 dh_no_lease "$ADDR"
	wait_until 50 pid_gone "$keeper"
	# Its release then finds nothing left to do.
	run rt delete "$CTR"
	assert_eq "delete status" 0 "$status"
	assert_eq "releases" 1 "$(dh_log_count RELEASE "$ADDR")"
}

@test "poststop while the container's process still runs: the keeper releases on SIGTERM" {
	local keeper
	dh_dnsmasq 100 150
	dh_stand_in term dh-term
	dhcp_ann
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${DHCP_ANN[@]}"
	assert_eq "prestart status" 0 "$status"
	ADDR=$(dh_addr "$NS_PID")
	keeper=$(dh_keeper "$SID")
	[ -n "$keeper" ] || flunk "no lease keeper"

	dh_hook poststop "$NS_PID" "$SID" "$SBUNDLE" "${DHCP_ANN[@]}"
	assert_eq "poststop status" 0 "$status"
	assert_eq "poststop stderr" "" "$stderr"
	# The hook waits for the keeper: both are done when it returns.
	pid_gone "$keeper" || flunk "keeper $keeper still runs after poststop"
	dh_log_has RELEASE "$ADDR" || { dh_show_log; flunk "no DHCPRELEASE for $ADDR"; }
	wait_until 50 dh_no_lease "$ADDR"
}

@test "no server answers: a clear error within dhcp-timeout, no link, no keeper left" {
	local id
	dhcp_ann
	dh_refused nosrv dh-nosrv "${DHCP_ANN[@]}" dockerfly.dhcp-timeout=500
	assert_contains "refusal" "$REFUSED" \
		"lan0: DHCP: no server answered within 500 ms: Connection timed out"

	dh_stand_in nosrv2 dh-nosrv2
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${DHCP_ANN[@]}" dockerfly.dhcp-timeout=500
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $SID: lan0: DHCP: no server answered \
within 500 ms: Connection timed out" "$stderr"
	dh_only_lo "$NS_PID"
	assert_eq "keepers" "" "$(dh_keepers)"
	id=$(ctr_id nosrv)
	assert_eq "record" "" "$(dh_record "$SID")$(dh_record "$id")"
}

@test "an offered address that answers ARP on the LAN is declined and the container refused" {
	local held="$LAB_NET4.100"
	dh_dnsmasq 100 100
	dh_peer_hold "$held/24"

	dh_stand_in decline dh-decline
	dhcp_ann
	dh_hook prestart "$NS_PID" "$SID" "$SBUNDLE" "${DHCP_ANN[@]}"
	assert_eq "hook status" 1 "$status"
	assert_eq "hook stderr" "dockerfly-hook: container $SID: lan0: address $held is already \
used on the LAN by $(in_peer LAB cat /sys/class/net/lan0/address): Address already in use" \
		"$stderr"
	dh_log_has DECLINE "$held" || { dh_show_log; flunk "no DHCPDECLINE for $held"; }
	dh_only_lo "$NS_PID"
	assert_eq "keepers" "" "$(dh_keepers)"
	assert_eq "record" "" "$(dh_record "$SID")"
}

@test "crun: a lease beside a static IPv6 address, released at delete" {
	local keeper
	use_runtime crun
	dh_dnsmasq 100 150
	dhcp_ctr crun dh-crun "dockerfly.ip=dhcp,$LAB_NET6:10/64"
	check_leased dh-crun
	ctr_ns "$CTR" ip -o -6 addr show dev lan0 | grep -qF " $LAB_NET6:10/64 " ||
		flunk "no static IPv6 address beside the lease"
	grep -qxF "lan0 $LAB_NET6:10/64 static" <<<"$(dh_record "$CTR")" ||
		flunk "record of the addresses: $(dh_record "$CTR")"
	keeper=$(dh_keeper "$CTR")

	ctr_delete "$CTR"
	wait_until 50 dh_log_has RELEASE "$ADDR" || { dh_show_log; return 1; }
	wait_until 50 dh_no_lease "$ADDR"
	wait_until 50 pid_gone "$keeper"
}

@test "two containers with their own hostnames get their own leases" {
	local first
	dh_dnsmasq 100 150
	dhcp_ctr two1 dh-two1
	first=$ADDR
	dhcp_ctr two2 dh-two2
	[ "$ADDR" != "$first" ] || flunk "both containers got $ADDR"
	in_peer LAB ping -c 1 -W 2 "$first"
	in_peer LAB ping -c 1 -W 2 "$ADDR"
}

# dnsmasq starts again, authoritative, with another range: it refuses the renewal of an
# address it no longer hands out.
nak_server() {
	dh_dnsmasq 100 150
	dhcp_ctr nak dh-nak
	stop_pid "$DH_DNSMASQ_PID"
	dh_dnsmasq 160 200 --dhcp-authoritative
	wait_until 100 dh_log_has NAK "$ADDR" || { dh_show_log; return 1; }
}

# Is the refused address off the container's NIC?
refused_gone() {
	! ctr_ns "$CTR" ip -4 -o addr show dev lan0 | grep -q " $1/"
}

@test "a renewal the server refuses (DHCPNAK) takes the address off the NIC" {
	local keeper
	nak_server
	keeper=$(dh_keeper "$CTR")
	# The server may have given the address to someone else: it must not stay in use.
	wait_until 30 refused_gone "$ADDR" || {
		ctr_ns "$CTR" ip -4 addr show dev lan0 >&2
		return 1
	}
	ctr_delete "$CTR"
	wait_until 50 pid_gone "$keeper"
}

@test "after a refused renewal the keeper takes a new lease" {
	nak_server
	wait_until 100 dh_addr_in_range "$CTR_PID" 160 200 || { dh_show_log; return 1; }
	assert_eq "default route" "lan0 $LAB_GW4" "$(dh_default4 "$CTR_PID")"
}

@test "a long hostname is sent whole in the client id" {
	local host
	host=dh-$(printf 'long%.0s' $(seq 14))
	dh_dnsmasq 100 150
	dhcp_ctr long "$host"
	assert_eq "client id in the lease file" "$(dh_client_id "$host" lan0)" \
		"$(dh_lease "$ADDR" | awk '{ print $5 }')"
}

# Both present client id "dockerfly:HOST:lan0": the server hands the second the first one's
# address; its probe finds the first and it declines, and the server drops the lease that the
# first still holds.
@test "a second container with the same hostname does not take the first one's lease away" {
	skip "hook bug: the client id depends only on hostname and ifname; the second container's \
DHCPDECLINE removes the first one's lease, its next renewal is refused (DHCPNAK) and the \
first container loses its address"
	local first
	dh_dnsmasq 100 150
	dhcp_ctr same1 dh-same
	first=$ADDR
	dhcp_ann
	dh_bundle "$(ctr_id same2)" dh-same "${DHCP_ANN[@]}"
	rt create --bundle "$BATS_TEST_TMPDIR/$(ctr_id same2)" "$(ctr_id same2)" </dev/null \
		>/dev/null 2>&1 3>&- || true

	# The first container's next renewal must still be acknowledged.
	wait_until 100 dh_log_at_least REQUEST "$first" 3 || { dh_show_log; return 1; }
	wait_until 30 dh_log_at_least ACK "$first" 3 || { dh_show_log; return 1; }
	! grep -q "DHCPNAK(lan0) $first " "$DH_LOG" || { dh_show_log; flunk "renewal refused"; }
}

@test "the hook run again on a leased container changes nothing" {
	local before keepers
	dh_dnsmasq 100 150
	dhcp_ctr again dh-again
	before=$(ctr_ns "$CTR" ip -4 addr show dev lan0 | grep -v valid_lft)
	keepers=$(dh_keepers)

	dh_hook prestart "$CTR_PID" "$CTR" "$BATS_TEST_TMPDIR/$CTR" "${DHCP_ANN[@]}"
	assert_eq "second prestart status" 0 "$status"
	assert_eq "addresses" "$before" "$(ctr_ns "$CTR" ip -4 addr show dev lan0 | grep -v valid_lft)"
	assert_eq "default route" "lan0 $LAB_GW4" "$(dh_default4 "$CTR_PID")"
	assert_eq "keepers" "$keepers" "$(dh_keepers)"
	assert_eq "DISCOVERs" 1 "$(grep -c 'DHCPDISCOVER(lan0)' "$DH_LOG")"
}

@test "the hook run again on a leased container keeps the record of its address" {
	dh_dnsmasq 100 150
	dhcp_ctr record dh-record
	dh_hook prestart "$CTR_PID" "$CTR" "$BATS_TEST_TMPDIR/$CTR" "${DHCP_ANN[@]}"
	assert_eq "second prestart status" 0 "$status"
	assert_eq "record" "lan0 $ADDR/24 dhcp" "$(dh_record "$CTR")"
}

@test "docker run --runtime with -e DOCKERFLY_IP=dhcp: a lease, released at docker rm" {
	local name id pid addr keeper
	[ -x "$TOP_DIR/build/dockerfly-runtime" ] && [ -x "$TOP_DIR/scripts/dockerfly-setup" ] ||
		skip "the Docker runtime wrapper (build/dockerfly-runtime, scripts/dockerfly-setup) is not there yet"
	need_docker
	export TEST_LABEL="$TEST_LABEL_KEY=$DFT_NUM-$DFT_PID-dhcp"
	# Teardown removes the containers of that label, then the runtime entry.
	echo docker >"$BATS_TEST_TMPDIR/docker_used"
	engines_install
	ensure_image docker
	docker_runtime_up
	dh_dnsmasq 100 150

	name=$(cname dhcp)
	docker run -d --name "$name" --label "$TEST_LABEL" --runtime "$DOCKER_RT" \
		--hostname dh-docker -e "DOCKERFLY_PARENT=$LAB_PARENT" -e DOCKERFLY_IP=dhcp \
		"$TEST_IMAGE" sleep 100000
	id=$(docker inspect -f '{{.Id}}' "$name")
	echo "$id" >>"$BATS_TEST_TMPDIR/docker_ids"
	pid=$(docker_pid "$name")
	record_netns "$pid"
	addr=$(dh_addr "$pid")
	dh_in_range "$addr" 100 150 || flunk "address \"$addr\" is not in the server's range"
	assert_eq "default route" "lan0 $LAB_GW4" "$(dh_default4 "$pid")"
	assert_eq "hostname in the lease file" dh-docker "$(dh_lease "$addr" | awk '{ print $4 }')"
	in_peer LAB ping -c 1 -W 2 "$addr"
	# The runtime gives the hook no environment of ours: the keeper is in the default place.
	keeper=$(dh_keeper "$id" /run/dockerfly)
	[ -n "$keeper" ] || flunk "no lease keeper for $id"

	docker rm -f "$name" >/dev/null
	wait_until 50 dh_log_has RELEASE "$addr" || { dh_show_log; return 1; }
	wait_until 50 dh_no_lease "$addr"
	wait_until 50 pid_gone "$keeper"
}
