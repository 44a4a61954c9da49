#!/usr/bin/env bats
# The dockerfly command against real Docker and Podman on the lab LAN (198.18.50.0/24): run,
# ls, ssh from the lab's peer host, start, stop, rm, getpid and attach, and every error they
# name. dockerfly is installed with "make install" into a prefix of this file's own, Docker
# gets a runtime of this file's own (through "dockerfly setup docker --name"), and the
# defaults file and Podman's containers.conf are this file's too.

load helper
load lib/dhcp

setup_file() {
	common_setup_file
	[ "$(id -u)" = 0 ] || skip "needs root (engines, network namespaces)"
	command -v docker >/dev/null || skip "docker is not installed"
	docker info >/dev/null 2>&1 || skip "dockerd does not answer (tests/lib/start-engines)"
	# The lab's subnet is 198.18.NUM.0/24, NUM the file's number.
	export NET=$((10#$DFT_NUM))
	NET6=fd18:$(printf '%x' "$NET")
	export NET6
	file_lab_up LAB a "$NET"

	export PFX="$BATS_FILE_TMPDIR/prefix"
	export DF="$PFX/bin/dockerfly"
	make -s -C "$TOP_DIR" B="$BATS_FILE_TMPDIR/build" PREFIX="$PFX" install \
		>"$BATS_FILE_TMPDIR/make.log" 2>&1 ||
		flunk "make install: $(tail -n 3 "$BATS_FILE_TMPDIR/make.log")"
	ENGINES=docker
	if command -v podman >/dev/null; then
		ENGINES=both
	fi
	"$TOP_DIR/scripts/build-image" --engine "$ENGINES" >"$BATS_FILE_TMPDIR/image.log" 2>&1 ||
		flunk "build-image: $(tail -n 1 "$BATS_FILE_TMPDIR/image.log")"

	export RT_NAME="dft-$DFT_NUM$DFT_PID"
	"$DF" setup docker --name "$RT_NAME" >"$BATS_FILE_TMPDIR/setup.log" 2>&1 ||
		flunk "dockerfly setup docker: $(tail -n 1 "$BATS_FILE_TMPDIR/setup.log")"
	touch "$BATS_FILE_TMPDIR/runtime-registered"

	ssh-keygen -q -t ed25519 -N '' -C dockerfly-test -f "$BATS_FILE_TMPDIR/id"
	ssh-keygen -q -t ed25519 -N '' -C dockerfly-test-2 -f "$BATS_FILE_TMPDIR/id2"
	# Every form the defaults file may take: quotes, "export", comments.
	export DOCKERFLY_DEFAULTS="$BATS_FILE_TMPDIR/defaults"
	cat >"$DOCKERFLY_DEFAULTS" <<-EOF
		# dockerfly defaults of the test file
		PARENT="$LAB_PARENT"
		export PREFIX=24
		  GATEWAY='$LAB_GW4'   # the peer host
		SSH_KEY=$BATS_FILE_TMPDIR/id
		ENGINE=docker
		RUNTIME=$RT_NAME

	EOF
	# Podman: runc, and rlimits this machine can grant (it lacks CAP_SYS_RESOURCE).
	export CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf"
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n%s\n' \
		'[engine]' >"$CONTAINERS_CONF"
	printf 'runtime = "runc"\n' >>"$CONTAINERS_CONF"
}

teardown_file() {
	remove_machines
	if [ -f "$BATS_FILE_TMPDIR/runtime-registered" ]; then
		"$DF" setup docker --undo --name "$RT_NAME" >/dev/null
	fi
	common_teardown_file
}

setup() {
	# The installed hook is the one under test, found beside the installed command.
	unset DOCKERFLY_HOOK
	common_setup
}

teardown() {
	local rc=0
	remove_machines || rc=1
	common_teardown || rc=1
	return "$rc"
}

# m WORD: a container name of this file run (also a valid host name).
m() {
	printf 'df%s%s-%s' "$DFT_NUM" "$DFT_PID" "$1"
}

# Every container of this file, machine or not, in both engines.
remove_machines() {
	local eng ids rc=0
	for eng in docker podman; do
		command -v "$eng" >/dev/null || continue
		mapfile -t ids < <("$eng" ps -aq --filter "name=^$(m '')")
		[ "${#ids[@]}" -eq 0 ] || "$eng" rm -f "${ids[@]}" >/dev/null || rc=1
	done
	return "$rc"
}

need_podman() {
	command -v podman >/dev/null || skip "podman is not installed"
}

# ls_row NAME: the "dockerfly ls" row of machine NAME (fields split by blanks).
ls_row() {
	"$DF" ls | awk -v n="$1" '$1 == n'
}

# field N ROW: the Nth blank-separated field of ROW.
field() {
	awk -v n="$1" '{ print $n }' <<<"$2"
}

# peer_ssh NAME CMD...: "dockerfly ssh" from the lab's peer host, with a HOME of the test's own
# (to see that nothing lands in ~/.ssh) and no terminal to prompt on.
peer_ssh() {
	mkdir -p "$BATS_TEST_TMPDIR/home"
	HOME="$BATS_TEST_TMPDIR/home" in_peer LAB "$DF" ssh "$@" </dev/null
}

# ns_mac PID: the MAC of lan0 in PID's network namespace (sysfs would show the host's).
ns_mac() {
	nsenter -t "$1" -n ip -o link show dev lan0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2
}

# one_error WANT: the command run with --separate-stderr failed with exactly one line on
# stderr, holding WANT.
one_error() {
	[ "$status" -ne 0 ] || flunk "status 0, expected a failure; stdout: $output"
	[ -n "$stderr" ] || flunk "no message on stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || flunk "more than one line on stderr: $stderr"
	assert_contains "error" "$stderr" "$1"
}

# containers_named NAME: ids of containers called NAME in both engines.
containers_named() {
	local eng
	for eng in docker podman; do
		command -v "$eng" >/dev/null || continue
		"$eng" ps -aq --filter "name=^$1\$"
	done
}

@test "help: every command has --help; no command, an unknown one or option is a usage error" {
	local c
	for c in run ls ssh start stop rm getpid attach; do
		run "$DF" "$c" --help
		assert_eq "$c --help status" 0 "$status"
		assert_contains "$c --help" "${lines[0]}" "usage: dockerfly $c"
	done
	run "$DF" setup --help
	assert_eq "setup --help status" 0 "$status"
	assert_contains "setup --help (dockerfly-setup's)" "$output" "docker|podman|containerd"
	run "$DF" --help
	assert_eq "--help status" 0 "$status"
	assert_contains "--help" "$output" "attach NAME"

	run "$DF"
	assert_eq "no command" 2 "$status"
	run --separate-stderr "$DF" frob
	assert_eq "unknown command" 2 "$status"
	assert_contains "unknown command" "$stderr" 'unknown command "frob"'
	run --separate-stderr "$DF" run "$(m x)" --ip "$LAB_NET4.10" --frob
	assert_eq "unknown option" 2 "$status"
	assert_eq "unknown option" \
		'dockerfly: unknown option --frob (see "dockerfly run --help")' "$stderr"
	run --separate-stderr "$DF" run "$(m x)"
	assert_eq "no --ip" 2 "$status"
	run --separate-stderr "$DF" attach
	assert_eq "attach without a name" 2 "$status"
}

@test "defaults: read as KEY=VALUE, never run; a bad line or key is refused with its place" {
	local f="$BATS_TEST_TMPDIR/defaults"
	# shellcheck disable=SC2016 # the file must hold a command substitution
	printf 'PARENT=$(touch %s/ran)\n' "$BATS_TEST_TMPDIR" >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" ls
	one_error "$f:1: not KEY=VALUE with a plain or quoted value"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ] || flunk "the defaults file was run"

	# shellcheck disable=SC2016
	printf '# c\n\nPARENT="a `b`"\n' >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" ls
	one_error "$f:3: not KEY=VALUE"
	printf 'PARENT=a b\n' >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" ls
	one_error "$f:1: not KEY=VALUE"
	printf 'PARENT=eth9\nNETWORK=x\n' >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" ls
	one_error "$f:2: unknown key NETWORK"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$BATS_TEST_TMPDIR/none" "$DF" ls
	one_error "defaults file $BATS_TEST_TMPDIR/none: no such file"

	# Quoted values are taken without their quotes: PARENT names a parent that is not here.
	printf "PARENT='nosuch0'  # a comment\nPREFIX=\"24\"\nSSH_KEY=%s\n" \
		"$BATS_FILE_TMPDIR/id" >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" run "$(m x)" --ip "$LAB_NET4.10"
	one_error "dockerfly: parent nosuch0: no such network interface on this host"
	# An empty file is no defaults at all.
	: >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" run "$(m x)" --ip "$LAB_NET4.10"
	one_error "--ip $LAB_NET4.10: no prefix length: give $LAB_NET4.10/LEN or set PREFIX"
}

@test "docker: run with the defaults, ls, getpid, ssh from the peer host, ping" {
	local name row pid
	name=$(m web)
	run --separate-stderr "$DF" run "$name" --ip "$LAB_NET4.10"
	assert_eq "run status" 0 "$status"
	assert_eq "run output" "$name: $LAB_NET4.10/24 on $LAB_PARENT (docker)" "$output"

	# What the engine holds: the runtime, the settings, the label.
	assert_eq "runtime" "$RT_NAME" "$(docker inspect -f '{{.HostConfig.Runtime}}' "$name")"
	run docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name"
	assert_contains "env" "$output" "DOCKERFLY_IP=$LAB_NET4.10/24"
	assert_contains "env" "$output" "DOCKERFLY_PARENT=$LAB_PARENT"
	assert_contains "env" "$output" "DOCKERFLY_GATEWAY=$LAB_GW4"
	assert_contains "env" "$output" "DOCKERFLY_MAC=stable"
	assert_contains "env" "$output" "SSH_AUTHORIZED_KEYS=$(cat "$BATS_FILE_TMPDIR/id.pub")"
	assert_eq "hostname" "$name" "$(docker inspect -f '{{.Config.Hostname}}' "$name")"

	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	run "$DF" getpid "$name"
	assert_eq "getpid" "$pid" "$output"

	row=$(ls_row "$name")
	assert_eq "ls engine" docker "$(field 2 "$row")"
	assert_eq "ls state" running "$(field 3 "$row")"
	assert_eq "ls addresses" "$LAB_NET4.10/24" "$(field 4 "$row")"
	assert_eq "ls MAC" "$(ns_mac "$pid")" "$(field 5 "$row")"
	assert_eq "ls parent" "$LAB_PARENT" "$(field 6 "$row")"
	assert_eq "ls image" dockerfly/debian:12 "$(field 7 "$row")"

	run peer_ssh "$name" 'hostname; ip -4 -o addr show dev lan0; ip -4 route show default'
	assert_eq "ssh status" 0 "$status"
	assert_eq "hostname over ssh" "$name" "${lines[0]}"
	assert_contains "address over ssh" "${lines[1]}" "inet $LAB_NET4.10/24"
	assert_contains "route over ssh" "${lines[2]}" "default via $LAB_GW4 dev lan0"
	[ ! -e "$BATS_TEST_TMPDIR/home/.ssh" ] || flunk "ssh wrote to ~/.ssh: $(ls -a "$HOME/.ssh")"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.10"
}

@test "docker: run disables Docker's networking; the machine names itself and the host's DNS" {
	local name pid want ns
	name=$(m nd)
	"$DF" run "$name" --ip "$LAB_NET4.12"
	assert_eq "Docker's view" "true none" \
		"$(docker inspect -f '{{.Config.NetworkDisabled}} {{.HostConfig.NetworkMode}}' "$name")"
	# No sandbox of Docker's: an empty namespace of runc's with the hook's NIC in it.
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	assert_eq "links" "lan0 lo" \
		"$(nsenter -t "$pid" -n ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
			sort | xargs)"
	assert_eq "sandbox key" "" "$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' "$name")"

	run docker exec "$name" getent hosts localhost "$name"
	assert_eq "getent status" 0 "$status"
	assert_contains "the machine's own name" "$output" "127.0.1.1       $name"
	# The host's name servers, but for loopback ones, as "docker run" copies them.
	want=$(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" { print $2 }' \
		/etc/resolv.conf | xargs)
	ns=$(docker exec "$name" awk '$1 == "nameserver" { print $2 }' /etc/resolv.conf | xargs)
	assert_eq "name servers" "$want" "$ns"
	run peer_ssh "$name" true
	assert_eq "ssh status" 0 "$status"
}

# sshd_kex NAME: the KexAlgorithms the machine's sshd was started with ("-" for the image's
# own); fails while no sshd runs.
sshd_kex() {
	local out
	out=$(docker exec "$1" pgrep -a -x sshd) || return 1
	sed -n 's/.*-o KexAlgorithms=\([^ ]*\).*/\1/p;t;s/.*/-/p' <<<"$out"
}

@test "docker: --pq-kex, or SSH_PQ_KEX=on in the defaults, gives the machine's sshd sntrup761x25519" {
	local plain pq byfile name f="$BATS_TEST_TMPDIR/defaults"
	local want=^sntrup761x25519-sha512@openssh.com
	plain=$(m kex) pq=$(m pqkex) byfile=$(m pqfile)
	"$DF" run "$plain" --ip "$LAB_NET4.30"
	"$DF" run "$pq" --ip "$LAB_NET4.31" --pq-kex
	{ cat "$DOCKERFLY_DEFAULTS"; echo SSH_PQ_KEX=on; } >"$f"
	DOCKERFLY_DEFAULTS="$f" "$DF" run "$byfile" --ip "$LAB_NET4.42"

	run docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$plain"
	[[ "$output" != *SSH_PQ_KEX* ]] || flunk "SSH_PQ_KEX set without --pq-kex: $output"
	wait_until 50 sshd_kex "$plain"
	assert_eq "sshd of a plain machine" - "$(sshd_kex "$plain")"
	for name in "$pq" "$byfile"; do
		wait_until 50 sshd_kex "$name"
		run docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name"
		assert_contains "env of $name" "$output" SSH_PQ_KEX=on
		assert_eq "sshd of $name" "$want" "$(sshd_kex "$name")"
	done
	run peer_ssh "$pq" true
	assert_eq "ssh status" 0 "$status"

	# Anything else in the defaults file is refused before anything starts.
	{ cat "$DOCKERFLY_DEFAULTS"; echo SSH_PQ_KEX=yes; } >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" run "$(m pqbad)" --ip "$LAB_NET4.50"
	one_error "SSH_PQ_KEX \"yes\" in the defaults file: want on or off"
	assert_eq "containers" "" "$(docker ps -aq --filter "name=^$(m pqbad)\$")"
}

@test "docker: with options after --, or another docker context, run is docker run's way" {
	local name pid
	name=$(m dr)
	"$DF" run "$name" --ip "$LAB_NET4.13" -- --label dockerfly.test=extra --memory 256m
	assert_eq "Docker's view" "false none extra 268435456" \
		"$(docker inspect -f '{{.Config.NetworkDisabled}} {{.HostConfig.NetworkMode}} {{index
			.Config.Labels "dockerfly.test"}} {{.HostConfig.Memory}}' "$name")"
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	nsenter -t "$pid" -n ip -4 -o addr show dev lan0 | grep -q "inet $LAB_NET4.13/24" ||
		flunk "no $LAB_NET4.13 on lan0"
	run peer_ssh "$name" true
	assert_eq "ssh status" 0 "$status"
	"$DF" rm -f "$name"

	DOCKER_CONTEXT=default "$DF" run "$name" --ip "$LAB_NET4.13"
	assert_eq "NetworkDisabled" false "$(docker inspect -f '{{.Config.NetworkDisabled}}' "$name")"
}

@test "docker: run --ip dhcp takes a lease from the LAN's server; ls and ssh use it" {
	local name addr
	name=$(m dh)
	dh_dnsmasq 100 150
	run --separate-stderr "$DF" run "$name" --ip dhcp
	assert_eq "run status" 0 "$status"
	[[ $output =~ ^$name:\ dhcp\ \(($LAB_NET4\.[0-9]+)/24\)\ on\ $LAB_PARENT\ \(docker\)$ ]] ||
		flunk "run output: $output"
	addr=${BASH_REMATCH[1]}
	dh_in_range "$addr" 100 150 || flunk "address $addr is not in the server's range"
	assert_eq "DOCKERFLY_IP" "DOCKERFLY_IP=dhcp" "$(docker inspect -f \
		'{{range .Config.Env}}{{println .}}{{end}}' "$name" | grep '^DOCKERFLY_IP=')"
	# No default gateway of the defaults file: the server's router is the route.
	assert_eq "DOCKERFLY_GATEWAY" "" "$(docker inspect -f \
		'{{range .Config.Env}}{{println .}}{{end}}' "$name" | grep '^DOCKERFLY_GATEWAY=' || true)"
	assert_eq "ls addresses" "$addr/24" "$(field 4 "$(ls_row "$name")")"
	run peer_ssh "$name" 'ip -4 route show default'
	assert_eq "ssh status" 0 "$status"
	assert_contains "route from the server" "$output" "default via $LAB_GW4 dev lan0"
	dh_lease "$addr" | grep -q " $name " || flunk "no lease of $name for $addr: $(cat "$DH_LEASES")"
}

@test "docker: stop takes the NIC away, start brings it back, same MAC; rm refuses a running one" {
	local name row mac
	name=$(m stst)
	"$DF" run "$name" --ip "$LAB_NET4.11"
	mac=$(field 5 "$(ls_row "$name")")
	run "$DF" stop "$name"
	assert_eq "stop status" 0 "$status"
	row=$(ls_row "$name")
	assert_eq "stopped: state" exited "$(field 3 "$row")"
	assert_eq "stopped: addresses from the settings" "$LAB_NET4.11/24" "$(field 4 "$row")"
	assert_eq "stopped: no MAC" - "$(field 5 "$row")"
	run --separate-stderr "$DF" getpid "$name"
	one_error "$name: machine is not running (state: exited)"
	run --separate-stderr peer_ssh "$name" true
	one_error "$name: machine is not running"

	run "$DF" start "$name"
	assert_eq "start status" 0 "$status"
	row=$(ls_row "$name")
	assert_eq "started: state" running "$(field 3 "$row")"
	assert_eq "started: addresses" "$LAB_NET4.11/24" "$(field 4 "$row")"
	assert_eq "started: the MAC of the first start" "$mac" "$(field 5 "$row")"
	run peer_ssh "$name" hostname
	assert_eq "ssh after start" "$name" "$output"

	run --separate-stderr "$DF" rm "$name"
	one_error "rm $name: the machine is running: stop it first or use rm -f"
	run "$DF" rm -f "$name"
	assert_eq "rm -f status" 0 "$status"
	assert_eq "containers left" "" "$(containers_named "$name")"
	assert_eq "ls row left" "" "$(ls_row "$name")"
}

@test "podman: run, ls, ssh, stop, start (the hook runs again), rm" {
	local name row pid
	need_podman
	name=$(m pod)
	run --separate-stderr "$DF" run "$name" --engine podman --ip "$LAB_NET4.20" \
		--ssh-key "$BATS_FILE_TMPDIR/id2.pub"
	assert_eq "run status" 0 "$status"
	assert_eq "run output" "$name: $LAB_NET4.20/24 on $LAB_PARENT (podman)" "$output"
	run podman inspect -f '{{index .Config.Annotations "dockerfly.ip"}}' "$name"
	assert_eq "annotation" "$LAB_NET4.20/24" "$output"

	pid=$(podman inspect -f '{{.State.Pid}}' "$name")
	assert_eq "getpid" "$pid" "$("$DF" getpid "$name")"
	row=$(ls_row "$name")
	assert_eq "ls engine" podman "$(field 2 "$row")"
	assert_eq "ls state" running "$(field 3 "$row")"
	assert_eq "ls addresses" "$LAB_NET4.20/24" "$(field 4 "$row")"
	assert_eq "ls MAC" "$(ns_mac "$pid")" "$(field 5 "$row")"

	# The machine was made with the second key: ssh uses it without being told.
	run peer_ssh "$name" 'hostname; ip -4 route show default'
	assert_eq "ssh status" 0 "$status"
	assert_eq "hostname over ssh" "$name" "${lines[0]}"
	assert_contains "route over ssh" "${lines[1]}" "default via $LAB_GW4 dev lan0"

	"$DF" stop "$name"
	assert_eq "stopped" exited "$(field 3 "$(ls_row "$name")")"
	"$DF" start "$name"
	row=$(ls_row "$name")
	assert_eq "started: addresses" "$LAB_NET4.20/24" "$(field 4 "$row")"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.20"
	"$DF" rm -f "$name"
	assert_eq "containers left" "" "$(containers_named "$name")"
}

@test "machines of both engines reach each other and the gateway" {
	local a b
	need_podman
	a=$(m mda)
	b=$(m mdb)
	"$DF" run "$a" --ip "$LAB_NET4.30"
	"$DF" run "$b" --ip "$LAB_NET4.31" --engine podman
	run peer_ssh "$a" "ping -c 1 -W 2 $LAB_NET4.31 && ping -c 1 -W 2 $LAB_GW4"
	assert_eq "docker machine pings" 0 "$status"
	run peer_ssh "$b" "ping -c 1 -W 2 $LAB_NET4.30 && ping -c 1 -W 2 $LAB_GW4"
	assert_eq "podman machine pings" 0 "$status"
}

@test "attach: a running container gets the next free lanN on the LAN, the hook's own way" {
	local c pid
	c=$(m plain)
	docker run -d --name "$c" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	pid=$(docker inspect -f '{{.State.Pid}}' "$c")

	run --separate-stderr "$DF" attach "$c" --ip "$LAB_NET4.40" --gateway "$LAB_GW4"
	assert_eq "attach status" 0 "$status"
	assert_eq "attach output" "$c: lan0 $LAB_NET4.40/24 on $LAB_PARENT" "$output"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.40"
	run nsenter -t "$pid" -n ip -4 route show default
	assert_contains "default route" "$output" "default via $LAB_GW4 dev lan0"

	run "$DF" attach "$c" --ip "$LAB_NET4.41"
	assert_eq "second attach" "$c: lan1 $LAB_NET4.41/24 on $LAB_PARENT" "$output"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.41"

	run --separate-stderr "$DF" attach "$c" --ip "$LAB_NET4.42" --ifname lan1
	one_error "attach $c: the container has an interface lan1 already"
	# A refusal by the hook comes out as the hook's line, and leaves no NIC behind.
	run --separate-stderr "$DF" attach "$c" --ip "$LAB_NET4.42" --mac 01:00:5e:00:00:01
	one_error "attach $c: dockerfly-hook: container "
	assert_contains "hook error" "$stderr" "multicast"
	run nsenter -t "$pid" -n ip -o link show dev lan2
	[ "$status" -ne 0 ] || flunk "lan2 was left behind"
}

@test "attach: a machine keeps its lan0 and gets lan1; a Podman container works too" {
	local name c
	need_podman
	name=$(m att)
	"$DF" run "$name" --ip "$LAB_NET4.50"
	run "$DF" attach "$name" --ip "$LAB_NET4.51"
	assert_eq "attach to a machine" "$name: lan1 $LAB_NET4.51/24 on $LAB_PARENT" "$output"
	assert_eq "ls: both addresses" "$LAB_NET4.50/24,$LAB_NET4.51/24" \
		"$(field 4 "$(ls_row "$name")")"

	c=$(m podplain)
	podman run -d --name "$c" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	run "$DF" attach "$c" --ip "$LAB_NET4.52" --engine podman
	assert_eq "attach to podman" "$c: lan0 $LAB_NET4.52/24 on $LAB_PARENT" "$output"
	in_peer LAB ping -c 1 -W 2 "$LAB_NET4.52"
}

@test "attach: the hook is DOCKERFLY_HOOK, else the installed one, else build/ of a tree" {
	local c pid tree state want
	c=$(m hk)
	docker run -d --name "$c" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	pid=$(docker inspect -f '{{.State.Pid}}' "$c")

	run --separate-stderr env DOCKERFLY_HOOK=/nonexistent "$DF" attach "$c" --ip "$LAB_NET4.60"
	one_error "hook /nonexistent (DOCKERFLY_HOOK): not an executable"

	# In a source tree the hook is build/dockerfly-hook; a stand-in records what it is fed.
	tree="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$tree/scripts" "$tree/build"
	cp "$TOP_DIR/scripts/dockerfly" "$tree/scripts/"
	printf '#!/bin/sh\necho "$*" >%s/args\ncat >%s/state\n' "$tree" "$tree" \
		>"$tree/build/dockerfly-hook"
	chmod +x "$tree/build/dockerfly-hook"
	run "$tree/scripts/dockerfly" attach "$c" --ip "$LAB_NET4.60" --gateway "$LAB_GW4" \
		--mtu 1400
	assert_eq "attach through the stand-in" 0 "$status"
	assert_eq "hook arguments" createRuntime "$(cat "$tree/args")"
	state=$(cat "$tree/state")
	assert_eq "state" "$(docker inspect -f '{{.Id}}' "$c") running $pid 1.0.2" \
		"$(jq -r '"\(.id) \(.status) \(.pid) \(.ociVersion)"' <<<"$state")"
	want=$(jq -cnS --arg gw "$LAB_GW4" --arg ip "$LAB_NET4.60/24" --arg parent "$LAB_PARENT" \
		'{"dockerfly.gateway": $gw, "dockerfly.ifname": "lan0", "dockerfly.ip": $ip,
		  "dockerfly.mtu": "1400", "dockerfly.parent": $parent}')
	assert_eq "annotations" "$want" "$(jq -cS .annotations <<<"$state")"
}

@test "errors: an unknown machine, for every command that takes one" {
	local c
	for c in ssh start stop rm getpid; do
		run --separate-stderr "$DF" "$c" "$(m nosuch)"
		one_error "dockerfly: $(m nosuch): no such machine (see \"dockerfly ls\")"
	done
	run --separate-stderr "$DF" attach "$(m nosuch)" --ip "$LAB_NET4.70"
	one_error "dockerfly: attach $(m nosuch): no such container"
	# A container that is no machine is none for these commands either.
	docker run -d --name "$(m notm)" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	run --separate-stderr "$DF" stop "$(m notm)"
	one_error "$(m notm): no such machine"
}

@test "errors: a taken name, of a machine or of any container; the other one stays" {
	local name other
	name=$(m nm)
	other=$(m nmplain)
	"$DF" run "$name" --ip "$LAB_NET4.80"
	run --separate-stderr "$DF" run "$name" --ip "$LAB_NET4.81"
	one_error "dockerfly: run $name: a machine of that name exists (docker)"
	run --separate-stderr "$DF" run "$name" --ip "$LAB_NET4.81" --engine podman
	one_error "dockerfly: run $name: a machine of that name exists (docker)"

	docker run -d --name "$other" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	run --separate-stderr "$DF" run "$other" --ip "$LAB_NET4.81"
	one_error "dockerfly: run $other: the name is taken by another docker container"
	assert_eq "the other container" running "$(docker inspect -f '{{.State.Status}}' "$other")"
	assert_eq "its runtime" runc "$(docker inspect -f '{{.HostConfig.Runtime}}' "$other")"
}

@test "errors: a taken address, also a stopped machine's, is refused before anything starts" {
	local a b
	a=$(m ada)
	b=$(m adb)
	"$DF" run "$a" --ip "$LAB_NET4.90,$NET6::90"
	run --separate-stderr "$DF" run "$b" --ip "$LAB_NET4.90"
	one_error "dockerfly: run $b: address $LAB_NET4.90 is taken by machine $a (docker)"
	# Docker made the container while the engines were asked: it is gone again.
	assert_eq "containers left" "" "$(containers_named "$b")"
	run --separate-stderr "$DF" run "$b" --ip "$LAB_NET4.91,${NET6^^}::90"
	one_error "address $NET6::90 is taken by machine $a"
	"$DF" stop "$a"
	run --separate-stderr "$DF" run "$b" --ip "$LAB_NET4.90" --engine podman
	one_error "dockerfly: run $b: address $LAB_NET4.90 is taken by machine $a (docker)"
	assert_eq "containers made" "" "$(containers_named "$b")"

	docker run -d --name "$b" --network none dockerfly/debian:12 sleep 100000 >/dev/null
	run --separate-stderr "$DF" attach "$b" --ip "$LAB_NET4.90"
	one_error "dockerfly: attach $b: address $LAB_NET4.90 is taken by machine $a (docker)"
}

@test "errors: no engine command, an engine that does not answer" {
	local bin="$BATS_TEST_TMPDIR/bin"
	# Every tool of the system but the engines.
	mkdir -p "$bin"
	ln -sf /usr/sbin/* /usr/bin/* "$bin/"
	rm -f "$bin/docker" "$bin/podman"
	run --separate-stderr env PATH="$bin" "$DF" run "$(m x)" --ip "$LAB_NET4.100"
	one_error "dockerfly: docker: command not found (is it installed?)"
	run --separate-stderr env PATH="$bin" "$DF" run "$(m x)" --ip "$LAB_NET4.100" \
		--engine podman
	one_error "dockerfly: podman: command not found (is it installed?)"
	run --separate-stderr env PATH="$bin" "$DF" ls
	one_error "dockerfly: no engine: neither docker nor podman is installed"

	run --separate-stderr env DOCKER_HOST=unix:///nonexistent.sock "$DF" run "$(m x)" \
		--ip "$LAB_NET4.100"
	one_error "dockerfly: run $(m x): docker: the daemon does not answer (is dockerd running?)"
	run --separate-stderr env DOCKER_HOST=unix:///nonexistent.sock "$DF" ls --engine docker
	one_error "dockerfly: ls: docker: the daemon does not answer"
}

@test "errors: no runtime, a hook refusal, no image: one line, no container left" {
	local name f="$BATS_TEST_TMPDIR/defaults"
	name=$(m fail)
	sed "s/^RUNTIME=.*/RUNTIME=dft-nosuch/" "$DOCKERFLY_DEFAULTS" >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" run "$name" --ip "$LAB_NET4.110"
	one_error "dockerfly: run $name: docker: no runtime \"dft-nosuch\" is registered (run"
	assert_eq "containers made" "" "$(containers_named "$name")"

	# The hook refuses a gateway it cannot reach; Docker had created the container already.
	run --separate-stderr "$DF" run "$name" --ip "$LAB_NET4.110" --gateway 198.19.255.1
	one_error "dockerfly: run $name: dockerfly-hook: container "
	assert_contains "hook error" "$stderr" "198.19.255.1"
	assert_eq "containers left" "" "$(containers_named "$name")"

	run --separate-stderr "$DF" run "$name" --ip "$LAB_NET4.110" --image dockerfly/nosuch:1
	one_error "dockerfly: run $name: image dockerfly/nosuch:1 is not in docker's store"
	assert_eq "containers left" "" "$(containers_named "$name")"
}

@test "errors: podman without dockerfly's hooks directory: no machine off the LAN is left" {
	local name f="$BATS_TEST_TMPDIR/defaults" empty="$BATS_TEST_TMPDIR/hooks"
	name=$(m nohk)
	need_podman
	mkdir -p "$empty"
	{ cat "$DOCKERFLY_DEFAULTS"; echo "HOOKS_DIR=$empty"; } >"$f"
	run --separate-stderr env DOCKERFLY_DEFAULTS="$f" "$DF" run "$name" --ip "$LAB_NET4.120" \
		--engine podman
	one_error "dockerfly: run $name: podman ran no dockerfly hook, the machine got no LAN NIC"
	assert_eq "containers left" "" "$(containers_named "$name")"
}

@test "errors: bad names, addresses, gateways, parents, MACs, MTUs and SSH keys are refused" {
	local x
	x=$(m x)
	run --separate-stderr "$DF" run "bad_name" --ip "$LAB_NET4.10"
	one_error 'machine name "bad_name": want a host name'
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.256"
	one_error "--ip: \"$LAB_NET4.256\" is not an IPv4 or IPv6 address"
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10/33"
	one_error "--ip $LAB_NET4.10: prefix length \"33\" is not 1..32"
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10,,$LAB_NET4.11"
	one_error "empty address in the list"
	run --separate-stderr "$DF" run "$x" --ip "dhcp,$LAB_NET4.10"
	one_error "dockerfly: --ip \"dhcp,$LAB_NET4.10\": a static IPv4 address beside dhcp"
	run --separate-stderr "$DF" run "$x" --ip "dhcp,pool:lab"
	one_error "more than one of dhcp and pool:NAME"
	run --separate-stderr "$DF" run "$x" --ip "pool:../x"
	one_error "dockerfly: --ip: bad pool name in \"pool:../x\""
	run --separate-stderr "$DF" attach "$x" --ip dhcp
	one_error "dockerfly: attach $x: --ip dhcp: attach takes static addresses only"
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --gateway router
	one_error 'gateway "router" is not an IPv4 or IPv6 address'
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --parent nosuch0
	one_error "parent nosuch0: no such network interface on this host"
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --mac 02:00:00
	one_error '--mac "02:00:00": want six hex pairs'
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --mtu 20
	one_error '--mtu "20": want 68..65535'
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --engine lxc
	one_error 'engine "lxc": want docker or podman'
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --ssh-key "$BATS_TEST_TMPDIR/nokey"
	one_error "SSH key $BATS_TEST_TMPDIR/nokey.pub: not a readable file"
	echo "not a key" >"$BATS_TEST_TMPDIR/bad.pub"
	run --separate-stderr "$DF" run "$x" --ip "$LAB_NET4.10" --ssh-key "$BATS_TEST_TMPDIR/bad.pub"
	one_error "SSH key $BATS_TEST_TMPDIR/bad.pub: not a public key"
	assert_eq "containers made" "" "$(containers_named "$x")"
}

@test "run: IPv6 with IPv4 and alone, default prefix lengths, --no-gateway, random MAC" {
	local name pid
	name=$(m six)
	run "$DF" run "$name" --ip "$LAB_NET4.130,$NET6::130" --no-gateway --mac random
	assert_eq "run" "$name: $LAB_NET4.130/24,$NET6::130/64 on $LAB_PARENT (docker)" "$output"
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	run nsenter -t "$pid" -n ip -4 route show default
	assert_eq "no default route" "" "$output"
	wait_until 50 nsenter -t "$pid" -n ping -c 1 -W 1 "$LAB_GW6"
	assert_contains "ls" "$(field 4 "$(ls_row "$name")")" "$NET6::130/64"
	run docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name"
	[[ $output != *DOCKERFLY_MAC* ]] || flunk "--mac random set a MAC: $output"

	# With IPv6 alone, ssh goes over IPv6.
	name=$(m six6)
	"$DF" run "$name" --ip "$NET6::131"
	# shellcheck disable=SC2016 # expanded in the machine
	run peer_ssh "$name" 'ip -6 -o addr show dev lan0 scope global; echo "$SSH_CONNECTION"'
	assert_eq "ssh over IPv6" 0 "$status"
	assert_contains "address" "${lines[0]}" "inet6 $NET6::131/64"
	assert_contains "ssh connection" "${lines[1]}" "$NET6::131 22"
}

# The kernel frees a removed container's network namespace some time later, and until then its
# NIC answers for the address: rm and stop wait for it, so that the address is free again.
@test "rm and stop: the address is free for a new machine as soon as they return" {
	local i
	for i in 1 2 3; do
		"$DF" run "$(m ra$i)" --ip "$LAB_NET4.140" --mac random
		"$DF" rm -f "$(m ra$i)"
		"$DF" run "$(m rb$i)" --ip "$LAB_NET4.140" --mac random
		"$DF" stop "$(m rb$i)"
		"$DF" start "$(m rb$i)"
		"$DF" rm -f "$(m rb$i)"
	done
}
