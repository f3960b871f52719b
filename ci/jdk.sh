# Sourced by the ci/ scripts: finds a JDK >= 21 and exports JAVA_HOME (and PATH), and
# GREENHUB_JVM_FLAGS, the flags green threads need (from ci/jvm.properties).
# JAVA_HOME when it is >= 21, else the newest JDK in the system's JVM directory;
# stops with one sentence when there is none.

greenhub_jdk_version() { # prints the feature version of the JDK at $1, or nothing
    local rel="$1/release" v
    [ -x "$1/bin/javac" ] || return 0
    if [ -f "$rel" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel")
    else
        v=$("$1/bin/javac" -version 2>&1 | sed -n 's/^javac \([0-9][0-9]*\).*/\1/p')
    fi
    [ "$v" = 1 ] && v=8
    echo "$v"
}

greenhub_find_jdk() {
    local best="" best_v=0 d v
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(greenhub_jdk_version "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge 21 ]; then
            echo "$JAVA_HOME"; return 0
        fi
    fi
    for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home /opt/java/* /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home; do
        [ -d "$d" ] || continue
        v=$(greenhub_jdk_version "$d")
        [ -n "$v" ] || continue
        if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then
            best="$d"; best_v="$v"
        fi
    done
    [ -n "$best" ] && echo "$best"
}

GREENHUB_JDK=$(greenhub_find_jdk)
if [ -z "$GREENHUB_JDK" ]; then
    echo "greenhub needs a JDK 21 or newer and found none (JAVA_HOME=${JAVA_HOME:-unset}, nothing in /usr/lib/jvm): install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME." >&2
    exit 1
fi
export JAVA_HOME="$GREENHUB_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
if [ "$(greenhub_jdk_version "$JAVA_HOME")" -ge 24 ]; then
    # Maven's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns unless allowed.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

GREENHUB_JVM_FLAGS=$(sed -n 's/^greenhub\.jvm\.flags=//p' "$(dirname "${BASH_SOURCE[0]}")/jvm.properties")
export GREENHUB_JVM_FLAGS
