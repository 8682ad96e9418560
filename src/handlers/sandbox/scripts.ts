/**
 * The two fixed shell scripts that set a sandbox up. They are constant text: every path, id and
 * the step's argv reach them as positional arguments and its environment as data on stdin, so no
 * value of a pipeline or an event is ever part of a shell's code.
 *
 * SETUP runs as pid 1 of fresh PID, mount, IPC and UTS namespaces (and a user namespace when the
 * server is not root) with an environment of PATH only. It mounts what `fstab` lists (the
 * read-only system folders, a fresh /proc, a minimal /dev, the attempt's /tmp, HOME and
 * working directory, and masks over hidden paths) in one `mount --all`, makes that tree the root
 * (pivot_root) and detaches the old one, so nothing outside can be reached again; then it
 * becomes STEP as the step's identity, with no capabilities, an empty bounding set and
 * no_new_privs.
 *   $1 fstab  $2 new root  $3 setpriv|userns  $4 uid  $5 gid  $6 STEP  then STEP's arguments
 *
 * STEP (still pid 1, now unprivileged) reads the environment from stdin as pairs of lines, a name
 * and a value escaped for printf %b (decoded only when it holds a backslash, saving a fork), checks the working directory and the program, and runs the
 * program as its child: the program must not be the namespace's init, which ignores every signal
 * it has no handler for (`kill $$` would do nothing). It exits with the program's status, 128+n
 * when signal n killed it, as shells and bubblewrap report it. Its own messages go to fd 2 (the
 * setup channel); the program's stderr is fd 3. Its variables are named FORGEFLOW_SANDBOX_*, a
 * prefix steps may not use, so they never clobber the step's own.
 *   $1 working directory  then the program's argv
 */

/** Lines STEP writes on the setup channel; `started` means the program itself now runs. */
export const SANDBOX_MESSAGES = {
  started: 'forgeflow-sandbox: started',
  noCwd: 'forgeflow-sandbox: no-cwd',
  notFound: 'forgeflow-sandbox: not-found',
  notExecutable: 'forgeflow-sandbox: not-executable',
} as const;

/** Environment names STEP uses for itself. */
export const RESERVED_ENV_PREFIX = 'FORGEFLOW_SANDBOX_';

export const SETUP_SCRIPT = `set -eu
fstab=$1 root=$2 identity=$3 uid=$4 gid=$5 step=$6
shift 6
mount --no-mtab --all --fstab "$fstab"
cd "$root"
pivot_root . .
umount --lazy .
cd /
unset PWD OLDPWD
case $identity in
setpriv)
  exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all --ambient-caps=-all \\
    --bounding-set=-all --no-new-privs -- /bin/sh -c "$step" forgeflow-step "$@" ;;
userns)
  exec setpriv --no-new-privs -- unshare --user --map-user="$uid" --map-group="$gid" --keep-caps -- \\
    setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- /bin/sh -c "$step" forgeflow-step "$@" ;;
esac
echo "forgeflow-sandbox: unknown identity $identity" >&2
exit 1
`;

export const STEP_SCRIPT = `if ! cd -- "$1" 2>/dev/null; then echo '${SANDBOX_MESSAGES.noCwd}' >&2; exit 1; fi
shift
unset PWD OLDPWD
while IFS= read -r FORGEFLOW_SANDBOX_NAME && IFS= read -r FORGEFLOW_SANDBOX_VALUE; do
  case $FORGEFLOW_SANDBOX_VALUE in
  *\\\\*)
    FORGEFLOW_SANDBOX_VALUE=$(printf '%bx' "$FORGEFLOW_SANDBOX_VALUE")
    FORGEFLOW_SANDBOX_VALUE=\${FORGEFLOW_SANDBOX_VALUE%x} ;;
  esac
  export "$FORGEFLOW_SANDBOX_NAME=$FORGEFLOW_SANDBOX_VALUE"
done
exec </dev/null
case $1 in
*/*) FORGEFLOW_SANDBOX_FOUND=$1 ;;
*)
  FORGEFLOW_SANDBOX_FOUND=
  FORGEFLOW_SANDBOX_IFS=$IFS
  set -f
  IFS=:
  for FORGEFLOW_SANDBOX_DIR in \${PATH-}; do
    if [ -f "\${FORGEFLOW_SANDBOX_DIR:-.}/$1" ]; then
      FORGEFLOW_SANDBOX_FOUND=\${FORGEFLOW_SANDBOX_DIR:-.}/$1
      [ -x "$FORGEFLOW_SANDBOX_FOUND" ] && break
    fi
  done
  IFS=$FORGEFLOW_SANDBOX_IFS
  set +f ;;
esac
if [ -z "$FORGEFLOW_SANDBOX_FOUND" ] || [ ! -e "$FORGEFLOW_SANDBOX_FOUND" ]; then
  echo '${SANDBOX_MESSAGES.notFound}' >&2; exit 1
fi
if [ -d "$FORGEFLOW_SANDBOX_FOUND" ] || [ ! -x "$FORGEFLOW_SANDBOX_FOUND" ]; then
  echo '${SANDBOX_MESSAGES.notExecutable}' >&2; exit 1
fi
unset FORGEFLOW_SANDBOX_NAME FORGEFLOW_SANDBOX_VALUE FORGEFLOW_SANDBOX_FOUND FORGEFLOW_SANDBOX_IFS FORGEFLOW_SANDBOX_DIR
echo '${SANDBOX_MESSAGES.started}' >&2
exec 2>/dev/null
(exec "$@" 2>&3 3>&-)
exit "$?"
`;
