#!/usr/bin/env bash
# Live check of RankPolicy.AllRanks against the real TensorBoard 2.20 (Python loader, reloading every second):
# two processes write 40 points each while TensorBoard serves; a few reloads after they finish, every point must be
# served. Manual (needs ../shared/tools/tensorboard and a tensorflow/tensorboard clone), not part of CI.
# Usage: bash tests/live/live_ranks.sh TB_CLONE TB_WORK PORT [RunPerRank|SharedRun]
set -euo pipefail
clone=$1; work=$2; port=$3; layout=${4:-RunPerRank}
here=$(cd "$(dirname "$0")" && pwd)
tools=${TB_TOOLS:-/work/shared/tools/tensorboard}
logdir=$(mktemp -d); points=40
mkdir -p "$logdir/job"
# Build the writer once, so both ranks start together.
(cd "$here" && dotnet build RankWriter.cs -v q >/dev/null)
line=$(TB_EXTRA_ARGS="--reload_interval 1" bash "$tools/tb_harness.sh" "$clone" "$work" start "$logdir" "$port" | tail -1)
pid=$(echo "$line" | awk '{print $2}'); url=$(echo "$line" | awk '{print $4}')
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 3
for r in 0 1; do (cd "$here" && dotnet run --no-build RankWriter.cs -- "$logdir/job" $r 2 $points 150 "$layout") & done
wait %1 %2 2>/dev/null || wait
sleep 4   # a few reloads
python3 "$tools/tb_query.py" --url "$url" --no-volatile --output "$logdir/served.json" 2>/dev/null
python3 - "$logdir/served.json" "$points" <<'PY'
import json, sys
served = json.load(open(sys.argv[1]))["plugins"]["scalars"]["runs"]
want = int(sys.argv[2]); total = 0
for run, tags in sorted(served.items()):
    for tag, series in sorted(tags.items()):
        print(f"{run:12} {tag:16} {series['count']} points, steps {series['first_step']}..{series['last_step']}")
        total += series["count"]
print(f"served {total} of {2 * want} points")
sys.exit(0 if total == 2 * want else 1)
PY
