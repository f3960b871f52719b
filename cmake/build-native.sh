#!/usr/bin/env bash
# Builds greenhub's native core with CMake and copies it where the jar and the
# tests find it. Called by Maven's `native` profile (process-resources):
#   build-native.sh <java.home> <build dir> <target/classes> <target/test-classes>
# Without CMake or a C compiler it prints one line and succeeds: the jar then
# runs on the nio hub.
set -euo pipefail

java_home=${1:?java.home}
build_dir=${2:?build dir}
classes=${3:?target/classes}
test_classes=${4:?target/test-classes}

script=${BASH_SOURCE[0]}
[[ "$script" == */* ]] || script=./$script
src="${script%/*}/../native"

cc=${CC:-}
if [[ -z "$cc" ]]; then
  for c in cc gcc clang; do
    if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
  done
fi
if ! command -v cmake >/dev/null 2>&1 || [[ -z "$cc" ]] || ! command -v "$cc" >/dev/null 2>&1; then
  echo "greenhub: no C compiler/CMake found: building without the native hubs (the jar runs on the nio hub)"
  exit 0
fi

if ! platform=$("$(dirname "${BASH_SOURCE[0]}")/platform.sh"); then
  echo "greenhub: no native hubs for $(uname -s): building without them (the jar runs on the nio hub)"; exit 0
fi
os=${platform%%-*}
ext=so
[[ "$os" == macos ]] && ext=dylib

# java.home of a JDK 8 style layout ends in /jre.
[[ -f "$java_home/include/jni.h" || ! -f "$java_home/../include/jni.h" ]] || java_home=$(cd "$java_home/.." && pwd)

mkdir -p "$build_dir"
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  src=$(cd "$src" && pwd)
  cmake -S "$src" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
    -DGREENHUB_JAVA_HOME="$java_home" -DGREENHUB_WERROR=ON >"$build_dir/configure.log" 2>&1 \
    || { cat "$build_dir/configure.log" >&2; echo "greenhub: CMake configure failed (log above)" >&2; exit 1; }
fi
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
cmake --build "$build_dir" --parallel "$jobs" >"$build_dir/build.log" 2>&1 \
  || { cat "$build_dir/build.log" >&2; echo "greenhub: native build failed (log above)" >&2; exit 1; }

out="$classes/META-INF/native/$platform"
mkdir -p "$out"
cp -f "$build_dir/libgreenhub.$ext" "$out/libgreenhub.$ext"

if [[ "$os" == linux ]]; then
  "$build_dir/kqueue-shim-test" >"$build_dir/kqueue-shim-test.log" 2>&1 \
    || { cat "$build_dir/kqueue-shim-test.log" >&2; echo "greenhub: kqueue shim self-test failed" >&2; exit 1; }
  tout="$test_classes/META-INF/native/$platform"
  mkdir -p "$tout"
  cp -f "$build_dir/libgreenhub-kqueue-shim.so" "$tout/libgreenhub-kqueue-shim.so"
fi
