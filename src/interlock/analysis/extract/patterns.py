"""The vocabulary of capabilities: which calls and which strings mean what.

Kept as data so a reader can audit what Interlock looks for without reading the analyser.
"""

from __future__ import annotations

import re

from interlock.analysis.facts import Capability

# Fully qualified call names (after resolving imports and aliases) and what they let code do.
CALLS: dict[str, Capability] = {}


def _register(capability: Capability, *names: str) -> None:
    for name in names:
        CALLS[name] = capability


_register(
    Capability.PROCESS,
    *(
        f"subprocess.{n}"
        for n in ("Popen", "call", "check_call", "check_output", "run", "getoutput", "getstatusoutput")
    ),
    *(f"os.{n}" for n in ("system", "popen", "popen2", "popen3", "popen4", "startfile", "posix_spawn", "posix_spawnp")),
    *(f"os.exec{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
    *(f"os.spawn{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
    "pty.spawn",
    "commands.getoutput",
    "commands.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "asyncio.create_subprocess_exec",
    "pexpect.spawn",
    "pexpect.run",
    "win32api.ShellExecute",
    "win32process.CreateProcess",
    "ctypes.windll.shell32.ShellExecuteW",
    "ctypes.windll.shell32.ShellExecuteA",
)
_register(
    Capability.EXEC,
    "exec",
    "eval",
    "execfile",
    "builtins.exec",
    "builtins.eval",
    "runpy.run_path",
    "runpy.run_module",
    "types.FunctionType",
    "code.InteractiveInterpreter",
    # Shellcode loaders: memory made executable and jumped into.
    "ctypes.windll.kernel32.VirtualAlloc",
    "ctypes.windll.kernel32.CreateThread",
    "ctypes.windll.kernel32.RtlMoveMemory",
)
_register(
    Capability.DECODE,
    *(
        f"base64.{n}"
        for n in (
            "b64decode",
            "b32decode",
            "b16decode",
            "a85decode",
            "b85decode",
            "decodebytes",
            "decodestring",
            "urlsafe_b64decode",
            "standard_b64decode",
        )
    ),
    "binascii.a2b_base64",
    "binascii.unhexlify",
    "binascii.a2b_hex",
    "codecs.decode",
    "zlib.decompress",
    "gzip.decompress",
    "bz2.decompress",
    "lzma.decompress",
    "marshal.loads",
    "bytes.fromhex",
    "bytearray.fromhex",
    "cryptography.fernet.Fernet",
    "fernet.Fernet",
    "Crypto.Cipher.AES.new",
)
_register(
    Capability.NETWORK,
    *(f"urllib.request.{n}" for n in ("urlopen", "Request", "urlretrieve", "build_opener")),
    "urllib.urlopen",
    "urllib.urlretrieve",
    "urllib2.urlopen",
    "urllib2.Request",
    *(f"requests.{n}" for n in ("get", "post", "put", "patch", "delete", "head", "request")),
    *(f"httpx.{n}" for n in ("get", "post", "put", "patch", "delete", "request", "stream")),
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "httplib.HTTPConnection",
    "httplib.HTTPSConnection",
    "socket.create_connection",
    "aiohttp.request",
    "urllib3.request",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "ftplib.FTP",
    "telnetlib.Telnet",
    "pycurl.Curl",
    "websocket.create_connection",
    "websockets.connect",
    "discord_webhook.DiscordWebhook",
    "dhooks.Webhook",
    "wget.download",
)
_register(
    Capability.DNS,
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.getaddrinfo",
    "dns.resolver.resolve",
    "dns.resolver.query",
    "dns.resolver.Resolver",
)
_register(
    Capability.SYSINFO,
    "socket.gethostname",
    "getpass.getuser",
    "os.getlogin",
    "platform.node",
    "platform.uname",
    "uuid.getnode",
    "os.uname",
)
_register(Capability.CHMOD_EXEC, "os.chmod")
_register(
    Capability.INPUT_CAPTURE,
    "pynput.keyboard.Listener",
    "keyboard.hook",
    "keyboard.on_press",
    "keyboard.on_release",
    "keyboard.record",
    "win32api.GetAsyncKeyState",
    "ctypes.windll.user32.GetAsyncKeyState",
    "ctypes.windll.user32.SetWindowsHookExA",
    "ctypes.windll.user32.SetWindowsHookExW",
    "pyperclip.paste",
    "pyperclip.copy",
    "win32clipboard.GetClipboardData",
    "win32clipboard.SetClipboardText",
)

# Calls that read a credential store, by category (a browser-cookie or DPAPI call is a stealer's tool).
CREDENTIAL_CALLS = {
    "win32crypt.CryptUnprotectData": "dpapi",
    "browser_cookie3": "browser",
    "keyring.get_password": "keyring",
}
# Categories that only stealers read: no library has a reason to open another program's secrets.
STEALER_CATEGORIES = {"browser", "wallet", "messaging", "discord-token", "dpapi", "ftp-client"}
WALLET_SECRET_SENT = "wallet-secret"
"""Category of a credential fact for a request whose payload carries a wallet secret by name."""
# Payload field names (lower case, without `_`/`-`) that hold a wallet's private key or seed phrase.
WALLET_SECRET_FIELDS = {
    "privatekey",
    "privkey",
    "mnemonic",
    "mnemonicphrase",
    "seedphrase",
    "seedwords",
    "recoveryphrase",
    "secretphrase",
    "walletseed",
}
# Keyword arguments of HTTP clients that carry the request payload.
PAYLOAD_KEYWORDS = {"json", "data", "params", "body", "content"}

# Client objects: making one sends nothing; calling its methods does (`requests.Session().post`).
CLIENT_CONSTRUCTORS = {
    "requests.Session",
    "requests.session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "urllib3.PoolManager",
    "paramiko.SSHClient",
    "socket.socket",
}
# Methods of such clients that actually send (a socket that only binds and listens is a server).
SENDING_METHODS = {
    "get", "post", "put", "patch", "delete", "head", "request", "stream", "send", "sendall", "sendto",
    "connect", "connect_ex", "open", "exec_command", "sendmail", "urlopen", "fetch",
}  # fmt: skip

# Names of install-command classes whose overrides run during `pip install` of an sdist.
INSTALL_COMMANDS = {
    "install",
    "develop",
    "egg_info",
    "build_py",
    "build",
    "build_ext",
    "sdist",
    "bdist_egg",
    "bdist_wheel",
    "install_lib",
    "install_scripts",
    "easy_install",
}
# Every setuptools command that building, installing or editably installing an sdist may run
# (setuptools' build backend runs egg_info / dist_info, bdist_wheel or editable_wheel, which run
# build and install and their sub-commands). A command registered under another name (publish,
# upload, release, docs, a PyInstaller bundle) runs only when someone types it.
PIP_RUN_COMMANDS = INSTALL_COMMANDS | {
    "dist_info",
    "editable_wheel",
    "build_clib",
    "build_scripts",
    "build_src",
    "install_headers",
    "install_data",
    "install_egg_info",
    "bdist",
    "config",
}

# Programs whose output describes the host, its users, processes or network: what a probe runs
# before sending the answer home.
RECON_COMMANDS = frozenset(
    {
        "whoami",
        "hostname",
        "id",
        "ps",
        "tasklist",
        "systeminfo",
        "ipconfig",
        "ifconfig",
        "netstat",
        "arp",
        "who",
        "w",
        "last",
        "printenv",
        "net",
    }
)

# Programs that setup.py scripts legitimately run while building.
BUILD_TOOLS = {
    "git",
    "hg",
    "cmake",
    "make",
    "ninja",
    "gcc",
    "g++",
    "cc",
    "c++",
    "clang",
    "cl",
    "nvcc",
    "pkg-config",
    "cython",
    "swig",
    "meson",
    "cargo",
    "rustc",
    "go",
    "npm",
    "yarn",
    "node",
    "protoc",
    "xcrun",
    "uname",
    "lsb_release",
    "ldconfig",
    "which",
    "where",
    "sw_vers",
    "nproc",
    "python",
    "python3",
    "sys.executable",
    "twine",
    "tox",
    "sphinx-build",
}

# Commands shadowing which lets an entry point hijack what users or tools run.
SHADOWED_COMMANDS = {
    "pip",
    "pip3",
    "python",
    "python3",
    "sudo",
    "ls",
    "cd",
    "cat",
    "ssh",
    "scp",
    "git",
    "curl",
    "wget",
    "bash",
    "sh",
    "zsh",
    "env",
    "apt",
    "apt-get",
    "brew",
    "docker",
    "kubectl",
    "aws",
    "gcloud",
    "az",
    "npm",
    "node",
    "uv",
    "poetry",
    "conda",
    "twine",
    "gpg",
    "openssl",
    "systemctl",
}

# Each credential store and the strings that point at it. A harvester touches many of them.
CREDENTIAL_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "ssh": r"(^|[/\\~])\.ssh([/\\]|$)|\bid_(rsa|dsa|ecdsa|ed25519)\b",
        "aws": r"(^|[/\\~])\.aws([/\\]|$)|\.aws[/\\]credentials",
        "gcloud": r"\.config[/\\]gcloud|application_default_credentials\.json|gcloud[/\\]credentials",
        "azure": r"(^|[/\\~])\.azure([/\\]|$)|azureProfile\.json",
        "kubernetes": r"(^|[/\\~])\.kube([/\\]config|$)|serviceaccount[/\\]token",
        "docker": r"\.docker[/\\]config\.json",
        "dotenv": r"(^|[/\\~])\.env$",
        "git": r"\.git-credentials|(^|[/\\~])[._]netrc$|\.config[/\\]gh[/\\]hosts\.yml",
        "package-registry": r"(^|[/\\~])\.(npmrc|pypirc)$",
        "shell-history": r"\.(bash|zsh|sh|mysql|psql)_history\b",
        # A process's own memory map is what loaders and profilers read; other processes' maps, and
        # anyone's memory or environment, are another program's secrets.
        "system": r"/etc/shadow|/proc/(self|\*|\{|\d)[^\"']*/(environ|mem)\b|/proc/(\*|\{|\d)[^\"']*/maps",
        "browser": r"\bLogin Data\b|\bWeb Data\b|\bLocal State\b|\bcookies\.sqlite\b|\blogins\.json\b"
        r"|\bkey[34]\.db\b|Local Storage[/\\]+leveldb",
        "wallet": r"\bwallet\.dat\b|\bExodus\b|\bElectrum\b|Ethereum[/\\]keystore|\bCoinomi\b|\batomic[/\\]"
        r"|nkbihfbeogaeaoehlefnkodbefgpgknn",
        "messaging": r"Telegram Desktop|\btdata\b|discord(canary|ptb)?[/\\]Local Storage",
        "discord-token": r"\[\\w-\]\{24\}|mfa\\\.\[\\w-\]\{84\}|dQw4w9WgXcQ",
        "gnupg": r"(^|[/\\~])\.gnupg([/\\]|$)",
        "ftp-client": r"FileZilla[/\\]+(recentservers|sitemanager)\.xml",
    }.items()
}

# Environment variables that hold secrets, by the word their name ends in: GITHUB_TOKEN,
# AWS_SECRET_ACCESS_KEY, OPENAI_API_KEY, DB_PASSWORD (not ARTIFACTS_CREDENTIAL_PROVIDER_RID, TOKEN_URL).
SECRET_ENV_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|_KEY|CREDENTIALS?)$", re.IGNORECASE)
# A filter picking secrets out of the whole environment (`if "TOKEN" in k`, `re.search("KEY|PASS", k)`).
SECRET_ENV_WORD = re.compile(r"TOKEN|SECRET|PASS|KEY|CREDENTIAL", re.IGNORECASE)

PERSISTENCE_PATTERN = re.compile(
    r"\.config[/\\]systemd[/\\]user|/etc/systemd/system|systemctl\s+(--user\s+)?enable"
    # crontab given an argument or fed by a pipe; the bare word is also a field name (demisto-sdk).
    r"|\bcrontab\s+\S|\|\s*crontab\b|/etc/cron|/var/spool/cron"
    r"|(^|[/\\~])\.(bashrc|zshrc|bash_profile|profile|zprofile|bash_login)$"
    r"|Library[/\\]Launch(Agents|Daemons)"
    # schtasks creating a task; ending or querying one (comfy-test) persists nothing.
    r"|CurrentVersion\\+Run|Start Menu\\+Programs\\+Startup|\bschtasks(\.exe)?\s+/create\b|Register-ScheduledTask"
    r"|\.ipython[/\\]profile_default[/\\]startup|/etc/rc\.local|/etc/init\.d/"
    r"|authorized_keys",
    re.IGNORECASE,
)

KUBERNETES_PATTERN = re.compile(
    r"/var/run/secrets/kubernetes\.io/serviceaccount|/api/v1/namespaces/[^\"']*/pods",
)

EXFIL_PATTERN = re.compile(
    r"discord(app)?\.com/api/webhooks|api\.telegram\.org/bot|hooks\.slack\.com/services"
    r"|pastebin\.com/raw|paste\.ee/|hastebin\.|transfer\.sh|\.ngrok(-free)?\.(io|app)|webhook\.site"
    r"|requestbin|pipedream\.net|burpcollaborator\.net|oastify\.com|interact\.sh|\boast\.(pro|live|site|online|fun|me)"
    r"|dnslog\.cn|ceye\.io|dnshook\.site|requestcatcher\.com|beeceptor\.com|hookbin\.com|canarytokens|anonfiles\.|gofile\.io|file\.io/|temp\.sh|trycloudflare\.com|serveo\.net"
    r"|cdn\.discordapp\.com/attachments|ipinfo\.io|api\.ipify\.org|ifconfig\.me|checkip\.amazonaws|icanhazip"
    r"|\.onion\b"
    r"|https?://\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?(/|$)",
    re.IGNORECASE,
)
# Drops no library has a reason to hard-code: chat webhooks and bots with their secret token in the
# URL, raw paste pages, out-of-band testing and anonymous file hosts.
STRONG_DROP_PATTERN = re.compile(
    r"api\.telegram\.org/bot\d{6,}:[\w-]{30,}|discord(app)?\.com/api/webhooks/\d{6,}/[\w-]{30,}"
    r"|pastebin\.com/raw|paste\.ee/r/|hastebin\.com/raw|webhook\.site|requestbin|pipedream\.net|burpcollaborator\.net"
    r"|oastify\.com|interact\.sh|\boast\.(pro|live|site|online|fun|me)|dnslog\.cn|ceye\.io|dnshook\.site"
    r"|canarytokens|anonfiles\.|gofile\.io|transfer\.sh|temp\.sh|cdn\.discordapp\.com/attachments|\.onion\b",
    re.IGNORECASE,
)
# Loopback, link-local and documentation-free private addresses are normal in tests and config.
_LOCAL_IP_URL = re.compile(r"https?://(127\.|0\.0\.0\.0|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)")

SHELL_DOWNLOAD_PATTERN = re.compile(
    r"\b(curl|wget)\b[^\n]{0,200}(https?://|\|\s*(ba|z)?sh\b)|Invoke-WebRequest|\biwr\s|DownloadString|DownloadFile"
    r"|Net\.WebClient|certutil[^\n]{0,40}-urlcache|bitsadmin[^\n]{0,40}/transfer|\bmshta\s+https?:|Invoke-Expression|\bIEX\s*\(",
    re.IGNORECASE,
)
ENCODED_SHELL_PATTERN = re.compile(
    r"powershell[^\n]{0,80}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}|-w(indowstyle)?\s+hidden",
    re.IGNORECASE,
)
# Of those, the command that cannot be read: a hidden window alone still shows what it runs.
ENCODED_COMMAND_PATTERN = re.compile(
    r"powershell[^\n]{0,80}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}", re.IGNORECASE
)

# The switch product analytics offer to turn them off, named in the code that sends them.
# The word "telemetry" alone is not one: OpenTelemetry, or a comment, says it without offering a switch.
TELEMETRY_OPT_OUT = re.compile(
    r"do_?not_?track|(disable|no|anonymi[sz]ed)_?(telemetry|analytics|tracking)"
    r"|(telemetry|analytics|tracking)_?(enabled|disabled|off|opt_?out)|opt_?out|usage_?stats",
    re.IGNORECASE,
)

EVASION_PATTERN = re.compile(
    r"Add-MpPreference|ExclusionPath|DisableRealtimeMonitoring|Set-MpPreference|\bfodhelper\b|computerdefaults\.exe"
    r"|ms-settings\\+shell\\+open|\battrib\s+\+[hs]|netsh\s+advfirewall|vssadmin\s+delete|wevtutil\s+cl"
    r"|bcdedit\s|\bIsDebuggerPresent\b|\bVBoxService\b|\bvmtoolsd\b",
    re.IGNORECASE,
)


MINER_PATTERN = re.compile(
    r"stratum\+(tcp|ssl)://|\bxmrig\b|\bcpuminer\b|\bminerd\b|--donate-level|\bnicehash\b|\bdero1[a-z0-9]{50,}"
    r"|-w\s+\{?WALLET|\bpool\.(minexmr|supportxmr|hashvault)|\bmoneroocean\b",
    re.IGNORECASE,
)

# Literal anchors (lower case; match against the lower-cased string), one of which every pattern
# above needs: one cheap pass rules out almost every string before the individual patterns run.
# Keep in step when adding a pattern (tests check it).
DATA_PREFILTER = re.compile(
    r"ssh|id_|aws|gcloud|azure|kube|serviceaccount|docker|\.env|netrc|git-cred|hosts\.yml|npmrc|pypirc|_history"
    r"|shadow|/proc/|login data|web data|local state|cookies|logins\.json|key[34]\.db|leveldb|wallet|exodus"
    r"|electrum|ethereum|coinomi|atomic|nkbih|telegram|tdata|discord|\\w-|dqw4|gnupg|filezilla"
    r"|systemd|systemctl|cron|bashrc|zshrc|profile|bash_login|launch|currentversion|startup|schtasks|ipython"
    r"|rc\.local|init\.d|authorized_keys|/api/v1/|http|\.onion|webhook|pastebin|paste\.ee|hastebin|transfer\.sh"
    r"|ngrok|requestbin|pipedream|burpcollaborator|oastify|interact\.sh|oast\.|dnslog|ceye|dnshook|requestcatcher"
    r"|beeceptor|hookbin|canarytokens|anonfiles|gofile|file\.io|temp\.sh|trycloudflare|serveo|ipinfo|ipify"
    r"|ifconfig|checkip|icanhazip|pyarmor|pytransform|mppreference|exclusionpath|disablerealtime|fodhelper"
    r"|computerdefaults|ms-settings|attrib|netsh|vssadmin|wevtutil|bcdedit|isdebuggerpresent|vboxservice|vmtoolsd"
    r"|stratum|xmrig|cpuminer|minerd|donate-level|nicehash|dero1|wallet|minexmr|supportxmr|hashvault|moneroocean",
)


def credential_categories(text: str) -> list[str]:
    return [name for name, pattern in CREDENTIAL_PATTERNS.items() if pattern.search(text)]


def is_exfil_endpoint(text: str) -> bool:
    match = EXFIL_PATTERN.search(text)
    return match is not None and not _LOCAL_IP_URL.match(text, match.start())
