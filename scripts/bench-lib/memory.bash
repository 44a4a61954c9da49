# shellcheck shell=bash
# Case 5: peak memory (maximum resident set, GNU time) of the hook attaching a NIC and of the
# runtime wrapper on "create", beside the CNI plugin and the iproute2 sequence doing the same
# attach. A process's peak includes its children's (wait4 reports the larger): the CNI
# plugin's includes the static IPAM plugin it runs, the sequence's the largest ip.
# valgrind's massif adds the heap peak of the hook, when valgrind is there.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

# mem_run OUT CMD...: CMD under GNU time; its peak RSS in KiB appended to OUT.
mem_run() {
	local out=$1
	shift
	/usr/bin/time -f '%M' -o "$W/mem/time" "$@" >/dev/null 2>"$W/mem/err" ||
		die "case 5: $*: $(tail -n 1 "$W/mem/err")"
	cat "$W/mem/time" >>"$out"
}

# mem_values FILE: the KiB of FILE as a JSON array of MiB.
mem_values() {
	jq -cs 'map(. / 1024)' "$1"
}

# massif_peak CMD...: the heap peak (bytes asked for plus allocator overhead) in KiB. Not for
# the wrapper: massif writes nothing for a process that ends by exec.
massif_peak() {
	rm -f "$W/mem/massif"
	valgrind --tool=massif --massif-out-file="$W/mem/massif" "$@" >/dev/null 2>&1 ||
		return 1
	[ -s "$W/mem/massif" ] || return 1
	awk -F= '/^mem_heap_B=/ { h = $2 } /^mem_heap_extra_B=/ { if (h + $2 > m) m = h + $2 }
		END { printf "%.0f", m / 1024 }' "$W/mem/massif"
}

# A bundle for the wrapper: the config.json Docker gave runc for a container with dockerfly
# settings (a stand-in runtime then takes the wrapper's place of runc: /bin/true).
wrapper_bundle() {
	local id b=$W/mem/bundle
	mkdir -p "$b"
	id=$(docker run -d --label "$LABEL=1" --network none -e "DOCKERFLY_PARENT=$LAB_PARENT" \
		-e "DOCKERFLY_IP=$LAB_NET4.9/24" "$IMAGE" sleep 60)
	cp "/run/containerd/io.containerd.runtime.v2.task/moby/$id/config.json" "$b/settings.json"
	docker rm -f "$id" >/dev/null
	jq '.process.env |= map(select(startswith("DOCKERFLY_") | not))' "$b/settings.json" \
		>"$b/plain.json"
}

# wrapper_mem OUT KIND: the wrapper's "create" as containerd's shim calls it, under GNU time,
# on a fresh copy of config.json KIND (it rewrites the file), /bin/true standing in for runc.
wrapper_mem() {
	local b=$W/mem/bundle
	cp "$b/$2.json" "$b/config.json"
	DOCKERFLY_RUNTIME=/bin/true mem_run "$1" "$WRAPPER" --root "$W/mem/root" \
		--log "$W/mem/log.json" --log-format json create --bundle "$b" \
		--pid-file "$b/init.pid" mkbench-wrap
}

# has_hook: the wrapper's bundle config.json runs the hook at prestart.
has_hook() {
	jq -e --arg h "$HOOK" '[.hooks.prestart[]?.path] | index($h) != null' \
		"$W/mem/bundle/config.json" >/dev/null
}

case_memory() {
	local m=$W/mem i hp
	say "case 5: peak memory, $MEM_RUNS runs each"
	mkdir -p "$m"
	attach_setup
	busybox_image
	wrapper_bundle
	for i in hook-off hook-quick cni ip wrap pass; do
		: >"$m/$i"
	done
	for ((i = 0; i < MEM_RUNS; i++)); do
		attach_prepare off
		mem_run "$m/hook-off" "$HOOK" prestart <"$W/attach/state.json"
		attach_prepare quick
		mem_run "$m/hook-quick" "$HOOK" prestart <"$W/attach/state.json"
		attach_prepare off
		CNI_COMMAND=ADD mem_run "$m/cni" "$CNI_DIR/macvlan" <"$W/attach/cni.json"
		attach_prepare off
		mem_run "$m/ip" sh -c "$IP_SEQ"
		wrapper_mem "$m/wrap" settings
		has_hook || die "case 5: the wrapper added no hook to a config.json with settings"
		wrapper_mem "$m/pass" plain
		! has_hook || die "case 5: the wrapper added the hook to a config.json without settings"
		printf '.' >&2
	done
	printf '\n' >&2
	hp=
	if command -v valgrind >/dev/null; then
		attach_prepare off
		hp=$(massif_peak "$HOOK" prestart <"$W/attach/state.json") || hp=
	fi
	attach_cleanup

	local mh mc
	mh=$(med "$(mem_values "$m/hook-off")")
	mc=$(med "$(mem_values "$m/cni")")
	section 5 "Peak memory: maximum resident set size (GNU time), MiB"
	row "dockerfly-hook attach, dad=off" "$(mem_values "$m/hook-off")" MiB \
		"${hp:+heap peak $hp KiB (massif); }the CNI plugin's peak is $(ratio "$mc" "$mh")×"
	row "dockerfly-hook attach, dad=quick" "$(mem_values "$m/hook-quick")" MiB ""
	row "CNI macvlan + static IPAM (largest of the two)" "$(mem_values "$m/cni")" MiB ""
	row "iproute2 sequence (largest ip)" "$(mem_values "$m/ip")" MiB ""
	row "dockerfly-runtime create, adds the hooks (stand-in runtime)" \
		"$(mem_values "$m/wrap")" MiB "on the config.json Docker gave runc"
	row "dockerfly-runtime create, no settings (passes through)" "$(mem_values "$m/pass")" MiB ""
}
