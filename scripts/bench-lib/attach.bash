# shellcheck shell=bash
# Case 1: one NIC with an address and a default route into a fresh network namespace, by
# dockerfly-hook, by the CNI macvlan plugin (static IPAM) and by the iproute2 commands
# pipework runs. hyperfine's --prepare makes the namespace before each timed run (and
# removes the last one), so no timed run includes creating or deleting a namespace.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

CNI_DIR=/usr/lib/cni

# The named namespace is held by a process too: the hook finds a container's namespace by
# its pid, the CNI plugin and ip by the path under /run/netns.
attach_cleanup() {
	local a=$W/attach
	if [ -f "$a/holder" ]; then
		kill "$(cat "$a/holder")" 2>/dev/null || true
		rm -f "$a/holder"
	fi
	if [ -e "/run/netns/$ATTACH_NS" ]; then
		# Links first: deleting a link frees its address at once, while the namespace
		# itself goes away later, in the kernel's own time.
		ip -n "$ATTACH_NS" link del dev lan0 2>/dev/null || true
		ip -n "$ATTACH_NS" link del dev "$TMP_LINK" 2>/dev/null || true
		ip netns del "$ATTACH_NS"
	fi
	ip link del dev "$TMP_LINK" 2>/dev/null || true
}

# attach_prepare DAD: run by hyperfine before each timed run: a new namespace with a holder,
# and the state the hook reads for it (annotations ask for dad DAD).
attach_prepare() {
	local dad=$1 a=$W/attach pid self i
	# shellcheck source=/dev/null
	. "$a/conf"
	attach_cleanup
	ip netns add "$ATTACH_NS"
	setsid nsenter --net="/run/netns/$ATTACH_NS" sleep 3600 </dev/null >/dev/null 2>&1 &
	pid=$!
	echo "$pid" >"$a/holder"
	self=$(readlink /proc/self/ns/net)
	for ((i = 0; i < 200; i++)); do
		[ "$(readlink "/proc/$pid/ns/net")" = "$self" ] || break
		sleep 0.005
	done
	printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%d,"bundle":"%s",%s' \
		mkbench-attach "$pid" "$a/bundle" '"annotations":{' >"$a/state.json"
	printf '"dockerfly.parent":"%s","dockerfly.ip":"%s","dockerfly.gateway":"%s",%s}}\n' \
		"$PARENT" "$ADDR" "$GW" "\"dockerfly.dad\":\"$dad\"" >>"$a/state.json"
}

# attach_setup: the files and environment the attach commands need (cases 1 and 5).
attach_setup() {
	local a=$W/attach
	if ! [ -x "$CNI_DIR/macvlan" ] || ! [ -x "$CNI_DIR/static" ]; then
		die "no $CNI_DIR/macvlan or static: install containernetworking-plugins"
	fi
	ATTACH_ADDR=$LAB_NET4.10/24
	mkdir -p "$a/bundle"
	printf 'PARENT=%s\nADDR=%s\nGW=%s\n' "$LAB_PARENT" "$ATTACH_ADDR" "$LAB_GW4" >"$a/conf"
	jq -n --arg m "$LAB_PARENT" --arg a "$ATTACH_ADDR" --arg g "$LAB_GW4" '{cniVersion: "1.0.0",
		name: "mkbench", type: "macvlan", master: $m, mode: "bridge",
		ipam: {type: "static", addresses: [{address: $a, gateway: $g}],
			routes: [{dst: "0.0.0.0/0", gw: $g}]}}' >"$a/cni.json"
	# The hook with its defaults (no host configuration file) and run directories of the
	# bench's own; the CNI plugin's arguments in the environment, as a runtime gives them.
	export DOCKERFLY_CONF=$a/no-such.conf DOCKERFLY_RUN_DIR=$a/run DOCKERFLY_STATE_DIR=$a/state
	export CNI_NETNS=/run/netns/$ATTACH_NS CNI_IFNAME=lan0 CNI_CONTAINERID=mkbench-attach
	export CNI_PATH=$CNI_DIR
	# The iproute2 sequence, as pipework runs it (a temporary name in the host).
	local t=$TMP_LINK ns=$ATTACH_NS
	IP_SEQ="ip link add link $LAB_PARENT name $t type macvlan mode bridge && \
ip link set $t netns $ns && ip -n $ns addr add $ATTACH_ADDR dev $t && \
ip -n $ns link set $t up && ip -n $ns route add default via $LAB_GW4"
}

case_attach() {
	local a=$W/attach net
	local f=floor off=hook-off quick=hook-quick cni=cni iproute=iproute2
	say "case 1: attach one NIC into a fresh namespace ($RUNS runs each, in turns)"
	attach_setup

	local p="'$SELF' _attach-prepare"
	# Every command is one sh: the floor row is that sh alone.
	hf_add "$f" "$p off" 'sh -c "exec true"'
	hf_add "$off" "$p off" "sh -c \"exec '$HOOK' prestart <'$a/state.json'\""
	hf_add "$quick" "$p quick" "sh -c \"exec '$HOOK' prestart <'$a/state.json'\""
	hf_add "$cni" "$p off" "sh -c \"CNI_COMMAND=ADD exec $CNI_DIR/macvlan <'$a/cni.json' >/dev/null\""
	hf_add "$iproute" "$p off" "sh -c \"$IP_SEQ\""
	hf_run attach "$RUNS" "$WARMUP"
	attach_cleanup

	local mf moff mq mc mi cf coff cc ci
	mf=$(med "$(hf_values attach "$f")")
	moff=$(med "$(hf_values attach "$off")")
	mq=$(med "$(hf_values attach "$quick")")
	mc=$(med "$(hf_values attach "$cni")")
	mi=$(med "$(hf_values attach "$iproute")")
	cf=$(med "$(hf_values attach "$f" cpu)")
	coff=$(med "$(hf_values attach "$off" cpu)")
	cc=$(med "$(hf_values attach "$cni" cpu)")
	ci=$(med "$(hf_values attach "$iproute" cpu)")

	section 1 "Attach one NIC (address + default route) into a fresh netns; \"net\" = median" \
		"minus the sh floor, CPU = median user+sys of the run"
	row "sh -c 'exec true': the floor under every row" "$(hf_values attach "$f")" ms \
		"CPU $(fmt "$cf") ms"
	row "dockerfly-hook, dad=off" "$(hf_values attach "$off")" ms \
		"net $(fmt "$(calc "$moff - $mf")") ms, CPU $(fmt "$coff") ms"
	row "CNI macvlan + static IPAM" "$(hf_values attach "$cni")" ms \
		"net $(fmt "$(calc "$mc - $mf")") ms, CPU $(fmt "$cc") ms; hook dad=off is \
$(ratio "$mc - $mf" "$moff - $mf")× faster (net), $(ratio "$cc - $cf" "$coff - $cf")× (CPU)"
	row "iproute2 sequence (5 ip commands, as pipework)" "$(hf_values attach "$iproute")" ms \
		"net $(fmt "$(calc "$mi - $mf")") ms, CPU $(fmt "$ci") ms; hook dad=off is \
$(ratio "$mi - $mf" "$moff - $mf")× faster (net), $(ratio "$ci - $cf" "$coff - $cf")× (CPU)"
	row "dockerfly-hook, dad=quick (the default)" "$(hf_values attach "$quick")" ms \
		"+$(fmt "$(calc "$mq - $moff")") ms over dad=off: the conflict check"

	net=$(ratio "$mc - $mf" "$moff - $mf")
	goal "1: hook ≥ 5× faster than the CNI plugin" "$net× (net medians)" \
		"$(calc "($mc - $mf) >= 5 * ($moff - $mf)")"
	net=$(ratio "$mi - $mf" "$moff - $mf")
	goal "1: hook ≥ 20× faster than the iproute2 sequence" "$net× (net medians)" \
		"$(calc "($mi - $mf) >= 20 * ($moff - $mf)")"
}
