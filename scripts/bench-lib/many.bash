# shellcheck shell=bash
# Case 4: $MANY machines started at once (one docker run -d each, all in parallel): dockerfly
# against Docker's macvlan network. Per round: the time until all have returned, the slowest
# single start, failed starts, machines that answer a ping from the lab's peer host, and the
# time "docker rm -f" takes to remove them all.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

# Host parts of the addresses: dockerfly's rounds alternate between two blocks (a removed
# machine's NIC may linger a moment in its dying namespace and answer the next one's check).
MANY_DF_BASE=10
MANY_MV_BASE=130

# many_start KIND NAME ADDR OUT: one machine; "RC START END" (seconds) into OUT.t, its error
# into OUT.err.
many_start() {
	local kind=$1 name=$2 addr=$3 out=$4 s rc=0
	local -a cmd=(docker run -d --name "$name" --label "$LABEL=1")
	if [ "$kind" = dockerfly ]; then
		cmd+=(--runtime "$RUNTIME" --network none -e "DOCKERFLY_PARENT=$LAB_PARENT"
			-e "DOCKERFLY_IP=$addr/24" -e "DOCKERFLY_GATEWAY=$LAB_GW4")
	else
		cmd+=(--network "$MVNET" --ip "$addr")
	fi
	s=$EPOCHREALTIME
	"${cmd[@]}" "$IMAGE" sleep 3600 >/dev/null 2>"$out.err" || rc=$?
	echo "$rc $s $EPOCHREALTIME" >"$out.t"
}

# Each address pinged from the peer (in parallel, a second try for a lost first answer);
# prints how many answered.
# shellcheck disable=SC2016 # expanded by the peer's bash
PING_ALL='n=0; pids=()
for a in "$@"; do
	{ ping -q -c 1 -W 2 "$a" || ping -q -c 1 -W 2 "$a"; } >/dev/null 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" && n=$((n + 1)); done
echo "$n"'

# many_round KIND ROUND COUNT: start COUNT machines at once, check, remove them. Appends
# "TOTAL SLOWEST FAILED REACHABLE REMOVE" (seconds, counts) to $W/many/KIND.
many_round() {
	local kind=$1 r=$2 count=$3 base i t0 t1 t2 reach ids
	local d=$W/many/$kind-$r
	local -a addrs=()
	mkdir -p "$d"
	if [ "$kind" = dockerfly ]; then
		base=$((MANY_DF_BASE + (r % 2) * 60))
	else
		base=$MANY_MV_BASE
	fi
	for ((i = 0; i < count; i++)); do
		addrs+=("$LAB_NET4.$((base + i))")
	done
	ip -n "$LAB_PEER_NS" neigh flush dev lan0
	t0=$EPOCHREALTIME
	for ((i = 0; i < count; i++)); do
		many_start "$kind" "mkbench-$kind-$r-$i" "${addrs[i]}" "$d/$i" &
	done
	wait
	t1=$EPOCHREALTIME
	reach=$(ip netns exec "$LAB_PEER_NS" bash -c "$PING_ALL" ping "${addrs[@]}")
	ids=$(docker ps -aq --filter "label=$LABEL=1")
	t2=$EPOCHREALTIME
	# shellcheck disable=SC2086 # one id per word
	[ -z "$ids" ] || docker rm -f $ids >/dev/null
	cat "$d"/*.err >>"$W/many/errors"
	awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v now="$EPOCHREALTIME" -v reach="$reach" '
		{ if ($1 != 0) failed++; if ($3 - $2 > slow) slow = $3 - $2 }
		END { printf "%.3f %.3f %d %d %.3f\n", t1 - t0, slow, failed, reach, now - t2 }' \
		"$d"/*.t >>"$W/many/$kind"
	printf '.' >&2
}

# many_col KIND N: column N of the rounds of KIND as a JSON array.
many_col() {
	awk -v c="$2" '{ print $c }' "$W/many/$1" | jq -cs .
}

case_many() {
	local r kind failed reach
	say "case 4: $MANY machines at once, $MANY_ROUNDS rounds per way, in turns"
	mkdir -p "$W/many"
	: >"$W/many/errors"
	# Warm-up: a few machines each way, untimed.
	many_round dockerfly 0 5
	many_round macvlan 0 5
	: >"$W/many/dockerfly"
	: >"$W/many/macvlan"
	for ((r = 1; r <= MANY_ROUNDS; r++)); do
		many_round dockerfly "$r" "$MANY"
		many_round macvlan "$r" "$MANY"
	done
	printf '\n' >&2
	[ -z "$JSON_DIR" ] || { mkdir -p "$JSON_DIR"; cp -r "$W/many" "$JSON_DIR/"; }

	section 4 "$MANY machines started at once ($IMAGE, sleep), one docker run -d each;" \
		"times in s, per round"
	for kind in dockerfly macvlan; do
		failed=$(awk '{ s += $3 } END { print s + 0 }' "$W/many/$kind")
		reach=$(awk -v n="$MANY" '$4 < n { bad++ } END { print bad + 0 }' "$W/many/$kind")
		local name="dockerfly (--runtime, dad=quick)" peer=""
		[ "$kind" = macvlan ] && name="Docker macvlan network, fixed --ip"
		[ "$kind" = dockerfly ] && peer="; $(faster "$(med "$(many_col dockerfly 1)")" \
			"$(med "$(many_col macvlan 1)")") Docker macvlan"
		row "$name: all $MANY returned" "$(many_col "$kind" 1)" s \
			"failed starts $failed; rounds with a machine not answering ping: $reach$peer"
		row "… slowest single docker run -d" "$(many_col "$kind" 2)" s ""
		row "… docker rm -f of all $MANY" "$(many_col "$kind" 5)" s ""
		if [ "$kind" = dockerfly ]; then
			goal "4: all $MANY dockerfly machines reachable, none failed" \
				"$failed failed, $(awk -v n="$MANY" '{ r += $4; t += n }
					END { print r "/" t }' "$W/many/$kind") answered ping over \
$MANY_ROUNDS rounds" "$( [ "$failed" = 0 ] && [ "$reach" = 0 ] && echo 1 || echo 0)"
		fi
	done
	if [ -s "$W/many/errors" ]; then
		say "case 4: errors of failed starts (first 3):"
		sort "$W/many/errors" | uniq -c | sort -rn | head -n 3 >&2
	fi
}
