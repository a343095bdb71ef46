#!/usr/bin/env bash
# Compiles the spark-perf workloads against a Spark distribution's jars and packs them into a jar.
# Usage: build.sh SPARK_JARS_DIR SOURCE_DIR OUT_JAR
# Prints "built OUT_JAR" or "up to date OUT_JAR": the jar is rebuilt only when the sources or the
# Spark jars (by their names) change, recorded in OUT_JAR.inputs.
set -euo pipefail
jars=$(realpath "$1") sources=$(realpath "$2") out=$(realpath -m "$3")
command -v javac >/dev/null && command -v jar >/dev/null || {
  echo "javac and jar are needed on the controller to build the workloads: install a JDK (openjdk-17-jdk-headless)" >&2
  exit 1
}
inputs=$( (cd "$sources" && find . -name '*.java' -print0 | sort -z | xargs -0 sha256sum; ls "$jars") | sha256sum | cut -d' ' -f1)
if [[ -f $out && -f $out.inputs && $(cat "$out.inputs") == "$inputs" ]]; then
  echo "up to date $out"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -d '' files < <(find "$sources" -name '*.java' -print0 | sort -z)
javac --release 17 -Xlint:all -Xlint:-path -Xlint:-serial -Werror -d "$work/classes" -cp "$jars/*" "${files[@]}"
mkdir -p "$(dirname "$out")"
jar --create --file "$work/out.jar" --date 1980-01-01T00:00:02Z -C "$work/classes" .
mv "$work/out.jar" "$out"
echo "$inputs" >"$out.inputs"
echo "built $out"
