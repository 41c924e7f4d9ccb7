#!/usr/bin/env bash
# Start MariaDB and Redis on loopback when they are installed but not running (CI starts with neither:
# this machine has no systemd, and servers started by hand in an earlier session are gone).
# Usage: services.sh DB_ROOT_PASSWORD
set -uo pipefail
db_pw="${1:-123}"

mariadb_up() { mysqladmin -h127.0.0.1 -uroot -p"$db_pw" ping >/dev/null 2>&1; }
if ! mariadb_up; then
	daemon=$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd /usr/sbin/mysqld 2>/dev/null | head -1)
	if [ -z "$daemon" ]; then
		echo "services: MariaDB is not installed" >&2
		exit 1
	fi
	mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
	(cd /tmp && setsid nohup "$daemon" --user=mysql >/tmp/c360-mariadb.log 2>&1 &)
	for _ in $(seq 1 60); do mariadb_up && break; sleep 1; done
	mariadb_up || { echo "services: MariaDB did not come up (see /tmp/c360-mariadb.log)" >&2; exit 1; }
	echo "services: started MariaDB"
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
	command -v redis-server >/dev/null || { echo "services: Redis is not installed" >&2; exit 1; }
	redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no --dir /tmp >/dev/null
	for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
	redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "services: Redis did not come up" >&2; exit 1; }
	echo "services: started Redis"
fi
