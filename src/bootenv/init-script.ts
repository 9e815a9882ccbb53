// The cloning environment's /init (busybox sh), and the udhcpc script it
// configures the network with. What it does, on the console:
//
//   mount /proc /sys /dev -> insmod the NIC and disk drivers (in order)
//   -> read ringcast.* from /proc/cmdline -> the NIC of ringcast.mac (or
//   every NIC) up, DHCP -> wait for the target device -> ringcast join
//   -> sync, reboot (at once when verified; after a pause when not, and the
//   next boot tries again with a fresh token)
//
// The parameters are the words ipxe.ts puts on the kernel command line; they
// are matched by name and never evaluated, so a value cannot run anything.

/** Where things live inside the environment. */
export const BOOTENV_PATHS = {
  node: '/usr/bin/node',
  agent: '/opt/ringcast/ringcast.mjs',
  modules: '/etc/ringcast/modules',
  udhcpcScript: '/etc/ringcast/udhcpc.script'
} as const

/** How long a node whose copy failed waits before it reboots to try again. */
export const RETRY_PAUSE_SECONDS = 30

export function initScript (kernelVersion: string): string {
  return `#!/bin/busybox sh
# ringcast cloning environment (ringcast bootenv build)
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /var/lib/ringcast
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say () { echo "ringcast-bootenv: $*" > /dev/console; }
say "kernel $(uname -r), loading drivers"
for m in $(cat ${BOOTENV_PATHS.modules}); do insmod /lib/modules/${kernelVersion}/$m 2>/dev/null; done

COORDINATOR= TOKEN= TARGET= NAME= MAC= IDENTITY=builtin
for w in $(cat /proc/cmdline); do
  case "$w" in
    ringcast.coordinator=*) COORDINATOR="\${w#*=}" ;;
    ringcast.token=*) TOKEN="\${w#*=}" ;;
    ringcast.target=*) TARGET="\${w#*=}" ;;
    ringcast.name=*) NAME="\${w#*=}" ;;
    ringcast.mac=*) MAC="\${w#*=}" ;;
    ringcast.identity=*) IDENTITY="\${w#*=}" ;;
  esac
done

stop () {
  say "$1"
  sync
  say "rebooting in \${2:-${RETRY_PAUSE_SECONDS}} s"
  sleep "\${2:-${RETRY_PAUSE_SECONDS}}"
  reboot -f
  # init must never end (the kernel panics): should reboot return, wait here.
  while :; do sleep 3600; done
}

[ -n "$COORDINATOR" ] && [ -n "$TOKEN" ] && [ -n "$TARGET" ] && [ -n "$NAME" ] || stop "the kernel command line lacks ringcast.coordinator, ringcast.token, ringcast.target or ringcast.name"

# The NIC this machine booted from (ringcast.mac), else every NIC, once it has appeared.
ip link set lo up
IFACES=
for i in $(seq 1 30); do
  for dev in /sys/class/net/*; do
    n=\${dev##*/}
    [ "$n" = lo ] && continue
    if [ -z "$MAC" ] || [ "$(cat $dev/address)" = "$MAC" ]; then IFACES="$IFACES $n"; fi
  done
  [ -n "$IFACES" ] && break
  sleep 1
done
[ -n "$IFACES" ] || stop "no network interface\${MAC:+ with MAC $MAC} appeared (is its driver in the environment? ringcast bootenv build --module NAME)"
UP=
for n in $IFACES; do
  ip link set "$n" up
  # Without -q, udhcpc stays in the background once it has a lease and renews it: a copy may outlast the lease.
  if udhcpc -i "$n" -n -t 10 -T 2 -s ${BOOTENV_PATHS.udhcpcScript} -p /run/udhcpc.$n.pid > /dev/console 2>&1; then UP=$n; break; fi
done
[ -n "$UP" ] || stop "no DHCP answer on$IFACES"
say "network up on $UP: $(ip -4 -o addr show dev $UP | awk '{print $4}')"

for i in $(seq 1 30); do [ -b "$TARGET" ] && break; sleep 1; done
[ -b "$TARGET" ] || stop "the target $TARGET did not appear (is its disk driver in the environment? ringcast bootenv build --module NAME)"

say "$NAME joins $COORDINATOR to write $TARGET"
set --
[ "$IDENTITY" != none ] && set -- --identity "$IDENTITY"
${BOOTENV_PATHS.node} --max-semi-space-size=4 ${BOOTENV_PATHS.agent} join "$COORDINATOR" --token "$TOKEN" --target "$TARGET" --name "$NAME" --no-journal --connect-timeout 120s "$@" < /dev/null > /dev/console 2>&1
rc=$?
if [ $rc -eq 0 ]; then stop "$NAME: verified; booting the clone" 1; fi
stop "$NAME: ringcast join exited with status $rc; the copy is not verified"
`
}

/** busybox udhcpc calls this with the lease in its environment ($ip, $mask as prefix bits, $router). */
export const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  renew)
    # The same lease renewed: leave the address alone (the copy's connections run over it).
    ip -4 addr show dev "$interface" | grep -q " $ip/" && exit 0
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface"; break; done ;;
  bound)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface"; break; done ;;
esac
exit 0
`
