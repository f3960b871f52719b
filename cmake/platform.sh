#!/usr/bin/env bash
# Prints this machine's platform as greenhub names it, <os>-<arch> (linux-x86_64,
# macos-aarch64, ...): the folder META-INF/native/<platform>/ of the jar. The one
# normalisation of uname for the scripts (build-native.sh, .ci/run, ci/sanitize);
# NativeLibrary.platform() is Java's, and NativeLibraryTest checks the two agree.
# Prints nothing and exits 1 on an OS that has no native hub.
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  FreeBSD) os=freebsd ;;
  *) exit 1 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch=$(uname -m | tr '[:upper:]' '[:lower:]') ;;
esac
echo "$os-$arch"
