/**
 * Import name -> the distribution to `pip install`, where they differ or are not obvious. Standard-library
 * modules give undefined. A module not listed is assumed to be its own distribution name.
 */
const known: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  cv2: 'opencv-python',
  PIL: 'pillow',
  yaml: 'pyyaml',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  Bio: 'biopython',
  sentencepiece: 'sentencepiece',
  google: 'protobuf',
  dotenv: 'python-dotenv',
  jwt: 'pyjwt',
  attr: 'attrs',
  Crypto: 'pycryptodome',
  OpenSSL: 'pyopenssl',
  serial: 'pyserial',
  magic: 'python-magic',
  docx: 'python-docx',
  pptx: 'python-pptx',
  umap: 'umap-learn',
  tensorflow_addons: 'tensorflow-addons',
  IPython: 'ipython',
};

/**
 * The top-level modules of the standard library: Python 3.11's `sys.stdlib_module_names` without the private
 * ones (modules later versions removed, like `imp` and `distutils`, stay: a notebook may still import them).
 */
const stdlib = new Set(
  (
    '__future__ abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb ' +
    'binascii bisect builtins bz2 calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys ' +
    'compileall concurrent configparser contextlib contextvars copy copyreg cProfile crypt csv ctypes curses ' +
    'dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno ' +
    'faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass ' +
    'gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect ' +
    'io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math ' +
    'mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers ' +
    'opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform plistlib ' +
    'poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue ' +
    'quopri random re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex ' +
    'shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants ' +
    'sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog ' +
    'tabnanny tarfile telnetlib tempfile termios textwrap this threading time timeit tkinter token tokenize ' +
    'tomllib trace traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu ' +
    'uuid venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile ' +
    'zipimport zlib zoneinfo'
  ).split(' '),
);

/**
 * Top-level modules that the libraries notebooks use import themselves (scikit-learn imports scipy and joblib,
 * pandas dateutil and pytz, pytest pluggy): a package named like one hides it from them too, even when the
 * notebook never imports it.
 */
const libraryModules = new Set(
  (
    'numpy scipy pandas sklearn joblib threadpoolctl matplotlib mpl_toolkits seaborn statsmodels patsy dateutil ' +
    'pytz tzdata six packaging pyparsing cycler kiwisolver fontTools PIL contourpy pluggy iniconfig _pytest pytest ' +
    'yaml IPython ipykernel traitlets jinja2 markupsafe requests urllib3 certifi charset_normalizer idna ' +
    'setuptools pkg_resources pip wheel typing_extensions attr xgboost lightgbm catboost torch tensorflow keras ' +
    'nbformat nbconvert jupyter_core jupyter_client tqdm numba llvmlite pyarrow sympy mpmath networkx'
  ).split(' '),
);

/** True for a module that the common data-science libraries import (see {@link libraryModules}). */
export function isLibraryModule(module: string): boolean {
  return libraryModules.has(module);
}

/** True for a module of the standard library (as far as the list above knows). */
export function isStdlibModule(module: string): boolean {
  return stdlib.has(module);
}

export function distributionFor(module: string): string | undefined {
  if (stdlib.has(module)) return undefined;
  return known[module] ?? module;
}
