#!/bin/sh
# Fails the build on calls we ban (as git's banned.h does) and on SQL text outside src/store/.
cd "$(dirname "$0")/.." || exit 1
rc=0
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)\s*\(' $(find src -name '*.[ch]') | grep -v 'banned-ok')
if [ -n "$bad" ]; then echo "banned calls:"; echo "$bad"; rc=1; fi
sql=$(grep -nE '"(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)[ \n]' $(find src -name '*.[ch]' -not -path 'src/store/*') )
if [ -n "$sql" ]; then echo "SQL text outside src/store/:"; echo "$sql"; rc=1; fi
exit $rc
