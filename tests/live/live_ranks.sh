#!/usr/bin/env bash
# Live check of RankPolicy.AllRanks against the real TensorBoard 2.20 (Python loader, reloading every second): two
# processes write 40 points each while TensorBoard serves; every point must be served within a few reloads after they
# finish. Needs ../shared/tools/tensorboard (tb_harness.sh, tb_query.py) and a bare clone of tensorflow/tensorboard.
#
# One command, from the repository root:
#     bash tests/live/live_ranks.sh
# checks the default layout (RunPerRank: a run per rank, must serve 80 of 80) and, for contrast, the shared run
# (SharedRun: both ranks' files in one run; reported, not required: the Python loader never goes back to a file).
#
# Environment (defaults in brackets): TB_CLONE [../tbclone beside the repository], TB_WORK [../tbwork],
# TB_TOOLS [../shared/tools/tensorboard], LIVE_PORT [a free port], LIVE_LAYOUTS ["RunPerRank SharedRun"],
# LIVE_SETTLE_S [20: seconds to wait for the last points after the writers finish].
# --if-ready: check only when the harness is already built (TB_WORK/src/.tb_harness_ok); otherwise say why and exit 0
# (what .ci/run uses: it never installs or builds TensorBoard).
# Exit: 0 every point served with a run per rank; 1 not; 3 TensorBoard could not be started (nothing checked).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if_ready=0
if [ "${1:-}" = "--if-ready" ]; then if_ready=1; shift; fi
clone=${TB_CLONE:-$repo/../tbclone}; work=${TB_WORK:-$repo/../tbwork}
tools=${TB_TOOLS:-$repo/../shared/tools/tensorboard}
layouts=${LIVE_LAYOUTS:-RunPerRank SharedRun}; settle=${LIVE_SETTLE_S:-20}; points=40

if [ ! -f "$tools/tb_harness.sh" ] || [ ! -d "$clone" ]; then
  echo "live ranks: skipped (no TensorBoard harness at $tools or no tensorflow/tensorboard clone at $clone)"
  [ $if_ready = 1 ] && exit 0 || exit 3
fi
if [ $if_ready = 1 ]; then
  if [ ! -f "$work/src/.tb_harness_ok" ]; then
    echo "live ranks: skipped (TensorBoard is not built in $work; run 'bash $tools/tb_harness.sh $clone $work check' once)"
    exit 0
  fi
  export TB_SKIP_APT=1
fi
port=${LIVE_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

# Build the writer once, so both ranks start together.
(cd "$here" && dotnet build RankWriter.cs -v q > /dev/null)

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null || true' EXIT
result=0
for layout in $layouts; do
  logdir=$(mktemp -d)
  mkdir -p "$logdir/job"
  if ! line=$(TB_EXTRA_ARGS="--reload_interval 1" bash "$tools/tb_harness.sh" "$clone" "$work" start "$logdir" "$port" 2> "$logdir/harness.log" | tail -1) \
     || [ -z "$line" ]; then
    tail -5 "$logdir/harness.log"
    echo "live ranks: TensorBoard did not start (nothing checked)"
    [ $if_ready = 1 ] && exit 0 || exit 3
  fi
  pid=$(echo "$line" | awk '{print $2}'); url=$(echo "$line" | awk '{print $4}')
  sleep 3
  for r in 0 1; do (cd "$here" && dotnet run --no-build RankWriter.cs -- "$logdir/job" $r 2 $points 150 "$layout" > /dev/null) & done
  wait
  # Poll once a second (TensorBoard reloads every second) until every point is served or $settle seconds pass.
  served=0
  for _ in $(seq 1 "$settle"); do
    python3 "$tools/tb_query.py" --url "$url" --no-volatile --plugins scalars --output "$logdir/served.json" 2> /dev/null || true
    served=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["plugins"]["scalars"].get("runs",{}); print(sum(s["count"] for t in r.values() for s in t.values()))' "$logdir/served.json" 2> /dev/null || echo 0)
    [ "$served" -ge $((2 * points)) ] && break
    sleep 1
  done
  python3 - "$logdir/served.json" <<'PY' || true
import json, sys
for run, tags in sorted(json.load(open(sys.argv[1]))["plugins"]["scalars"].get("runs", {}).items()):
    for tag, s in sorted(tags.items()):
        print(f"  {run:12} {tag:8} {s['count']} points, steps {s['first_step']}..{s['last_step']}")
PY
  kill "$pid" 2> /dev/null || true; pid=""
  rm -rf "$logdir"
  if [ "$layout" = RunPerRank ]; then
    if [ "$served" -ge $((2 * points)) ]; then
      echo "live ranks: RunPerRank OK: TensorBoard 2.20 (Python loader, reload 1 s) served $served of $((2 * points)) points of 2 live writers"
    else
      echo "live ranks: RunPerRank FAILED: served $served of $((2 * points)) points within ${settle}s after the writers finished"
      result=1
    fi
  else
    echo "live ranks: $layout (for contrast, not required): served $served of $((2 * points)) points within ${settle}s"
  fi
done
exit $result
