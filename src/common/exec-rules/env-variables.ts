/**
 * Environment variables that make a program load or run code, refused whatever their value,
 * and those whose value may not come from an expression (exec-rules.ts).
 */

/**
 * Variables that make a program load or run code (a startup file, a library, a module, a
 * command), refused in every `env:` whatever their value: a literal one is as much a way to
 * run code as a `${{ }}` one, and the exec handler refuses them too.
 */
const CODE_ENV: ReadonlyMap<string, string> = new Map([
  ['BASH_ENV', 'makes bash run the file it names before any script'],
  ['ENV', 'makes sh (dash, ksh, bash in POSIX mode) run the file it names at start'],
  ['PROMPT_COMMAND', 'is run by bash as a command before each prompt'],
  ['PS0', 'is expanded by bash, running any $(…) in it'],
  ['PS1', 'is expanded by shells, running any $(…) in it'],
  ['PS2', 'is expanded by shells, running any $(…) in it'],
  ['PS3', 'is expanded by shells, running any $(…) in it'],
  ['PS4', 'is expanded by shells for each traced line (set -x), running any $(…) in it'],
  ['SHELLOPTS', 'switches on shell options (xtrace with PS4, …) in every bash the step starts'],
  ['BASHOPTS', 'switches on bash options (extdebug, …) in every bash the step starts'],
  ['IFS', "changes how the shell splits words, and so what a script's commands are"],
  ['BASH_XTRACEFD', 'makes bash write its trace to any open file descriptor'],
  ['BASH_LOADABLES_PATH', 'is where bash loads builtins (shared libraries) from'],
  ['ZDOTDIR', 'is where zsh reads its startup files (code) from'],
  ['FPATH', 'is where ksh and zsh load functions (code) from'],
  ['GCONV_PATH', 'makes glibc load character-set converters (shared libraries) from it'],
  ['PYTHONSTARTUP', 'names a file Python runs at start'],
  ['PYTHONPATH', 'is where Python imports modules (code) from first'],
  ['PYTHONHOME', 'chooses the Python library (code) every python uses'],
  ['PYTHONUSERBASE', 'is where Python imports user site-packages (and their .pth code) from'],
  ['PYTHONBREAKPOINT', 'names a callable Python imports and runs on breakpoint()'],
  ['PYTHONWARNINGS', 'can name warning categories Python imports (code) at start'],
  ['PYTHONPLATLIBDIR', 'chooses where Python loads its library modules from'],
  ['PYTHONEXECUTABLE', 'changes which program Python believes it is'],
  ['NODE_OPTIONS', 'passes options to every node, such as --require=FILE, which runs code'],
  ['NODE_PATH', 'is where node resolves modules (code) from'],
  ['NODE_REPL_EXTERNAL_MODULE', 'names a module node runs instead of its REPL'],
  ['PERL5OPT', 'passes options to every perl, such as -M or -e code'],
  ['PERL5LIB', 'is where perl loads modules (code) from first'],
  ['PERLLIB', 'is where perl loads modules (code) from first'],
  ['PERL5DB', 'is perl code run for the debugger'],
  ['RUBYOPT', 'passes options to every ruby, such as -r FILE, which runs code'],
  ['RUBYLIB', 'is where ruby loads libraries (code) from first'],
  ['JAVA_TOOL_OPTIONS', 'passes options to every JVM, such as -javaagent, which runs code'],
  ['_JAVA_OPTIONS', 'passes options to every JVM, such as -javaagent, which runs code'],
  ['JDK_JAVA_OPTIONS', 'passes options to every java launcher, such as -javaagent'],
  ['DOTNET_STARTUP_HOOKS', 'names assemblies .NET runs at start'],
  ['DOTNET_ADDITIONAL_DEPS', 'adds assemblies (code) .NET loads'],
  ['CORECLR_ENABLE_PROFILING', 'makes .NET load a profiler (a shared library)'],
  ['COR_ENABLE_PROFILING', 'makes .NET load a profiler (a shared library)'],
  ['GIT_SSH', 'is the program git runs to reach a remote'],
  ['GIT_SSH_COMMAND', 'is a command git runs (through a shell) to reach a remote'],
  ['GIT_EXTERNAL_DIFF', 'is a program git runs for every diff'],
  ['GIT_ASKPASS', 'is a program git runs to ask for a password'],
  ['GIT_PROXY_COMMAND', 'is a command git runs to connect'],
  ['GIT_EXEC_PATH', 'is where git finds the programs of its subcommands'],
  ['GIT_TEMPLATE_DIR', 'is where git copies hooks (code it runs later) from'],
  ['GIT_SEQUENCE_EDITOR', 'is a command git runs during a rebase'],
  ['GIT_CONFIG', 'names a config file git reads (aliases and hooks run commands)'],
  ['GIT_CONFIG_PARAMETERS', 'sets git config (aliases and hooks run commands)'],
  ['SSH_ASKPASS', 'is a program ssh runs to ask for a password'],
  ['SUDO_ASKPASS', 'is a program sudo runs to ask for a password'],
  ['LESSOPEN', 'is a command less runs on every file it opens'],
  ['LESSCLOSE', 'is a command less runs on every file it closes'],
  ['OPENSSL_CONF', 'makes OpenSSL read a config that loads engines (shared libraries)'],
  ['OPENSSL_ENGINES', 'is where OpenSSL loads engines (shared libraries) from'],
  ['OPENSSL_MODULES', 'is where OpenSSL loads providers (shared libraries) from'],
  ['PHPRC', 'makes PHP read a php.ini (auto_prepend_file runs code)'],
  ['PHP_INI_SCAN_DIR', 'makes PHP read more .ini files (auto_prepend_file runs code)'],
  ['R_PROFILE', 'names R code run at start'],
  ['R_PROFILE_USER', 'names R code run at start'],
  ['R_ENVIRON', 'names a file R reads at start'],
  ['R_ENVIRON_USER', 'names a file R reads at start'],
  ['ERL_FLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ERL_AFLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ERL_ZFLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ELIXIR_ERL_OPTIONS', 'passes flags to the Erlang VM, such as -eval code'],
  ['TCLLIBPATH', 'is where Tcl loads packages (code) from'],
  ['RUSTC_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['RUSTC_WORKSPACE_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['CARGO_BUILD_RUSTC_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['BUNDLE_GEMFILE', 'names the Gemfile (Ruby code) bundler runs'],
]);

/** Prefixes of such variables (LD_PRELOAD, DYLD_INSERT_LIBRARIES, BASH_FUNC_x%%, …). */
const CODE_ENV_PREFIXES: readonly (readonly [string, string])[] = [
  ['LD_', 'is read by the dynamic linker (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT load code)'],
  ['DYLD_', 'is read by the dynamic linker (DYLD_INSERT_LIBRARIES loads code)'],
  ['BASH_FUNC_', 'defines a bash function that every bash the step starts imports'],
  ['GIT_CONFIG_', 'sets git config (aliases, core.sshCommand and hooks run commands)'],
  ['LUA_INIT', 'is Lua code (or a file of it) lua runs at start'],
  ['LUA_PATH', 'is where Lua loads modules (code) from'],
  ['LUA_CPATH', 'is where Lua loads C modules (shared libraries) from'],
  ['CORECLR_PROFILER', 'makes .NET load a profiler (a shared library)'],
  ['COR_PROFILER', 'makes .NET load a profiler (a shared library)'],
];

/**
 * Variables whose value names a program, a search path, a config location or flags that a
 * program acts on: a literal value is the config author's choice (`CC: clang`, `GIT_PAGER:
 * cat`), but a `${{ }}` value would let event data choose what runs. Checked by the compiler.
 */
const COMMAND_ENV: ReadonlyMap<string, string> = new Map([
  ['PATH', 'chooses which programs run'],
  ['HOME', 'is where programs read their startup and config files (.bashrc, .gitconfig)'],
  ['XDG_CONFIG_HOME', 'is where programs read their config files (git, fish, …)'],
  ['XDG_CONFIG_DIRS', 'is where programs read their config files'],
  ['CDPATH', 'changes where cd goes'],
  ['SHELL', 'is the shell programs start for commands'],
  ['EDITOR', 'is a command programs run'],
  ['VISUAL', 'is a command programs run'],
  ['PAGER', 'is a command programs run'],
  ['MANPAGER', 'is a command man runs'],
  ['GIT_PAGER', 'is a command git runs'],
  ['GIT_EDITOR', 'is a command git runs'],
  ['GIT_DIR', 'chooses the repository (and so the hooks and config) git uses'],
  ['GIT_WORK_TREE', 'chooses the working tree git uses'],
  ['BROWSER', 'is a command programs run'],
  ['CC', 'is the compiler command build tools run'],
  ['CXX', 'is the compiler command build tools run'],
  ['CPP', 'is the preprocessor command build tools run'],
  ['LD', 'is the linker command build tools run'],
  ['AR', 'is a command build tools run'],
  ['AS', 'is a command build tools run'],
  ['MAKE', 'is the make command build tools run'],
  ['MAKEFLAGS', 'passes options to make, such as --eval'],
  ['MFLAGS', 'passes options to make'],
  ['GNUMAKEFLAGS', 'passes options to make, such as --eval'],
  ['CFLAGS', 'passes flags to the compiler, such as -fplugin=FILE'],
  ['CXXFLAGS', 'passes flags to the compiler, such as -fplugin=FILE'],
  ['CPPFLAGS', 'passes flags to the preprocessor'],
  ['LDFLAGS', 'passes flags to the linker'],
  ['GOFLAGS', 'passes flags to go, such as -toolexec=COMMAND'],
  ['RUSTFLAGS', 'passes flags to rustc, such as -C linker=COMMAND'],
  ['CLASSPATH', 'is where java loads classes (code) from'],
  ['MAVEN_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['GRADLE_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['JAVA_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['ANT_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['SBT_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['GEM_HOME', 'is where Ruby loads gems (code) from'],
  ['GEM_PATH', 'is where Ruby loads gems (code) from'],
]);

const COMMAND_ENV_PREFIXES: readonly (readonly [string, string])[] = [
  ['npm_config_', 'sets npm config (script-shell, node-options run commands)'],
  ['NPM_CONFIG_', 'sets npm config (script-shell, node-options run commands)'],
  ['CARGO_TARGET_', 'sets cargo target settings (runner, linker run commands)'],
  ['CMAKE_', 'sets CMake settings (compiler launchers run commands)'],
];

function byName(
  name: string,
  exact: ReadonlyMap<string, string>,
  prefixes: readonly (readonly [string, string])[],
): string | undefined {
  return exact.get(name) ?? prefixes.find(([prefix]) => name.startsWith(prefix))?.[1];
}

/** Why this variable makes a program run code, whatever its value; undefined if it does not. */
export function codeEnvReason(name: string): string | undefined {
  return byName(name, CODE_ENV, CODE_ENV_PREFIXES);
}

/** Why this variable's value may not come from an expression; undefined if it may. */
export function commandEnvReason(name: string): string | undefined {
  return byName(name, COMMAND_ENV, COMMAND_ENV_PREFIXES);
}

/**
 * For the exec handler, on the evaluated input: the first variable that makes a program run
 * code, and why; undefined when there is none. (Whether a value came from an expression is
 * known only to the compiler, which checks `commandEnvReason` too.)
 */
export function refusedEnv(names: Iterable<string>): { name: string; why: string } | undefined {
  for (const name of names) {
    const why = codeEnvReason(name);
    if (why !== undefined) return { name, why };
  }
  return undefined;
}
