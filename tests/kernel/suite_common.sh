# Shared by the kernel suites (run_suite.sh: the kernel oracle's driver;
# run_guest_suite.sh: aasim's own guest driver). Sourced, with aasim,
# corpus, stride and out set. Exits 77 (skip) when the VM cannot run.
oracle=${KERNEL_ORACLE:-$(realpath -m "$corpus/../tools/kernel-oracle")}
abi3=$corpus/profiles/roddhjav/abi3
if ! command -v qemu-system-x86_64 > /dev/null || [[ ! -x $oracle/run-in-kernel ]]; then
  echo "skipped: needs qemu-system-x86 and $oracle/run-in-kernel (see its README)"
  exit 77
fi
if [[ ! -f $abi3/parser-status.tsv ]]; then
  echo "skipped: no corpus at $corpus (set AASIM_CORPUS)"
  exit 77
fi
mkdir -p "$out/blobs"

# The kernel's own feature set, as the oracle's guest reports it.
# Its first run fetches Debian's kernel package (apt-get download): a
# machine that cannot boot the VM skips the suite and says why.
if [[ ! -s $out/features ]] && ! "$oracle/run-in-kernel" --dump-features "$out/features" -- /dev/null > "$out/boot.log" 2>&1; then
  echo "skipped: the kernel oracle could not boot its VM:"
  tail -5 "$out/boot.log"
  exit 77
fi

# compile_selected FEATURES: every n-th file 3.0.8 accepts, compiled by
# apparmor_parser and by aasim for FEATURES (two at a time), aasim
# reading 3.0.8's language: the kernel's userspace on Debian 12 is
# apparmor_parser 3.0.8. Writes $out/list (TAG PARSER_BLOB [AASIM_BLOB])
# and $out/sources (TAG FILE); sets `refused`.
compile_selected() {
  features=$1
  awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && ++n % s == 0 { print $1 }' "$abi3/parser-status.tsv" > "$out/files"
  compile_one() {
    local file=$1 tag
    tag=$(echo "$file" | tr '/' '_')
    apparmor_parser -Q -S -M "$features" -b "$abi3/base" "$abi3/apparmor.d/$file" \
      > "$out/blobs/$tag.parser.bin" 2> /dev/null || { rm -f "$out/blobs/$tag.parser.bin"; return 0; }
    "$aasim" compile --language=3.0 -M "$features" -b "$abi3/base" -o "$out/blobs/$tag.aasim.bin" "$abi3/apparmor.d/$file" \
      > /dev/null 2> "$out/blobs/$tag.aasim.err" || rm -f "$out/blobs/$tag.aasim.bin"
  }
  export -f compile_one
  export aasim out abi3 features
  xargs -P 2 -I{} bash -c 'compile_one "$@"' _ {} < "$out/files"
  : > "$out/list"
  : > "$out/sources"
  refused=0
  while read -r file; do
    tag=$(echo "$file" | tr '/' '_')
    [[ -f $out/blobs/$tag.parser.bin ]] || continue
    if [[ -f $out/blobs/$tag.aasim.bin ]]; then
      echo "$tag $out/blobs/$tag.parser.bin $out/blobs/$tag.aasim.bin" >> "$out/list"
    else
      refused=$((refused + 1))
      echo "$tag $out/blobs/$tag.parser.bin" >> "$out/list"
    fi
    echo "$tag $file" >> "$out/sources"
  done < "$out/files"
}

# compile_fixtures FEATURES: aasim's own profiles (tests/kernel/fixtures/),
# which the corpus profiles lack: hats, complain mode, mount rules, every
# exec mode and fallback, audit and audit deny rules of each class. Added
# to $out/list and $out/sources.
compile_fixtures() {
  local features=$1 fixture tag
  for fixture in "$(dirname "${BASH_SOURCE[0]}")"/fixtures/*.sd; do
    tag=fixture_$(basename "$fixture" .sd)
    apparmor_parser -Q -S -M "$features" "$fixture" > "$out/blobs/$tag.parser.bin"
    "$aasim" compile --language=3.0 -M "$features" -o "$out/blobs/$tag.aasim.bin" "$fixture"
    echo "$tag $out/blobs/$tag.parser.bin $out/blobs/$tag.aasim.bin" >> "$out/list"
    echo "$tag $(realpath "$fixture")" >> "$out/sources"
  done
}

# split_trace TRACE NAME: TRACE in pieces $out/NAME.0, NAME.1, ..., cut
# after an unload-all once a piece's blobs pass 32 MB (a guest holds its
# piece's blobs in memory); $out/NAME.K.offset holds the lines before
# piece K (result lines are numbered from the piece's start).
split_trace() {
  local trace=$1 name=$2
  (cd "$out/blobs" && stat -c '%n %s' -- *.bin) > "$out/blob-sizes"
  rm -f "$out/$name".*
  awk -v base="$out/$name" -v limit=$((32 << 20)) '
    FNR == NR { size[$1] = $2; next }
    FNR == 1 || cut { piece = base "." n++; print FNR - 1 > (piece ".offset"); cut = 0; bytes = 0 }
    { print > piece }
    $1 == "load-blob" { bytes += size[$2] }
    $1 == "unload-all" && bytes > limit { cut = 1 }' "$out/blob-sizes" "$trace"
}

# run_pieces NAME FUNCTION: FUNCTION PIECE_PATH for each piece of
# split_trace, two VMs at a time (one per core). FUNCTION must be exported.
run_pieces() {
  local name=$1 function=$2
  find "$out" -maxdepth 1 -name "$name.*" ! -name '*.offset' | sort | xargs -P 2 -I{} bash -c "$function"' "$@"' _ {}
}
