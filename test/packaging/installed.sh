#!/bin/sh
# installed.sh absent|owned MAJOR: run where a package is tested.  "absent":
# no viewstats files for PostgreSQL MAJOR yet (a test must not pass on
# files from elsewhere, and nothing else's files get touched).  "owned":
# the control file and the library PostgreSQL loads belong to
# postgresql-MAJOR-viewstats.
set -eu
what=$1 major=$2
files="/usr/share/postgresql/$major/extension/viewstats.control /usr/lib/postgresql/$major/lib/viewstats.so"
for f in $files; do
	case $what in
	absent)
		[ ! -e "$f" ] || {
			echo "$f exists before the package is installed; not touching it" >&2
			exit 1
		}
		;;
	owned)
		owner=$(dpkg-query -S "$f" | cut -d: -f1)
		[ "$owner" = "postgresql-$major-viewstats" ] || {
			echo "$f belongs to '$owner'" >&2
			exit 1
		}
		;;
	*) exit 2 ;;
	esac
done
