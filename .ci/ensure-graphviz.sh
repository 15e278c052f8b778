#!/bin/sh
# Make Graphviz's `dot` available if we can; never fail (pictures then stay DOT source).
command -v dot >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "minigrad: installing Graphviz (apt-get install graphviz) to render pictures"
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) \
        >/dev/null 2>&1 && command -v dot >/dev/null 2>&1; then
        exit 0
    fi
fi
echo "minigrad: Graphviz 'dot' not found and not installable here (needs root and apt-get);" \
     "pictures will be written as DOT source only (install graphviz to get SVG/PNG)"
exit 0
