#!/usr/bin/env bats
# dockerfly-hook run by real crun on the lab LAN (cases in lib/hook_cases.bash).

load helper

setup_file() {
	hook_setup_file crun
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

@test "crun: TCP from the peer to the container and back, IPv4" {
	case_tcp_v4
}

@test "crun: ping both ways, IPv4; no process of the hook's left behind" {
	case_ping_v4
}

@test "crun: IPv6 usable once DAD is done: ping and TCP both ways" {
	case_ipv6
}

@test "crun: MAC and MTU applied" {
	case_mac_mtu
}

@test "crun: default routes go via the lab gateway" {
	case_default_route
}

@test "crun: extra routes" {
	case_extra_routes
}

@test "crun: every route of the NIC ACKs at once (quickack)" {
	case_quickack
}

@test "crun: quickack=off, and a route shared with another NIC, keep delayed ACKs" {
	case_quickack_off
}

@test "crun: two NICs on two parents" {
	case_two_nics
}

@test "crun: the hook run again on the same container changes nothing" {
	case_twice_no_change
}

@test "crun: settings from config.json annotations" {
	case_source_config
}

@test "crun: settings from state annotations" {
	case_source_state
}

@test "crun: settings from process.env DOCKERFLY_*" {
	case_source_env
}

@test "crun: poststop succeeds after the container is gone" {
	case_poststop
}
