# shellcheck shell=bash
# scripts/bench: the table (Markdown, printed and written into BENCHMARKS.md), the goals, and
# the description of the machine. Rows are added by the cases as they finish.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

BEGIN_MARK='<!-- BEGIN scripts/bench output: "make bench" rewrites this part -->'
END_MARK='<!-- END scripts/bench output -->'

# fmt NUMBER: 2 decimals under 10, 1 under 100, none above.
fmt() {
	awk -v v="$1" 'BEGIN { a = v < 0 ? -v : v
		printf (a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f"), v }'
}

# ratio A B: A / B with one decimal ("-" when B is not above 0).
ratio() {
	awk "BEGIN { b = $2; if (b <= 0) { print \"-\"; exit } printf \"%.1f\", ($1) / b }"
}

# pct A B: A against B in per cent, signed.
pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }'
}

# faster A B: "N% faster than" or "N% slower than" (A against B).
faster() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a <= b) printf "%.0f%% faster than", (1 - a / b) * 100
		else printf "%.0f%% slower than", (a / b - 1) * 100 }'
}

# paired A B: per-round differences A[i] - B[i] of two interleaved series: "MED (Q1..Q3)".
paired() {
	jq -nr --argjson a "$1" --argjson b "$2" "[range(0; [\$a, \$b | length] | min)
		| \$a[.] - \$b[.]] | $JQ_STATS | \"\\(.med) \\(.q1) \\(.q3)\"" |
		{ read -r m q1 q3; printf '%+.0f (%+.0f..%+.0f)' "$m" "$q1" "$q3"; }
}

# paired_med A B: the median of the per-round differences A[i] - B[i].
paired_med() {
	jq -nr --argjson a "$1" --argjson b "$2" "[range(0; [\$a, \$b | length] | min)
		| \$a[.] - \$b[.]] | $JQ_STATS | .med"
}

# section NUMBER TITLE...: a heading row of the table, with the 1-minute load average of the
# moment (the case has just run: it shows the machine's load during the case).
section() {
	local n=$1
	shift
	printf '| **%s** | **%s** (load average %s) | | | | | | |\n' "$n" "$*" \
		"$(cut -d' ' -f1 /proc/loadavg)" >>"$W/table.md"
}

# row LABEL VALUES UNIT NOTE: one row; VALUES is a JSON array.
row() {
	local s
	s=$(stats <<<"$2")
	jq -r --arg l "$1" --arg u "$3" --arg note "$4" '
		def f: (if . < 0 then -. else . end) as $a
			| (if $a < 10 then 100 elif $a < 100 then 10 else 1 end) as $k
			| (. * $k | round) / $k | tostring;
		"| | \($l) | \(.med | f) \($u) | \(.q1 | f) – \(.q3 | f) | \(.min | f) – \(.max | f) "
		+ "| \(.sd | f) | \(.n) | \($note) |"' <<<"$s" >>"$W/table.md"
	jq -c --arg l "$1" --arg u "$3" --argjson v "$2" '. + {row: $l, unit: $u, values: $v}' \
		<<<"$s" >>"$W/rows.jsonl"
}

# note_row LABEL TEXT: a row without numbers (a case that could not run, say).
note_row() {
	printf '| | %s | | | | | | %s |\n' "$1" "$2" >>"$W/table.md"
}

# goal TEXT MEASURED HOLDS [HOLDS2]: HOLDS is 1 or 0; with a second estimate HOLDS2 of the same
# goal, the two disagreeing make the verdict "not resolved": the difference is within noise.
goal() {
	local verdict=MISSED
	if [ $# -ge 4 ] && [ "$3" != "$4" ]; then
		verdict="not resolved (the two estimates disagree)"
	elif [ "$3" = 1 ]; then
		verdict=holds
	fi
	printf '| %s | %s | %s |\n' "$1" "$2" "$verdict" >>"$W/goals.md"
}

machine_info() {
	local cpu cni
	cpu=$(LC_ALL=C lscpu | awk -F': +' '/^Model name/ { n = $2 } /^CPU family/ { f = $2 }
		/^Model:/ { m = $2 } /^Hypervisor vendor/ { h = ", " $2 " guest" }
		END { printf "%s (family %s, model %s)%s", n, f, m, h }')
	cni=$(dpkg-query -W -f '${Version}' containernetworking-plugins 2>/dev/null || echo '?')
	cat <<EOF
| | |
|---|---|
| CPU | $cpu, $(nproc) cores online |
| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |
| kernel | $(uname -r) |
| Docker | dockerd $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'), client $(docker version --format '{{.Client.Version}}' 2>/dev/null || echo '?') ($(command -v docker)), containerd $(containerd --version 2>/dev/null | awk '{ print $3 }') |
| runc | $(runc --version 2>/dev/null | awk 'NR == 1 { print $3 }') |
| crun | $(crun --version 2>/dev/null | awk 'NR == 1 { print $3 }') (not used by these cases) |
| CNI plugins | containernetworking-plugins $cni |
| iproute2 | $(ip -V 2>/dev/null | sed 's/^ip utility, //') |
| hyperfine | $(hyperfine --version | awk '{ print $2 }') |
| dockerfly | $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?') |
EOF
}

# The block BENCHMARKS.md carries between the marks.
block() {
	local mins
	mins=$(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) / 60 }')
	cat <<EOF
$BEGIN_MARK
## Latest run

$(date -u '+%Y-%m-%d %H:%M UTC'), \`make bench\` (\`scripts/bench\`, cases $CASES) in $mins
minutes. Load average (1, 5, 15 min) at the start $LOAD_START, at the end $LOAD_END.

$(cat "$W/machine.md")

Times in ms unless marked; quartiles (q1 – q3), extremes (min – max), standard deviation (sd)
and the number of timed runs (n) per row. Comparisons are between rows of this same run.

| case | what | median | q1 – q3 | min – max | sd | n | against the peer (same run) |
|---|---|---|---|---|---|---|---|
$(cat "$W/table.md")

Goals (on this 2-core machine):

| goal | measured | verdict |
|---|---|---|
$(cat "$W/goals.md" 2>/dev/null)
$END_MARK
EOF
}

# write_out FILE: the block replaces the one between the marks, or starts a new file.
write_out() {
	local file=$1 tmp
	tmp=$(mktemp "$(dirname "$file")/.bench.XXXXXX")
	if [ -f "$file" ] && grep -qxF "$BEGIN_MARK" "$file"; then
		awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v f="$W/block.md" '
			$0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
			$0 == e { skip = 0; next }
			!skip { print }' "$file" >"$tmp"
	else
		{ printf '# Benchmarks\n\n'; cat "$W/block.md"; } >"$tmp"
		[ ! -f "$file" ] || say "$file had no generated part: written anew"
	fi
	chmod 0644 "$tmp"
	mv -f "$tmp" "$file"
}

report() {
	block >"$W/block.md"
	printf '\n'
	grep -vxF -e "$BEGIN_MARK" -e "$END_MARK" "$W/block.md"
	[ -z "$JSON_DIR" ] || cp "$W/rows.jsonl" "$JSON_DIR/rows.jsonl"
	if [ "$OUT" != - ]; then
		write_out "$OUT"
		say "written into $OUT"
	fi
}
